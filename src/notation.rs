//! The letters the page writes for the rates. Ours follow aihwkit and the NeurIPS 2025 follow-up:
//! α is the rate at which gradients are written into the array that receives them (W for Analog
//! SGD, P for Tiki-Taka), β the transfer rate P → W. The 2024 paper writes Tiki-Taka the other
//! way round — β into P, α for the transfer — while Analog SGD's step is α in both.
//! `notation=paper` relabels controls, captions, the tour and the sweep's axes in the paper's
//! letters; the keys (`alpha`, `beta`) and every number stay the same.

use crate::sim::algorithm::AlgorithmKind;
use crate::sim::Scenario;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Notation {
    /// α into the receiving array, β the transfer (aihwkit-like; the default).
    #[default]
    Ours,
    /// The 2024 paper's: Tiki-Taka's rate into P is β and its transfer rate α.
    Paper,
}

impl Notation {
    pub fn parse(v: &str) -> Option<Notation> {
        match v {
            "paper" => Some(Notation::Paper),
            "ours" | "aihwkit" | "default" => Some(Notation::Ours),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Notation::Ours => "ours",
            Notation::Paper => "paper",
        }
    }

    /// One line naming the letters in use (shown beside the controls).
    pub fn describe(self) -> &'static str {
        match self {
            Notation::Ours => "Letters: aihwkit's — α writes gradients (into W, or Tiki-Taka's P), β transfers P → W.",
            Notation::Paper => {
                "Letters: the 2024 paper's — Analog SGD steps by α; Tiki-Taka writes into P at β and transfers at α."
            }
        }
    }

    /// The symbol of key `name` for `scenario` (`default` when the notation does not change it).
    pub fn symbol(self, name: &str, scenario: &Scenario, default: &str) -> String {
        if self == Notation::Ours {
            return default.to_string();
        }
        let transfers = scenario.algos.iter().any(|a| a.transfers());
        let plain_sgd = scenario.algos.iter().any(|a| matches!(a, AlgorithmKind::Analog | AlgorithmKind::Digital));
        match name {
            "alpha" if transfers && plain_sgd => "α = β".into(),
            "alpha" if transfers => "β".into(),
            "beta" => "α".into(),
            _ => default.to_string(),
        }
    }

    /// `text` (a caption, a tour step, a title) in these letters: in the paper's, β becomes α,
    /// and α becomes β where a transfer algorithm runs (written "α = β" when SGD runs beside it:
    /// one value, SGD's α and Tiki-Taka's β).
    pub fn text(self, text: &str, scenario: &Scenario) -> String {
        if self == Notation::Ours || !(text.contains('α') || text.contains('β')) {
            return text.to_string();
        }
        let alpha = self.symbol("alpha", scenario, "α");
        text.chars()
            .map(|c| match c {
                'α' => alpha.clone(),
                'β' => "α".to_string(),
                other => other.to_string(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_papers_letters_swap_tiki_takas_rates_only() {
        let both = Scenario::parse("algos=analog,tt").unwrap();
        let tt = Scenario::parse("algos=tt").unwrap();
        let sgd = Scenario::parse("algos=digital,analog").unwrap();
        let p = Notation::Paper;
        assert_eq!(p.symbol("beta", &both, "β"), "α");
        assert_eq!(p.symbol("alpha", &tt, "α"), "β");
        assert_eq!(p.symbol("alpha", &both, "α"), "α = β");
        assert_eq!(p.symbol("alpha", &sgd, "α"), "α");
        assert_eq!(p.text("rate β = 0.1, step α = 0.05", &tt), "rate α = 0.1, step β = 0.05");
        assert_eq!(Notation::Ours.text("rate β", &tt), "rate β");
        assert_eq!(Notation::parse("paper"), Some(Notation::Paper));
        assert_eq!(Notation::parse("greek"), None);
    }
}
