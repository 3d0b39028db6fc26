//! `playground figure`: every panel as SVG (the same chart code as the page's SVG buttons) or PNG,
//! and one-line refusals of bad input.

use analog_playground::figures::panels::{figure_size, panel_svg, PanelKind, PanelOptions};
use analog_playground::sim::{Ensemble, Scenario};
use std::process::Command;

fn playground(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_playground")).args(args).output().expect("the CLI runs")
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("playground-figure-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn every_panel_is_the_library_svg_of_the_run_at_that_step() {
    let query = "problem=quadratic&steps=3000";
    let scenario = Scenario::parse(query).unwrap();
    let mut ens = Ensemble::new(&scenario);
    ens.step_n(700);
    for kind in [PanelKind::Landscape, PanelKind::Loss, PanelKind::Distance, PanelKind::Device] {
        let out = temp(&format!("{}.svg", kind.name()));
        let o = playground(&["figure", query, "--panel", kind.name(), "--step", "700", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", kind.name(), String::from_utf8_lossy(&o.stderr));
        let svg = std::fs::read_to_string(&out).unwrap();
        let (w, h) = figure_size(kind, &scenario);
        assert_eq!(svg, panel_svg(kind, &ens, &PanelOptions::default(), w, h).unwrap(), "{}", kind.name());
        assert!(svg.contains(&format!("<metadata>?{}</metadata>", scenario.to_query().replace('&', "&amp;"))));
        assert!(svg.contains("at step 700"));
    }
    // The 1-D view and the weights view are panels too.
    for (q, panel) in [("wstar=0.6&h=2&steps=2000", "landscape"), ("problem=lsq&steps=300", "weights")] {
        let out = temp(&format!("{panel}-other.svg"));
        let o = playground(&["figure", q, "--panel", panel, "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{q}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(std::fs::read_to_string(&out).unwrap().starts_with("<svg"));
    }
}

/// The values of `attr="…"` on every element named `tag` (empty `tag`: every element).
fn attributes(svg: &str, tag: &str, attr: &str) -> Vec<String> {
    let open = format!("<{tag}");
    svg.split(open.as_str())
        .skip(1)
        .filter_map(|rest| {
            let element = &rest[..rest.find('>').unwrap_or(rest.len())];
            let key = format!(" {attr}=\"");
            element.find(&key).map(|i| element[i + key.len()..].split('"').next().unwrap_or("").to_string())
        })
        .collect()
}

#[test]
fn the_landscape_figure_is_fit_to_print_square_vector_legible_and_self_explaining() {
    let out = temp("publication-landscape.svg");
    let o = playground(&["figure", "", "--panel", "landscape", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(&out).unwrap();
    // The plot keeps the square window's aspect: its frame is the outlined rectangle.
    let frames: Vec<(f64, f64)> = svg
        .split("<rect")
        .skip(1)
        .filter(|r| r[..r.find('>').unwrap()].contains("fill=\"none\""))
        .map(|r| {
            let num = |k: &str| attributes(&format!("<rect{r}"), "rect", k)[0].parse::<f64>().unwrap();
            (num("width"), num("height"))
        })
        .collect();
    let (w, h) = frames.iter().copied().fold((0.0, 0.0), |a, b| if b.0 * b.1 > a.0 * a.1 { b } else { a });
    assert!(w > 300.0 && ((w / h) - 1.0).abs() < 0.02, "plot frame {w}×{h} is not square");
    // Vector contours: a few dozen shapes, not thousands of cells.
    let drawables = ["<rect", "<polygon", "<polyline", "<path", "<circle", "<line", "<text"];
    let count: usize = drawables.iter().map(|t| svg.matches(t).count()).sum();
    assert!(count < 1000, "{count} drawable elements");
    // A legend naming each track and landmark, inside the figure.
    let texts: Vec<&str> =
        svg.split("<text").skip(1).map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].trim()).collect();
    for name in ["Digital SGD", "Analog SGD", "Tiki-Taka", "w* (optimum)", "Analog SGD theory point"] {
        assert!(texts.contains(&name), "no legend entry {name:?} in {texts:?}");
    }
    assert!(texts.contains(&"Loss landscape and trajectories, step 20,000"), "the title is in the figure");
    // Every panel's text is at least 11 px, in light and dark.
    for (panel, dark) in [("landscape", false), ("loss", true), ("distance", false), ("device", true)] {
        let out = temp(&format!("fonts-{panel}.svg"));
        let mut args = vec!["figure", "steps=3000", "--panel", panel, "--out", out.to_str().unwrap()];
        if dark {
            args.push("--dark");
        }
        assert!(playground(&args).status.success());
        let svg = std::fs::read_to_string(&out).unwrap();
        let sizes: Vec<f64> = attributes(&svg, "text", "font-size").iter().map(|s| s.parse().unwrap()).collect();
        assert!(sizes.len() > 5 && sizes.iter().all(|&s| s >= 11.0 - 1e-9), "{panel}: font sizes {sizes:?}");
    }
}

#[test]
fn png_and_digits_charts() {
    let png = temp("distance.png");
    let o = playground(&[
        "figure",
        "steps=2000",
        "--panel",
        "distance",
        "--out",
        png.to_str().unwrap(),
        "--width",
        "400",
        "--height",
        "300",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    // Width and height from the IHDR chunk.
    assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 400);
    assert_eq!(u32::from_be_bytes(bytes[20..24].try_into().unwrap()), 300);
    // --scale 2 rasterises the same SVG at twice the pixels in each direction.
    let png2 = temp("distance-2x.png");
    let o = playground(&["figure", "steps=2000", "--panel", "distance", "--out", png2.to_str().unwrap()]);
    assert!(o.status.success());
    let base = std::fs::read(&png2).unwrap();
    let o =
        playground(&["figure", "steps=2000", "--panel", "distance", "--out", png2.to_str().unwrap(), "--scale", "2"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let scaled = std::fs::read(&png2).unwrap();
    let dims = |b: &[u8]| {
        (u32::from_be_bytes(b[16..20].try_into().unwrap()), u32::from_be_bytes(b[20..24].try_into().unwrap()))
    };
    let ((w1, h1), (w2, h2)) = (dims(&base), dims(&scaled));
    assert_eq!((w2, h2), (2 * w1, 2 * h1));
    let acc = temp("accuracy.svg");
    let o = playground(&["figure", "problem=digits&epochs=2", "--panel", "accuracy", "--out", acc.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read_to_string(&acc).unwrap().contains("digits accuracy after 2 epochs"));
}

#[test]
fn all_writes_every_panel_the_scenario_shows_as_svg_and_png_with_its_link() {
    let dir = temp("set");
    let _ = std::fs::remove_dir_all(&dir);
    let o = playground(&[
        "figure",
        "steps=500",
        "--all",
        "--out",
        dir.to_str().unwrap(),
        "--width",
        "300",
        "--height",
        "300",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let expected = ["device", "distance", "landscape", "loss"]
        .iter()
        .flat_map(|p| [format!("{p}.png"), format!("{p}.svg")])
        .chain(["scenario.txt".to_string()])
        .collect::<Vec<_>>();
    let mut expected = expected;
    expected.sort();
    assert_eq!(names, expected);
    // Each SVG is the single-panel figure of the same scenario and size.
    let single = temp("single-loss.svg");
    let o = playground(&[
        "figure",
        "steps=500",
        "--panel",
        "loss",
        "--out",
        single.to_str().unwrap(),
        "--width",
        "300",
        "--height",
        "300",
    ]);
    assert!(o.status.success());
    assert_eq!(std::fs::read(dir.join("loss.svg")).unwrap(), std::fs::read(&single).unwrap());
    assert!(std::fs::read_to_string(dir.join("scenario.txt")).unwrap().starts_with("?v=1&problem=quadratic"));
    // `--out set.zip`: the same files in one archive, byte for byte.
    let zip = temp("set.zip");
    let o = playground(&[
        "figure",
        "steps=500",
        "--all",
        "--out",
        zip.to_str().unwrap(),
        "--width",
        "300",
        "--height",
        "300",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut in_zip: Vec<String> = archive.file_names().map(str::to_string).collect();
    in_zip.sort();
    assert_eq!(in_zip, expected);
    for name in &expected {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut archive.by_name(name).unwrap(), &mut bytes).unwrap();
        assert_eq!(bytes, std::fs::read(dir.join(name)).unwrap(), "{name} differs between the folder and the zip");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_is_refused_with_one_line() {
    let out = temp("x.svg");
    let out = out.to_str().unwrap();
    for (args, expect) in [
        (vec!["figure", "", "--panel", "nope", "--out", out], "expected one of landscape"),
        (vec!["figure", "", "--panel", "loss", "--out", "x.pdf"], "expected a .svg or .png"),
        (vec!["figure", "problem=lsq", "--panel", "landscape", "--out", out], "shows weights instead"),
        (vec!["figure", "problem=digits&epochs=1", "--panel", "loss", "--out", out], "on digits the panels are"),
        (
            vec!["figure", "problem=digits&epochs=1", "--panel", "accuracy", "--step", "3", "--out", out],
            "--step does not apply",
        ),
        (vec!["figure", "tau=-1", "--panel", "loss", "--out", out], "tau"),
        (vec!["figure", "", "--panel", "loss", "--out", out, "--scale", "2"], "applies to PNG"),
        (vec!["figure", "", "--panel", "loss", "--out", "x.png", "--scale", "100"], "0.5 to 8"),
    ] {
        let o = playground(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
}

#[test]
fn multiples_draw_one_landscape_per_value_on_identical_noise_and_refuse_bad_input() {
    let out = temp("multiples.svg");
    let o = playground(&["figure", "steps=3000", "--multiples", "tau:0.5,1,5", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(&out).unwrap();
    // One plot frame (the outlined rectangle) per value, side by side, all square and the same size.
    let frames: Vec<(f64, f64, f64)> = svg
        .split("<rect")
        .skip(1)
        .filter(|r| r[..r.find('>').unwrap()].contains("fill=\"none\""))
        .map(|r| {
            let num = |k: &str| attributes(&format!("<rect{r}"), "rect", k)[0].parse::<f64>().unwrap();
            (num("x"), num("width"), num("height"))
        })
        .filter(|f| f.1 > 200.0)
        .collect();
    assert_eq!(frames.len(), 3, "plot frames {frames:?}");
    assert!(frames.windows(2).all(|p| p[1].0 > p[0].0 + p[0].1), "side by side: {frames:?}");
    assert!(frames.iter().all(|f| (f.1 / f.2 - 1.0).abs() < 0.02 && (f.1 - frames[0].1).abs() < 1.0), "{frames:?}");
    let texts: Vec<&str> =
        svg.split("<text").skip(1).map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].trim()).collect();
    for label in ["τ = 0.5", "τ = 1", "τ = 5", "Tiki-Taka", "w* (optimum)"] {
        assert!(texts.contains(&label), "no {label:?} in {texts:?}");
    }
    assert!(texts.iter().any(|t| t.contains("for τ\u{a0}=\u{a0}0.5, 1, 5 (same noise)")), "the title names the values");
    let sizes: Vec<f64> = attributes(&svg, "text", "font-size").iter().map(|s| s.parse().unwrap()).collect();
    assert!(sizes.iter().all(|&s| s >= 11.0 - 1e-9), "font sizes {sizes:?}");
    // The link opens the same view; each cell is the library's landscape of that value.
    assert!(svg.contains("&amp;steps=3000&amp;") && svg.contains("&amp;multiples=tau:0.5,1,5</metadata>"));
    use analog_playground::figures::multiples::{landscape_svg, run_all, Multiples};
    let base = Scenario::parse("steps=3000").unwrap();
    let m = Multiples::parse("tau:0.5,1,5").unwrap();
    let (cells, _) = m.scenarios(&base, false).unwrap();
    assert!(cells.iter().all(|s| s.seed == base.seed), "one noise seed for all");
    assert_eq!(svg, landscape_svg(&m, &base, &run_all(&cells).unwrap(), &PanelOptions::default()).unwrap());
    // PNG too.
    let png = temp("multiples.png");
    let o = playground(&["figure", "steps=2000", "--multiples", "sigma:0.1,1", "--out", png.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(&std::fs::read(&png).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
    // Bad input: one line on stderr, exit code 2.
    let out = out.to_str().unwrap();
    for (query, spec, expect) in [
        ("", "alpha:x", "\"x\" is not a number"),
        ("", "tau:1,2,3,4,5,6,7", "at most 6"),
        ("", "algos:1,2", "not a numeric key"),
        ("", "nope:1", "unknown key"),
        ("", "tau:", "no values"),
        ("", "tau:0.5,1e13", "out of range"),
        ("", "rows:10,20", "does nothing"),
        ("problem=lsq", "tau:1,2", "use a sweep"),
    ] {
        let o = playground(&["figure", query, "--multiples", spec, "--out", out]);
        assert_eq!(o.status.code(), Some(2), "{spec}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{spec}: {err}");
        assert!(err.contains(expect), "{spec}: {err}");
    }
    for extra in [["--panel", "loss"], ["--step", "10"], ["--width", "500"]] {
        let o = playground(&["figure", "", "--multiples", "tau:1,2", "--out", out, extra[0], extra[1]]);
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
    }
}

#[test]
fn a_diverged_run_still_draws_its_figure() {
    // Analog SGD diverges at α = 0.5: its averaged path runs 10⁸⁶ px off the plot. Dashing it
    // segment by segment never ended; the figure must come back (clipped) at once.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let scenario = Scenario::parse("steps=5000&alpha=0.5").unwrap();
        let mut ens = Ensemble::new(&scenario);
        ens.step_n(5000);
        let (w, h) = figure_size(PanelKind::Landscape, &scenario);
        let _ = tx.send(panel_svg(PanelKind::Landscape, &ens, &PanelOptions::default(), w, h));
    });
    let svg = rx.recv_timeout(std::time::Duration::from_secs(60)).expect("the figure is drawn within a minute");
    assert!(svg.unwrap().starts_with("<svg"));
}
