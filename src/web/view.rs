//! The page's view options that are not part of the scenario: `embed`, `panel`, `hide`, `speed`,
//! `logx`, `zoom`, `scene`, `theme`, `autoplay`, `tour`. They travel in the same URL query as the scenario keys.

use crate::sim::scenario::split_query;

/// Simulation speed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    StepsPerSecond(f64),
    Max,
}

impl Speed {
    pub fn parse(s: &str) -> Option<Speed> {
        if s == "max" {
            return Some(Speed::Max);
        }
        s.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 1.0 && *v <= 1e5).map(Speed::StepsPerSecond)
    }
    pub fn key(&self) -> String {
        match self {
            Speed::Max => "max".into(),
            Speed::StepsPerSecond(v) => format!("{v}"),
        }
    }
}

/// The figure panels an embed can pick with `panel=`; each is the element `#panel-<name>`.
pub const PANELS: [&str; 7] = ["landscape", "weights", "loss", "distance", "device", "readouts", "digits"];

/// Parses `panel=a,b`: the known names in link order without repeats, and a notice for the rest.
fn parse_panels(v: &str) -> (Vec<String>, Option<String>) {
    let mut panels: Vec<String> = Vec::new();
    let mut unknown: Vec<&str> = Vec::new();
    for name in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let lower = name.to_ascii_lowercase();
        match PANELS.iter().find(|p| **p == lower) {
            Some(p) if !panels.iter().any(|q| q == p) => panels.push(p.to_string()),
            Some(_) => {}
            None => unknown.push(name),
        }
    }
    let notice = (!unknown.is_empty()).then(|| {
        let shown = if panels.is_empty() {
            "showing the default panels".to_string()
        } else {
            format!("showing {}", panels.join(", "))
        };
        format!(
            "panel={}: unknown panel (expected {} or {}); {shown}",
            unknown.join(","),
            PANELS[..PANELS.len() - 1].join(", "),
            PANELS[PANELS.len() - 1]
        )
    });
    (panels, notice)
}

/// View options parsed from the URL.
/// `at=`: run to this step before showing (paused), so a link's numbers do not depend on when
/// they are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    End,
    Step(u64),
}

impl At {
    pub fn parse(v: &str) -> Option<At> {
        match v {
            "end" => Some(At::End),
            _ => v.parse::<u64>().ok().map(At::Step),
        }
    }

    pub fn key(self) -> String {
        match self {
            At::End => "end".into(),
            At::Step(n) => n.to_string(),
        }
    }

    /// The step to show for a run of `steps` steps.
    pub fn step(self, steps: u64) -> u64 {
        match self {
            At::End => steps,
            At::Step(n) => n.min(steps),
        }
    }
}

#[derive(Clone, Debug)]
pub struct View {
    pub embed: bool,
    /// The panels an embed shows (`panel=`, names from [`PANELS`]); empty: every panel the problem shows.
    pub panels: Vec<String>,
    pub hide: Vec<String>,
    pub speed: Speed,
    pub log_x: bool,
    /// `zoom=full`: the landscape shows the whole device range instead of zooming to the action.
    pub full_range: bool,
    pub scene: Option<String>,
    pub theme: Option<String>,
    pub autoplay: bool,
    /// The open guided-tour step (0-based; `tour=N` in the link counts from 1).
    pub tour: Option<usize>,
    /// The sweep axes, `key:lo:hi:log:n,key:lo:hi:log:n`.
    pub sweep: Option<String>,
    pub sweep_steps: Option<u64>,
    pub sweep_seeds: Option<u64>,
    /// `at=end` / `at=N`: computed to that step and shown paused (scenes and embeds default to
    /// the end).
    pub at: Option<At>,
    /// `ghost=0`: no faint copy of the previous run after a control changes.
    pub ghost: bool,
    /// `notation=paper`: the 2024 paper's letters for the rates.
    pub notation: crate::notation::Notation,
    /// The sweep's metric by name (`sweep_metric=`; checked against the problem when used).
    pub sweep_metric: Option<String>,
    /// Lecture mode (`present=1`): one figure at a time, full screen, stepping through the tour
    /// or through `scenes`.
    pub present: bool,
    /// The scenes a lecture steps through (`scenes=stall,tiki-taka`), instead of the tour.
    pub scenes: Vec<String>,
    /// `multiples=tau:0.5,1,5`: small multiples of the scenario over one key's values (a checked
    /// spec, see [`crate::figures::multiples::Multiples`]).
    pub multiples: Option<String>,
    /// A long caption shown whole (its "More" pressed) instead of its first sentence.
    pub caption_open: bool,
}

pub const DEFAULT_SPEED: Speed = Speed::StepsPerSecond(2000.0);

impl View {
    /// Splits a URL query into view options, the scenario pairs, and notices about bad view values.
    pub fn from_query(query: &str) -> (View, Vec<(String, String)>, Vec<String>) {
        let mut view = View {
            embed: false,
            panels: vec![],
            hide: vec![],
            speed: DEFAULT_SPEED,
            log_x: false,
            full_range: false,
            scene: None,
            theme: None,
            autoplay: true,
            tour: None,
            sweep: None,
            sweep_steps: None,
            sweep_seeds: None,
            sweep_metric: None,
            at: None,
            notation: crate::notation::Notation::Ours,
            ghost: true,
            present: false,
            scenes: vec![],
            multiples: None,
            caption_open: false,
        };
        let mut rest = Vec::new();
        let mut notices = Vec::new();
        for (k, v) in split_query(query) {
            match k.as_str() {
                "embed" => view.embed = v == "1" || v == "true",
                "panel" | "panels" => {
                    let (panels, notice) = parse_panels(&v);
                    view.panels = panels;
                    notices.extend(notice);
                }
                "hide" => view.hide = v.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
                "speed" => match Speed::parse(&v) {
                    Some(s) => view.speed = s,
                    None => notices.push(format!("speed={v}: expected 1 … 100000 steps/s or max; using 2000")),
                },
                "logx" => view.log_x = v == "1" || v == "true",
                "zoom" => match v.as_str() {
                    "full" => view.full_range = true,
                    "action" => view.full_range = false,
                    _ => notices.push(format!(
                        "zoom={v}: expected zoom=full (the whole device range) or zoom=action (the default); zooming to the action"
                    )),
                },
                "scene" => view.scene = Some(v),
                "theme" => view.theme = Some(v),
                "autoplay" => view.autoplay = !(v == "0" || v == "false"),
                "tour" => match v.parse::<usize>() {
                    Ok(n) if (1..=crate::scenes::TOUR.len()).contains(&n) => view.tour = Some(n - 1),
                    _ => notices.push(format!(
                        "tour={v}: the guided tour has steps 1 to {}; not opened",
                        crate::scenes::TOUR.len()
                    )),
                },
                "sweep" => view.sweep = Some(v),
                "sweep_steps" => match v.parse::<u64>() {
                    Ok(n) if (1..=1_000_000_000).contains(&n) => view.sweep_steps = Some(n),
                    _ => notices.push(format!("sweep_steps={v}: expected an integer in [1, 1000000000]; ignored")),
                },
                "ghost" => view.ghost = !(v == "0" || v == "false"),
                "present" => view.present = v == "1" || v == "true",
                "scenes" => {
                    for id in v.split(',').filter(|s| !s.is_empty()) {
                        if crate::scenes::scene(id).is_some() {
                            view.scenes.push(id.to_string());
                        } else {
                            notices.push(format!("scenes={id}: no such scene; left out of the lecture"));
                        }
                    }
                }
                "notation" => match crate::notation::Notation::parse(&v) {
                    Some(n) => view.notation = n,
                    None => notices.push(format!("notation={v}: expected notation=paper or notation=ours; using ours")),
                },
                "at" => match At::parse(&v) {
                    Some(at) => view.at = Some(at),
                    None => notices.push(format!(
                        "at={v}: expected at=end or a step number (e.g. at=20000); showing the run live"
                    )),
                },
                "sweep_metric" => match crate::sim::sweep::Metric::ALL.iter().find(|m| m.name() == v) {
                    Some(m) => view.sweep_metric = Some(m.name().to_string()),
                    None => notices.push(format!(
                        "sweep_metric={v}: expected one of {}; using the problem's default",
                        crate::sim::sweep::Metric::ALL.map(|m| m.name()).join(", ")
                    )),
                },
                "sweep_seeds" => match v.parse::<u64>() {
                    Ok(n) if (1..=64).contains(&n) => view.sweep_seeds = Some(n),
                    _ => notices.push(format!("sweep_seeds={v}: expected an integer in [1, 64]; ignored")),
                },
                "multiples" => match crate::figures::multiples::Multiples::parse(&v) {
                    Ok(m) => view.multiples = Some(m.spec()),
                    Err(e) => notices.push(format!("{e}; ignored")),
                },
                _ => rest.push((k, v)),
            }
        }
        (view, rest, notices)
    }

    /// The view part of a permalink (only what differs from the defaults).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if self.embed {
            parts.push("embed=1".to_string());
        }
        if !self.panels.is_empty() {
            parts.push(format!("panel={}", self.panels.join(",")));
        }
        if !self.hide.is_empty() {
            parts.push(format!("hide={}", self.hide.join(",")));
        }
        if self.speed != DEFAULT_SPEED {
            parts.push(format!("speed={}", self.speed.key()));
        }
        if self.log_x {
            parts.push("logx=1".into());
        }
        if self.full_range {
            parts.push("zoom=full".into());
        }
        if let Some(t) = &self.theme {
            parts.push(format!("theme={t}"));
        }
        if !self.autoplay {
            parts.push("autoplay=0".into());
        }
        if let Some(i) = self.tour {
            parts.push(format!("tour={}", i + 1));
        }
        if !self.ghost {
            parts.push("ghost=0".into());
        }
        if self.present {
            parts.push("present=1".into());
        }
        if !self.scenes.is_empty() {
            parts.push(format!("scenes={}", self.scenes.join(",")));
        }
        if self.notation == crate::notation::Notation::Paper {
            parts.push("notation=paper".into());
        }
        if let Some(at) = self.at {
            parts.push(format!("at={}", at.key()));
        }
        if let Some(s) = &self.sweep {
            parts.push(format!("sweep={s}"));
            if let Some(n) = self.sweep_steps {
                parts.push(format!("sweep_steps={n}"));
            }
            if let Some(n) = self.sweep_seeds {
                parts.push(format!("sweep_seeds={n}"));
            }
            if let Some(m) = &self.sweep_metric {
                parts.push(format!("sweep_metric={m}"));
            }
        }
        if let Some(m) = &self.multiples {
            parts.push(format!("multiples={m}"));
        }
        parts.join("&")
    }
}
