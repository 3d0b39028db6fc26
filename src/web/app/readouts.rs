//! The readout table, the step counter and the live values the captions bind to.

use super::*;

impl App {
    /// Recent means and distances for the readouts and the caption (averaged over seeds).
    pub fn update_readouts(&mut self) {
        let optimum = self.run().problem.optimum();
        let seeds = self.ens().runs.len() as f64;
        self.readouts = (0..self.run().tracks.len())
            .map(|k| {
                let t = &self.run().tracks[k];
                let (mut loss, mut avg_loss, mut dist) = (0.0, 0.0, 0.0);
                for run in &self.ens().runs {
                    let (l, a, d) = track_readout(&run.tracks[k], &run.problem, &optimum);
                    loss += l / seeds;
                    avg_loss += a / seeds;
                    dist += d / seeds;
                }
                Readout {
                    key: crate::sim::run::track_key(&t.algo),
                    kind: t.algo.kind,
                    pulsed: t.algo.pulsed(),
                    loss,
                    avg_loss,
                    dist,
                    pulses_per_step: t.algo.pulses() as f64 / t.algo.k.max(1) as f64,
                    diverged: self.ens().runs.iter().any(|r| r.tracks[k].algo.diverged),
                }
            })
            .collect();
        self.write_readouts();
    }

    /// The readout of `a` in the expected dynamic (or at pulse level if that is all there is).
    fn readout(&self, a: AlgorithmKind) -> Option<&Readout> {
        self.readouts.iter().find(|r| r.kind == a && !r.pulsed).or_else(|| self.readouts.iter().find(|r| r.kind == a))
    }

    fn pulsed_readout(&self, a: AlgorithmKind) -> Option<&Readout> {
        self.readouts.iter().find(|r| r.kind == a && r.pulsed)
    }

    /// The readout table: rows are built when the set of tracks changes; afterwards only the
    /// cells' text and values change (no new DOM nodes every tenth of a second).
    fn write_readouts(&self) {
        let any_pulses = self.readouts.iter().any(|r| r.pulsed);
        dom::set_hidden("pulses-head", !any_pulses);
        dom::set_hidden("legend-pulses", !any_pulses);
        let Ok(body) = by_id::<web_sys::HtmlElement>("readout-rows") else { return };
        let shape: String = self.readouts.iter().map(|r| r.key.as_str()).collect::<Vec<_>>().join(",")
            + if any_pulses { "+p" } else { "" };
        if body.get_attribute("data-tracks").as_deref() != Some(shape.as_str()) {
            let rows: String = self
                .readouts
                .iter()
                .map(|r| {
                    let pulses = if any_pulses { format!("<td id=\"pulses-{}\"></td>", r.key) } else { String::new() };
                    format!(
                        "<tr id=\"row-{k}\"><td><span class=\"swatch {kind}{p}\"></span>{label}</td><td id=\"loss-{k}\"></td><td id=\"avgloss-{k}\"></td><td id=\"dist-{k}\"></td>{pulses}</tr>",
                        k = r.key,
                        kind = r.kind.key(),
                        p = if r.pulsed { " pulsed" } else { "" },
                        label = crate::figures::digits::track_label(&r.key),
                    )
                })
                .collect();
            body.set_inner_html(&rows);
            let _ = body.set_attribute("data-tracks", &shape);
        }
        for r in &self.readouts {
            let (loss, avg_loss, dist) = if r.diverged {
                ("diverged".to_string(), "—".to_string(), "—".to_string())
            } else if !r.loss.is_finite() {
                ("—".to_string(), fmt_num(r.avg_loss), fmt_num(r.dist)) // no step taken yet
            } else {
                (fmt_num(r.loss), fmt_num(r.avg_loss), fmt_num(r.dist))
            };
            for (id, text, value) in [
                (format!("loss-{}", r.key), loss, r.loss),
                (format!("avgloss-{}", r.key), avg_loss, r.avg_loss),
                (format!("dist-{}", r.key), dist, r.dist),
            ] {
                dom::set_text(&id, &text);
                if let Ok(cell) = by_id::<web_sys::HtmlElement>(&id) {
                    let _ = cell.set_attribute("data-value", &value.to_string());
                    let _ = cell.class_list().toggle_with_force("diverged", r.diverged);
                }
            }
            if any_pulses {
                let text = if r.pulsed { fmt_num(r.pulses_per_step) } else { "—".into() };
                dom::set_text(&format!("pulses-{}", r.key), &text);
            }
        }
        self.write_step_count();
        let rate =
            if self.playing { format!("{} steps/s", fmt_num(self.steps_per_second.round())) } else { String::new() };
        dom::set_text("rate", &rate);
        self.write_caption_values();
    }

    /// "step k / K", or on digits "epoch e / E".
    pub(super) fn write_step_count(&self) {
        let (text, now) = if self.is_digits() {
            let e = self.digits.epoch();
            (format!("epoch {e} / {}", self.scenario.epochs), e)
        } else {
            (format!("step {} / {}", self.ens().step(), self.scenario.steps), self.ens().step())
        };
        dom::set_text("step-count", &text);
        if let Ok(e) = by_id::<web_sys::HtmlElement>("step-count") {
            let _ = e.set_attribute("data-step", &now.to_string());
        }
    }

    /// The live value of a caption placeholder.
    pub fn bound_value(&self, name: &str) -> Option<String> {
        if self.is_digits() {
            let acc = |k: &str| self.digits.accuracy(k).map(|a| format!("{a:.1} %"));
            return match name {
                "digital_acc" => acc("digital"),
                "analog_acc" => acc("analog").or_else(|| acc("analog_sample")).or_else(|| acc("analog_pulse")),
                "tt_acc" => acc("tt").or_else(|| acc("tt_sample")).or_else(|| acc("tt_pulse")),
                "analog_sample_acc" => acc("analog_sample"),
                "analog_pulse_acc" => acc("analog_pulse"),
                "tt_pulse_acc" => acc("tt_pulse"),
                "epoch" => Some(self.digits.epoch().to_string()),
                "tt_minus_analog" => {
                    let a = self.digits.accuracy("analog").or_else(|| self.digits.accuracy("analog_pulse"))?;
                    let t = self.digits.accuracy("tt").or_else(|| self.digits.accuracy("tt_pulse"))?;
                    Some(format!("{:.0}", t - a))
                }
                key => crate::sim::scenario::key(key).map(|k| k.format(&self.scenario)),
            };
        }
        let dist = |a| self.readout(a).map(|r| fmt_num(r.dist));
        let loss = |a| self.readout(a).map(|r| fmt_num(r.loss));
        match name {
            "analog_dist" => dist(AlgorithmKind::Analog),
            "tt_dist" => dist(AlgorithmKind::TikiTaka),
            "digital_dist" => dist(AlgorithmKind::Digital),
            "analog_loss" => loss(AlgorithmKind::Analog),
            "tt_loss" => loss(AlgorithmKind::TikiTaka),
            "digital_loss" => loss(AlgorithmKind::Digital),
            "analog_pulse_loss" => self.pulsed_readout(AlgorithmKind::Analog).map(|r| fmt_num(r.loss)),
            "analog_pulse_dist" => self.pulsed_readout(AlgorithmKind::Analog).map(|r| fmt_num(r.dist)),
            "tt_pulse_loss" => self.pulsed_readout(AlgorithmKind::TikiTaka).map(|r| fmt_num(r.loss)),
            "analog_pulses" => self.pulsed_readout(AlgorithmKind::Analog).map(|r| fmt_num(r.pulses_per_step)),
            "symmetric_point" => self.run().device.symmetric_point().map(fmt_num),
            "lb_w" => self.run().theory.lower_bound_w.map(fmt_num),
            "lb_grad_sq" => self.run().theory.lower_bound_grad_sq.map(fmt_num),
            "lb_grad_sq_paper" => self.run().theory.lower_bound_grad_sq_paper.map(fmt_num),
            "analog_grad_sq" => {
                // Mean ‖∇f‖² over the second half of the steps so far (past the transient).
                let t = self.run().track(AlgorithmKind::Analog)?;
                let from = t.grad_sq.len() / 2;
                let (sum, n) = t
                    .grad_sq
                    .buckets()
                    .iter()
                    .filter(|b| b.start >= from)
                    .fold((0.0, 0u64), |(s, n), b| (s + b.sum, n + b.len));
                (n > 0).then(|| fmt_num(sum / n as f64))
            }
            "ratio" => {
                let (a, t) = (self.readout(AlgorithmKind::Analog)?, self.readout(AlgorithmKind::TikiTaka)?);
                Some(format!("{:.1}", a.dist / t.dist.max(1e-12)))
            }
            "theory_dist" => {
                let w = self.run().theory.analog_stationary_w.as_ref()?;
                let d = w.iter().zip(&self.run().problem.optimum()).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt();
                Some(fmt_num(d))
            }
            "digital_floor" => self.run().theory.digital_floor.map(fmt_num),
            "analog_theory_loss" => self.run().theory.analog_stationary_loss.map(fmt_num),
            // `<algo>_dist` for the algorithms beyond Tiki-Taka (and any other).
            key => match key.strip_suffix("_dist").and_then(AlgorithmKind::from_key) {
                Some(a) => dist(a),
                None => crate::sim::scenario::key(key).map(|k| k.format(&self.scenario)),
            },
        }
    }

    pub(super) fn write_caption_values(&self) {
        let Ok(list) = dom::document().query_selector_all("#caption output[data-bind]") else { return };
        for i in 0..list.length() {
            let Some(node) = list.item(i) else { continue };
            let Ok(el) = node.dyn_into::<web_sys::Element>() else { continue };
            let name = el.get_attribute("data-bind").unwrap_or_default();
            let text = self.bound_value(&name).unwrap_or_else(|| "—".into());
            if el.text_content().as_deref() != Some(text.as_str()) {
                el.set_text_content(Some(&text));
            }
        }
    }
}
