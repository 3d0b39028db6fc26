//! `playground figure`: one panel of a scenario as SVG or PNG, from the chart code the page's
//! SVG buttons use.

use crate::cli::FigureArgs;
use analog_playground::figures::panels::{
    digits_panel_svg, figure_size, panel_svg, PanelKind, PanelOptions, DIGITS_PANELS, DIGITS_SIZE,
};
use analog_playground::figures::set::{link_file, zip_files};
use analog_playground::figures::Theme;
use analog_playground::sim::network::NetEnsemble;
use analog_playground::sim::scenario::Scenario;
use analog_playground::sim::Ensemble;

pub fn figure(args: FigureArgs) -> Result<(), String> {
    let scenario = Scenario::parse(&args.query).map_err(|e| e.to_string())?;
    analog_playground::sim::network::mnist::ready(&scenario).map_err(|e| e.to_string())?;
    let theme = if args.dark { Theme::DARK } else { Theme::LIGHT };
    if let Some(spec) = &args.multiples {
        return figure_multiples(&scenario, spec, &args, &theme);
    }
    let Some(panel) = args.panel.clone().filter(|_| !args.all) else { return figure_set(&scenario, &args, &theme) };
    let png = png_out(&args)?;
    if scenario.problem.is_network() && !DIGITS_PANELS.contains(&panel.as_str()) {
        // Before training: a wrong name is refused at once.
        return Err(format!("--panel {panel}: on digits the panels are {}", DIGITS_PANELS.join(", ")));
    }
    let svg = Panels::new(&scenario, &args)?.svg(&panel, &args, &theme)?;
    let bytes = if png { rasterise(&svg, args.scale)? } else { svg.into_bytes() };
    std::fs::write(&args.out, bytes).map_err(|e| format!("--out {}: {e}", args.out.display()))
}

/// `--all`: every panel the scenario shows as SVG and PNG, and the link: into the folder `--out`,
/// or into one archive when `--out` ends in `.zip`.
fn figure_set(scenario: &Scenario, args: &FigureArgs, theme: &Theme) -> Result<(), String> {
    let panels = Panels::new(scenario, args)?;
    let names: Vec<&str> = if scenario.problem.is_network() {
        DIGITS_PANELS.to_vec()
    } else {
        PanelKind::ALL.iter().filter(|p| p.shown_for(scenario)).map(|p| p.name()).collect()
    };
    let mut files = Vec::new();
    for name in names {
        let svg = panels.svg(name, args, theme)?;
        files.push((format!("{name}.png"), rasterise(&svg, args.scale)?));
        files.push((format!("{name}.svg"), svg.into_bytes()));
    }
    files.push(link_file(&scenario.to_query()));
    let out = &args.out;
    let failed = |e: std::io::Error| format!("--out {}: {e}", out.display());
    if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
        return std::fs::write(out, zip_files(&files)?).map_err(failed);
    }
    std::fs::create_dir_all(out).map_err(failed)?;
    for (name, bytes) in &files {
        std::fs::write(out.join(name), bytes).map_err(|e| format!("--out {}: {e}", out.join(name).display()))?;
    }
    Ok(())
}

/// The run the panels draw: trained (networks) or stepped to `--step` once, for every panel.
enum Panels {
    Net(NetEnsemble, String),
    Steps(Ensemble),
}

impl Panels {
    fn new(scenario: &Scenario, args: &FigureArgs) -> Result<Panels, String> {
        if scenario.problem.is_network() {
            if args.step.is_some() {
                return Err("--step does not apply to problem=digits (it trains `epochs`)".into());
            }
            let mut net = NetEnsemble::new(scenario);
            net.run_to_end();
            Ok(Panels::Net(net, scenario.to_query()))
        } else {
            let mut ens = Ensemble::new(scenario);
            ens.step_n(args.step.unwrap_or(scenario.steps).min(scenario.steps));
            Ok(Panels::Steps(ens))
        }
    }

    fn svg(&self, panel: &str, args: &FigureArgs, theme: &Theme) -> Result<String, String> {
        match self {
            Panels::Net(net, query) => {
                if !DIGITS_PANELS.contains(&panel) {
                    return Err(format!("--panel {panel}: on digits the panels are {}", DIGITS_PANELS.join(", ")));
                }
                let epochs = net.first().scenario.epochs;
                let (w, h) = (args.width.unwrap_or(DIGITS_SIZE.0), args.height.unwrap_or(DIGITS_SIZE.1));
                digits_panel_svg(panel, &net.summary(), epochs, query, theme, w, h)
            }
            Panels::Steps(ens) => {
                let scenario = &ens.first().scenario;
                let kind = PanelKind::from_name(panel).ok_or_else(|| {
                    let names: Vec<&str> = PanelKind::ALL.iter().map(|p| p.name()).collect();
                    format!("--panel {panel}: expected one of {}", names.join(", "))
                })?;
                if !kind.shown_for(scenario) {
                    return Err(format!(
                        "--panel {}: this problem shows {} instead",
                        kind.name(),
                        if kind == PanelKind::Landscape { "weights" } else { "landscape" }
                    ));
                }
                let opts = PanelOptions { theme: *theme, log_x: args.logx, full_range: args.full_range };
                let size = figure_size(kind, scenario);
                panel_svg(kind, ens, &opts, args.width.unwrap_or(size.0), args.height.unwrap_or(size.1))
            }
        }
    }
}

/// The SVG as PNG at `scale` times its own size, text in the system's fonts.
fn rasterise(svg: &str, scale: f64) -> Result<Vec<u8>, String> {
    let mut options = resvg::usvg::Options::default();
    let fonts = options.fontdb_mut();
    fonts.load_system_fonts();
    // The charts ask for "sans-serif"; fontdb maps it to Arial unless told otherwise.
    let families: Vec<String> =
        fonts.faces().filter_map(|f| f.families.first().map(|(name, _)| name.clone())).collect();
    let preferred = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans"];
    if let Some(name) = preferred
        .iter()
        .find(|p| families.iter().any(|f| f == *p))
        .map(|p| p.to_string())
        .or_else(|| families.first().cloned())
    {
        fonts.set_sans_serif_family(name);
    }
    let tree = resvg::usvg::Tree::from_str(svg, &options).map_err(|e| format!("cannot read the figure's SVG: {e}"))?;
    let size = tree.size().to_int_size();
    let (w, h) = ((size.width() as f64 * scale).round() as u32, (size.height() as f64 * scale).round() as u32);
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w.max(1), h.max(1)).ok_or("empty figure")?;
    let s = scale as f32;
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(s, s), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| format!("cannot encode PNG: {e}"))
}

/// `--multiples KEY:V1,V2,…`: the scenario run to its end once per value, side by side in one
/// figure (the page's `multiples=` view draws the same SVG).
fn figure_multiples(base: &Scenario, spec: &str, args: &FigureArgs, theme: &Theme) -> Result<(), String> {
    use analog_playground::figures::multiples::{accuracy_svg, landscape_svg, refusal, run_all, Multiples};
    let m = Multiples::parse(spec).map_err(|e| e.replacen("multiples=", "--multiples ", 1))?;
    let png = png_out(args)?;
    if args.step.is_some() {
        return Err("--step does not apply to --multiples (every run goes to its end)".into());
    }
    if args.width.is_some() || args.height.is_some() {
        return Err("--width and --height do not apply to --multiples (the figure is sized by its cells)".into());
    }
    if let Some(why) = refusal(base, true) {
        return Err(why);
    }
    let (scenarios, _) = m.scenarios(base, false).map_err(|e| e.replacen("multiples=", "--multiples ", 1))?;
    let svg = if base.problem.is_network() {
        let summaries = scenarios
            .into_iter()
            .map(|s| {
                let mut net = NetEnsemble::new(&s);
                net.run_to_end();
                (s, net.summary())
            })
            .collect::<Vec<_>>();
        accuracy_svg(&m, base, &summaries, theme)?
    } else {
        let opts = PanelOptions { theme: *theme, log_x: args.logx, full_range: args.full_range };
        landscape_svg(&m, base, &run_all(&scenarios)?, &opts)?
    };
    let bytes = if png { rasterise(&svg, args.scale)? } else { svg.into_bytes() };
    std::fs::write(&args.out, bytes).map_err(|e| format!("--out {}: {e}", args.out.display()))
}

/// Whether `--out` asks for a PNG (else an SVG); `--scale` only with a PNG.
fn png_out(args: &FigureArgs) -> Result<bool, String> {
    let ext = args.out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let png = match ext.as_deref() {
        Some("svg") => false,
        Some("png") => true,
        _ => return Err(format!("--out {}: expected a .svg or .png file name", args.out.display())),
    };
    if !png && args.scale != 1.0 {
        return Err("--scale applies to PNG output (an SVG scales by itself)".into());
    }
    Ok(png)
}
