//! `App::apply`: the one place where the page's state changes (see `web/action.rs`).

use super::App;
use crate::sim::scenario::{fmt_f64, split_query, Scenario};
use crate::web::action::{Action, After};
use crate::web::dom;
use crate::web::view::At;

/// The most work (steps × seeds × weights) computed before the page shows a result.
pub(crate) const SHOW_AT_BUDGET: u64 = 200_000_000;

impl App {
    /// Applies one action to the state; what the page must then update is in the [`After`].
    pub fn apply(&mut self, action: Action) -> After {
        let mut after = After::default();
        match action {
            Action::SetKey { key, text } => {
                let mut pairs = split_query(&self.scenario.to_query());
                pairs.retain(|(k, _)| *k != key);
                pairs.push((key, text));
                let (s, notices) = Scenario::parse_pairs(&pairs, true).expect("lenient parsing never fails");
                self.keep_ghost(&s);
                self.scenario = s;
                after.notices = notices.iter().map(|n| n.to_string()).collect();
                self.scenario_changed(&mut after);
            }
            Action::Load { scenario, fresh, at } => {
                if fresh {
                    self.ghost = None;
                } else {
                    self.keep_ghost(&scenario);
                }
                self.scenario = *scenario;
                self.scenario_changed(&mut after);
                self.view.at = at;
            }
            Action::ShowResult => after.notices.extend(self.show_result()),
            Action::SetAt(at) => self.view.at = at,
            Action::TogglePlay => {
                if self.finished() {
                    self.restart();
                    self.set_playing(true);
                } else {
                    self.set_playing(!self.playing);
                }
            }
            Action::Play => {
                if self.finished() {
                    self.restart();
                }
                self.set_playing(true);
            }
            Action::Pause => self.set_playing(false),
            Action::Step(n) => {
                self.set_playing(false);
                self.step_by(n);
            }
            Action::Reset => {
                let playing = self.playing;
                self.restart();
                let at_start = self.ens().step() == 0;
                self.set_playing(playing || at_start);
            }
            Action::Frame(now) => {
                if !dom::document().hidden() {
                    self.frame(now);
                }
                if self.url_dirty_at.is_some_and(|t| now - t > 250.0) {
                    self.url_dirty_at = None;
                    crate::web::write_url(self);
                }
            }
            Action::SetSpeed(speed) => {
                self.view.speed = speed;
                self.url_dirty_at = Some(dom::now());
            }
            Action::SetLogX(on) => {
                self.view.log_x = on;
                self.url_dirty_at = Some(dom::now());
                self.request_redraw();
            }
            Action::SetFullRange(on) => {
                self.view.full_range = on;
                self.url_dirty_at = Some(dom::now());
                self.mark_all_dirty();
            }
            Action::SetNotation(notation) => {
                self.view.notation = notation;
                self.url_dirty_at = Some(dom::now());
                self.sweep.mark_dirty();
                after.sync = true;
            }
            Action::Resize(dpr) => {
                self.dpr = dpr;
                self.mark_all_dirty();
                after.caption = true;
            }
            Action::ToggleCaption => {
                self.view.caption_open = !self.view.caption_open;
                after.caption = true;
            }
            Action::Hover(at) => {
                self.hover = at;
                self.request_redraw();
            }
            Action::Drag(on) => self.dragging = on,
            Action::MoveWstar(x, y) => {
                let playing = self.playing;
                let (x, y) = (fmt_f64(x.clamp(-100.0, 100.0)), fmt_f64(y.clamp(-100.0, 100.0)));
                // The 1-D view moves w* along its one axis.
                let text = if self.scenario.wstar.len() == 1 { x } else { format!("{x},{y}") };
                after = self.apply(Action::SetKey { key: "wstar".into(), text });
                let at_start = self.ens().step() == 0;
                self.set_playing(playing || at_start);
            }
            Action::SweepStart { sweep, axes, steps, seeds } => {
                self.view.sweep = Some(axes);
                self.view.sweep_steps = Some(steps);
                self.view.sweep_seeds = Some(seeds);
                self.view.sweep_metric = Some(sweep.metric.name().to_string());
                self.url_dirty_at = Some(dom::now());
                self.sweep.start(*sweep);
            }
            Action::SweepCancel => self.sweep.cancel(),
            Action::SweepMetric(metric) => {
                self.sweep.set_metric(metric);
                if self.view.sweep.is_some() {
                    self.view.sweep_metric = Some(metric.name().to_string());
                    self.url_dirty_at = Some(dom::now());
                }
            }
            Action::SweepPick { i, j, scenario } => {
                self.sweep.select(i, j);
                self.scenario = *scenario;
                self.scenario_changed(&mut after);
                self.set_playing(true);
            }
            Action::Tour(step) => {
                self.view.tour = step;
                if step.is_none() {
                    self.tour_mark = None;
                    self.url_dirty_at = Some(dom::now());
                }
            }
            Action::Present(on) => {
                self.view.present = on;
                self.zoom = if on { crate::web::present::ZOOM } else { 1.0 };
                if !on {
                    self.conceal = false;
                    self.guess = None;
                }
                self.url_dirty_at = Some(dom::now());
                self.request_redraw();
            }
            Action::Ask(question) => {
                self.guess = None;
                self.conceal = question;
                if question {
                    // Nothing of the run shows before the guess: back to step 0, paused.
                    self.restart();
                    self.set_playing(false);
                }
                self.request_redraw();
            }
            Action::Guess(guess) => {
                self.guess = Some(guess);
                self.conceal = false;
                self.view.at = Some(At::End);
                after.notices.extend(self.show_result());
                self.request_redraw();
            }
        }
        after
    }

    /// After any scenario change: a new run, watched live; the URL, the tour's mark and the sweep
    /// form's problem follow.
    fn scenario_changed(&mut self, after: &mut After) {
        self.view.at = None;
        self.restart();
        self.url_dirty_at = Some(dom::now());
        self.tour_mark = crate::web::tour::mark(self);
        // A new problem gets its own sweep defaults (a digits cell trains a network).
        let problem = self.scenario.problem;
        let prev = self.sweep_problem;
        let from_link = self.view.sweep.is_some();
        let refill = prev.is_some_and(|p| p != problem) || (prev.is_none() && !from_link && problem.is_network());
        self.sweep_problem = Some(problem);
        after.sync = true;
        after.refill_sweep = refill && !self.sweep.running;
    }

    /// Starts the run, or computes it to a step first and shows the result paused: to `at=` of the
    /// link (scenes and embeds: the end, so their numbers do not depend on when they are read), or
    /// under prefers-reduced-motion to the end (nothing animates). Returns a notice when `at=`
    /// could not be honoured.
    fn show_result(&mut self) -> Option<String> {
        let reduced = dom::media("(prefers-reduced-motion: reduce)");
        if self.is_digits() {
            // The worker trains either way; under reduced motion the panels show only the end.
            self.digits.final_only = reduced;
            self.set_playing(true);
            return self.view.at.filter(|_| !self.view.embed).map(|at| {
                format!("at={}: networks train live, epoch by epoch; showing the training as it goes", at.key())
            });
        }
        let steps = self.scenario.steps;
        let Some(at) = self.view.at.or(reduced.then_some(At::End)) else {
            self.set_playing(true);
            return None;
        };
        let target = at.step(steps);
        let work = target.saturating_mul(self.scenario.seeds).saturating_mul(self.run().problem.dim() as u64);
        if work > SHOW_AT_BUDGET {
            self.set_playing(true);
            return Some(format!(
                "at={}: {target} steps are too many to compute before showing; the run plays live instead",
                at.key()
            ));
        }
        let now = self.ens().step();
        self.step_by(target.saturating_sub(now));
        self.set_playing(false);
        match at {
            At::Step(n) if n > steps => Some(format!("at={n}: the run has {steps} steps; showing its end")),
            _ => None,
        }
    }
}
