//! The device inset: response factors q⁺, q⁻ and their parts F, G over the device's range.

use super::{clear, dashed_line, draw_frame, err, font, plot_rect, FigureError, Mapping, Theme};
use crate::sim::device::{Device, Response};
use plotters::coord::Shift;
use plotters::prelude::*;

/// `count` devices drawn with device-to-device spread `d2d` (empty without variation), for
/// the faint band around the nominal response. Uses its own stream of `device_seed`.
pub fn variation_samples(device: &Device, d2d: f64, device_seed: u64, count: usize) -> Vec<Device> {
    if d2d <= 0.0 || device.range().is_none() {
        return vec![];
    }
    let mut rng = crate::sim::rng::substream(device_seed, crate::sim::rng::Purpose::DeviceVariation, 1 << 20);
    (0..count).map(|_| device.sample_element(d2d, &mut rng).device).collect()
}

/// Draws q⁺, q⁻, F and G of `device` and its symmetric point, over faint q± curves of the
/// `samples` (device-to-device variation).
pub fn draw_device<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    device: &Device,
    samples: &[Device],
    theme: &Theme,
    scale: f64,
) -> Result<Mapping, FigureError> {
    clear(area, theme)?;
    let (w, h) = area.dim_in_pixel();
    let (lo, hi) = device.range().unwrap_or((-1.0, 1.0));
    let m = Mapping {
        rect: plot_rect(w as f64, h as f64, scale, 36.0),
        x_range: (lo, hi),
        y_range: (-1.1, 2.1),
        log_x: false,
        log_y: false,
    };
    draw_frame(area, &m, "weight w", "response", theme, scale)?;
    let n = 120;
    let curve = |f: &dyn Fn(f64) -> f64| -> Vec<(i32, i32)> {
        (0..=n)
            .map(|i| {
                let x = lo + (hi - lo) * i as f64 / n as f64;
                (m.px(x).round() as i32, m.py(f(x).clamp(m.y_range.0, m.y_range.1)).round() as i32)
            })
            .collect()
    };
    let width = (2.0 * scale).round() as u32;
    for d in samples {
        for (color, f) in [
            (theme.tt, Box::new(|x| d.q_plus(x)) as Box<dyn Fn(f64) -> f64>),
            (theme.analog, Box::new(|x| d.q_minus(x))),
        ] {
            let style = ShapeStyle::from(&color.mix(0.25)).stroke_width(scale.max(1.0) as u32);
            area.draw(&PathElement::new(curve(f.as_ref()), style)).map_err(err)?;
        }
    }
    type Curve<'a> = (&'static str, RGBColor, Box<dyn Fn(f64) -> f64 + 'a>);
    let curves: [Curve; 4] = [
        ("q⁺ (up)", theme.tt, Box::new(|x| device.q_plus(x))),
        ("q⁻ (down)", theme.analog, Box::new(|x| device.q_minus(x))),
        ("F", theme.muted, Box::new(|x| device.f(x))),
        ("G", theme.fg, Box::new(|x| device.g(x))),
    ];
    for (i, (label, color, f)) in curves.iter().enumerate() {
        let style = ShapeStyle::from(color).stroke_width(if i < 2 { width } else { width / 2 + 1 });
        area.draw(&PathElement::new(curve(f.as_ref()), style)).map_err(err)?;
        let y = m.rect.1 + (4.0 + 13.0 * i as f64) * scale;
        let x = m.rect.2 - 62.0 * scale;
        area.draw(&PathElement::new(
            vec![(x as i32, (y + 6.0 * scale) as i32), ((x + 14.0 * scale) as i32, (y + 6.0 * scale) as i32)],
            style,
        ))
        .map_err(err)?;
        area.draw(&Text::new(label.to_string(), ((x + 18.0 * scale) as i32, y as i32), font(11.0, scale, *color)))
            .map_err(err)?;
    }
    if let Some(sp) = device.symmetric_point() {
        let x = m.px(sp);
        let style = ShapeStyle::from(&theme.muted).stroke_width(scale.max(1.0) as u32);
        dashed_line(area, (x, m.rect.1), (x, m.rect.3), (4.0 * scale, 3.0 * scale), style)?;
        area.draw(&Text::new(
            "× symmetric point".to_string(),
            ((x + 3.0 * scale) as i32, (m.rect.3 - 16.0 * scale) as i32),
            font(11.0, scale, theme.muted),
        ))
        .map_err(err)?;
    }
    Ok(m)
}

/// Marks zero-shifting's estimates of the fast array's symmetric point (one short tick per
/// element along the bottom of the inset drawn by [`draw_device`], whose mapping is `m`) and
/// labels them with their mean.
pub fn draw_sp_estimates<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: &Mapping,
    estimates: &[f64],
    theme: &Theme,
    scale: f64,
) -> Result<(), FigureError> {
    if estimates.is_empty() {
        return Ok(());
    }
    let color = theme.beyond[2];
    let style = ShapeStyle::from(&color).stroke_width((1.5 * scale).round().max(1.0) as u32);
    let (lo, hi) = m.x_range;
    let bottom = m.rect.3;
    for &e in estimates.iter().filter(|e| e.is_finite()) {
        let x = m.px(e.clamp(lo, hi)) as i32;
        area.draw(&PathElement::new(vec![(x, bottom as i32), (x, (bottom - 10.0 * scale) as i32)], style))
            .map_err(err)?;
    }
    let mean = estimates.iter().sum::<f64>() / estimates.len() as f64;
    area.draw(&Text::new(
        format!("zero-shift ≈ {}", super::fmt_num(mean)),
        ((m.px(mean.clamp(lo, hi)) + 3.0 * scale) as i32, (bottom - 28.0 * scale) as i32),
        font(11.0, scale, color),
    ))
    .map_err(err)?;
    Ok(())
}
