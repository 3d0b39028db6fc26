//! Colours and line styles. Algorithms differ by colour *and* dash pattern and marker, so the
//! figures read without colour vision.

use crate::sim::algorithm::AlgorithmKind;
use plotters::style::RGBColor;

/// The palette of one colour scheme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    pub bg: RGBColor,
    pub fg: RGBColor,
    pub muted: RGBColor,
    pub grid: RGBColor,
    pub digital: RGBColor,
    pub analog: RGBColor,
    pub tt: RGBColor,
    pub dark: bool,
}

/// How an algorithm is drawn besides its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    Square,
    Triangle,
    Circle,
}

impl Theme {
    /// Colours for light pages.
    pub const LIGHT: Theme = Theme {
        bg: RGBColor(255, 255, 255),
        fg: RGBColor(28, 30, 36),
        muted: RGBColor(100, 104, 115),
        grid: RGBColor(226, 228, 233),
        digital: RGBColor(90, 90, 90),
        analog: RGBColor(213, 94, 0),
        tt: RGBColor(0, 114, 178),
        dark: false,
    };
    /// Colours for dark pages.
    pub const DARK: Theme = Theme {
        bg: RGBColor(22, 24, 29),
        fg: RGBColor(230, 232, 236),
        muted: RGBColor(150, 154, 164),
        grid: RGBColor(50, 54, 62),
        digital: RGBColor(190, 190, 190),
        analog: RGBColor(240, 140, 60),
        tt: RGBColor(86, 180, 233),
        dark: true,
    };

    /// The colour of an algorithm.
    pub fn algo(&self, a: AlgorithmKind) -> RGBColor {
        match a {
            AlgorithmKind::Digital => self.digital,
            AlgorithmKind::Analog => self.analog,
            AlgorithmKind::TikiTaka => self.tt,
        }
    }
}

/// The dash pattern of an algorithm's curves, in CSS pixels (empty = solid).
pub fn dash(a: AlgorithmKind) -> &'static [f64] {
    match a {
        AlgorithmKind::Digital => &[2.0, 3.0],
        AlgorithmKind::Analog => &[7.0, 4.0],
        AlgorithmKind::TikiTaka => &[],
    }
}

/// Dash pattern of pulse-level tracks (dash-dot), in CSS pixels.
pub const PULSED_DASH: &[f64] = &[8.0, 3.0, 2.0, 3.0];

/// The marker of an algorithm's current point.
pub fn marker(a: AlgorithmKind) -> Marker {
    match a {
        AlgorithmKind::Digital => Marker::Square,
        AlgorithmKind::Analog => Marker::Triangle,
        AlgorithmKind::TikiTaka => Marker::Circle,
    }
}

/// A CSS colour string.
pub fn css(c: RGBColor) -> String {
    format!("rgb({},{},{})", c.0, c.1, c.2)
}

/// A CSS colour string with alpha.
pub fn css_alpha(c: RGBColor, a: f64) -> String {
    format!("rgba({},{},{},{a})", c.0, c.1, c.2)
}
