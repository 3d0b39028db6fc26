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
    /// The algorithms beyond Tiki-Taka, in [`AlgorithmKind::ALL`] order (ttv2 … erider).
    pub beyond: [RGBColor; 7],
    pub dark: bool,
}

/// How an algorithm is drawn besides its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    Square,
    Triangle,
    Circle,
    Diamond,
    TriangleDown,
    Star,
    Plus,
    Cross,
    Hexagon,
    Pentagon,
}

impl Marker {
    /// The outline of the polygon markers, as (x, y) for a marker of radius 1 (y down); `None` for
    /// the square, triangle and circle, which the drawers handle themselves.
    pub fn outline(self) -> Option<Vec<(f64, f64)>> {
        let ring = |n: usize, r_out: f64, r_in: Option<f64>| -> Vec<(f64, f64)> {
            let k = if r_in.is_some() { 2 * n } else { n };
            (0..k)
                .map(|j| {
                    let a = std::f64::consts::TAU * j as f64 / k as f64 - std::f64::consts::FRAC_PI_2;
                    let r = if j % 2 == 1 { r_in.unwrap_or(r_out) } else { r_out };
                    (r * a.cos(), r * a.sin())
                })
                .collect()
        };
        let plus = |t: f64| -> Vec<(f64, f64)> {
            let a = 0.38;
            let pts = [
                (-a, -1.1),
                (a, -1.1),
                (a, -a),
                (1.1, -a),
                (1.1, a),
                (a, a),
                (a, 1.1),
                (-a, 1.1),
                (-a, a),
                (-1.1, a),
                (-1.1, -a),
                (-a, -a),
            ];
            pts.iter().map(|&(x, y)| (x * t.cos() - y * t.sin(), x * t.sin() + y * t.cos())).collect()
        };
        match self {
            Marker::Square | Marker::Triangle | Marker::Circle => None,
            Marker::Diamond => Some(vec![(0.0, -1.3), (1.0, 0.0), (0.0, 1.3), (-1.0, 0.0)]),
            Marker::TriangleDown => Some(vec![(0.0, 1.15), (1.0, -0.75), (-1.0, -0.75)]),
            Marker::Star => Some(ring(5, 1.35, Some(0.6))),
            Marker::Plus => Some(plus(0.0)),
            Marker::Cross => Some(plus(std::f64::consts::FRAC_PI_4)),
            Marker::Hexagon => Some(ring(6, 1.1, None)),
            Marker::Pentagon => Some(ring(5, 1.15, None)),
        }
    }
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
        // Okabe-Ito's remaining hues, then Paul Tol's muted indigo, olive, wine and teal; each
        // algorithm also has its own dash pattern and marker shape.
        beyond: [
            RGBColor(0, 158, 115),
            RGBColor(204, 121, 167),
            RGBColor(230, 159, 0),
            RGBColor(51, 34, 136),
            RGBColor(153, 153, 51),
            RGBColor(136, 34, 85),
            RGBColor(68, 170, 153),
        ],
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
        beyond: [
            RGBColor(0, 200, 150),
            RGBColor(230, 150, 200),
            RGBColor(240, 190, 60),
            RGBColor(160, 150, 240),
            RGBColor(205, 205, 100),
            RGBColor(225, 105, 150),
            RGBColor(120, 215, 195),
        ],
        dark: true,
    };

    /// The colour of an algorithm.
    pub fn algo(&self, a: AlgorithmKind) -> RGBColor {
        match a {
            AlgorithmKind::Digital => self.digital,
            AlgorithmKind::Analog => self.analog,
            AlgorithmKind::TikiTaka => self.tt,
            a => self.beyond[a as usize - AlgorithmKind::TtV2 as usize],
        }
    }
}

/// The dash pattern of an algorithm's curves, in CSS pixels (empty = solid).
pub fn dash(a: AlgorithmKind) -> &'static [f64] {
    match a {
        AlgorithmKind::Digital => &[2.0, 3.0],
        AlgorithmKind::Analog => &[7.0, 4.0],
        AlgorithmKind::TikiTaka => &[],
        AlgorithmKind::TtV2 => &[10.0, 3.0],
        AlgorithmKind::CTtV2 => &[10.0, 3.0, 2.0, 3.0],
        AlgorithmKind::Agad => &[4.0, 2.0],
        AlgorithmKind::Rl => &[12.0, 3.0, 3.0, 3.0, 3.0, 3.0],
        AlgorithmKind::RlV2 => &[1.0, 2.0],
        AlgorithmKind::Rider => &[6.0, 2.0, 2.0, 2.0],
        AlgorithmKind::ERider => &[14.0, 4.0],
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
        AlgorithmKind::TtV2 => Marker::Diamond,
        AlgorithmKind::CTtV2 => Marker::TriangleDown,
        AlgorithmKind::Agad => Marker::Star,
        AlgorithmKind::Rl => Marker::Plus,
        AlgorithmKind::RlV2 => Marker::Cross,
        AlgorithmKind::Rider => Marker::Hexagon,
        AlgorithmKind::ERider => Marker::Pentagon,
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
