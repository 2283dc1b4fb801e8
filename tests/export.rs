//! Headless PNG export: sizes per chart and scale, real content (not blank, series colours
//! present), a golden image, the CSV's numbers against the engine's, and CSV safety.
//! Renders through wgpu on Mesa's software Vulkan, which .ci/run installs.

use std::path::Path;

use std::sync::Arc;

use halo_workbench::app::Pane;
use halo_workbench::app::figure::{Figure, FigureRequest, Renderer, Scene, export, project_scene};
use halo_workbench::engine::pipeline::Pipeline;
use halo_workbench::engine::settings::Settings;
use halo_workbench::i18n::Lang;

/// What the sample's window shows at start: default settings and view.
fn sample_scene() -> Scene {
    project_scene(None, None, false, Lang::En).unwrap()
}

fn render(scene: &Scene, r: &FigureRequest) -> image::RgbaImage {
    Renderer::new().render(scene, r).unwrap()
}

fn req(figure: Figure, scale: f32, dark: bool) -> FigureRequest {
    FigureRequest {
        figure,
        scale,
        dark,
    }
}

/// Pixels close to a colour (anti-aliasing and blending move edges a little).
fn count_near(img: &image::RgbaImage, c: [u8; 3], tol: i32) -> usize {
    img.pixels()
        .filter(|p| (0..3).all(|k| (p[k] as i32 - c[k] as i32).abs() <= tol))
        .count()
}

fn distinct_colours(img: &image::RgbaImage) -> usize {
    let mut v: Vec<[u8; 3]> = img
        .pixels()
        .step_by(7)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    v.sort_unstable();
    v.dedup();
    v.len()
}

#[test]
fn every_chart_at_1x_and_2x_has_the_right_size_and_real_content() {
    let scene = sample_scene();
    let mut renderer = Renderer::new();
    for figure in [
        Figure::Chart(Pane::Sectors),
        Figure::Chart(Pane::Exposures),
        Figure::Chart(Pane::Scenarios),
        Figure::Chart(Pane::Backtest),
        Figure::Dashboard,
    ] {
        for scale in [1.0f32, 2.0] {
            let r = req(figure, scale, false);
            let img = renderer.render(&scene, &r).unwrap();
            let [w, h] = r.size();
            assert_eq!(
                (img.width(), img.height()),
                ((w * scale) as u32, (h * scale) as u32),
                "{figure:?} {scale}x"
            );
            assert!(
                distinct_colours(&img) > 200,
                "{figure:?} {scale}x looks blank"
            );
            // The HALO colour (teal green, 0 128 96) is drawn: a bar or the basket's line.
            let teal = img
                .pixels()
                .filter(|p| p[1] as i32 > p[0] as i32 + 50 && p[1] > p[2])
                .count();
            assert!(
                teal > 100 * (scale * scale) as usize,
                "{figure:?} {scale}x: no HALO colour ({teal} px)"
            );
        }
    }
}

/// The figures are drawn on the CPU; drawn by egui-wgpu (on Mesa's software Vulkan here)
/// the same figure agrees to one level in 255 in all but a few dozen anti-aliased pixels.
#[test]
fn the_cpu_drawing_matches_egui_wgpu() {
    let scene = sample_scene();
    let mut cpu = Renderer::new();
    let mut gpu = Renderer::drawing_with(egui_kittest::wgpu::WgpuTestRenderer::new());
    for figure in [
        Figure::Chart(Pane::Sectors),
        Figure::Chart(Pane::Exposures),
        Figure::Chart(Pane::Scenarios),
        Figure::Chart(Pane::Backtest),
        Figure::Dashboard,
    ] {
        for (scale, dark) in [(1.0f32, false), (2.0, true)] {
            let r = req(figure, scale, dark);
            let (a, b) = (
                cpu.render(&scene, &r).unwrap(),
                gpu.render(&scene, &r).unwrap(),
            );
            assert_eq!(a.dimensions(), b.dimensions());
            let off = a
                .pixels()
                .zip(b.pixels())
                .filter(|(p, q)| (0..4).any(|k| (p[k] as i32 - q[k] as i32).abs() > 1))
                .count();
            let share = off as f64 / (a.width() * a.height()) as f64;
            // Measured: none at all in the bar charts, a few dozen in the line charts.
            assert!(
                share < 0.0005,
                "{figure:?} {scale}x dark {dark}: {off} pixels ({:.3}%) differ",
                share * 100.0
            );
        }
    }
}

#[test]
fn three_x_and_dark_render_at_full_resolution() {
    let r = req(Figure::Chart(Pane::Backtest), 3.0, true);
    let img = render(&sample_scene(), &r);
    assert_eq!((img.width(), img.height()), (3300, 2100));
    // The basket's 3-point line in its exact colour, re-rendered at 3x rather than upscaled.
    assert!(count_near(&img, [0, 128, 96], 6) > 1000);
    // A dark background.
    let dark = img
        .pixels()
        .filter(|p| p[0] < 60 && p[1] < 60 && p[2] < 60)
        .count();
    assert!(dark > (img.width() * img.height() / 2) as usize);
}

#[test]
fn the_same_inputs_give_the_same_image_and_match_the_golden_one() {
    let r = req(Figure::Chart(Pane::Sectors), 1.0, false);
    let a = render(&sample_scene(), &r);
    let b = render(&sample_scene(), &r);
    assert!(a == b, "two renders of the same figure differ");
    // A renderer kept between figures (as the window's export worker keeps it) draws the
    // same image after drawing others.
    let mut kept = Renderer::new();
    let scene = sample_scene();
    kept.render(&scene, &req(Figure::Dashboard, 2.0, true))
        .unwrap();
    assert!(
        kept.render(&scene, &r).unwrap() == a,
        "a kept renderer's figure differs"
    );
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/sectors_light_1x.png");
    if std::env::var("UPDATE_GOLDEN").is_ok() {
        a.save(&golden).unwrap();
    }
    let g = image::open(&golden)
        .expect("golden image (UPDATE_GOLDEN=1 to create it)")
        .to_rgba8();
    assert_eq!(g.dimensions(), a.dimensions());
    // A small tolerance: Vulkan and OpenGL differ by a few anti-aliased pixels.
    let off = a
        .pixels()
        .zip(g.pixels())
        .filter(|(p, q)| (0..3).any(|k| (p[k] as i32 - q[k] as i32).abs() > 16))
        .count();
    assert!(
        off < 200,
        "{off} pixels differ from tests/golden/sectors_light_1x.png"
    );
}

#[test]
fn the_csv_holds_the_engines_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sectors.png");
    let w = export(
        &sample_scene(),
        &req(Figure::Chart(Pane::Sectors), 1.0, false),
        &out,
    )
    .unwrap();
    assert_eq!(w.csv, vec![dir.path().join("sectors.csv")]);
    assert!(image::open(&out).is_ok());
    // The engine, called directly with the same settings.
    let ds = halo_workbench::data::load_sample().unwrap();
    let s = Settings::default();
    let mut p = Pipeline::new(Arc::new(
        halo_workbench::engine::pipeline::Inputs::new(&ds).unwrap(),
    ));
    let sc = p.score(&s).unwrap();
    let perf = p.sectors(&s, &sc).unwrap();
    let text = std::fs::read_to_string(dir.path().join("sectors.csv")).unwrap();
    // For Excel on a Chinese Windows: UTF-8 with its byte order mark.
    let text = text.strip_prefix('\u{feff}').expect("a byte order mark");
    let mut rows = text.lines();
    assert_eq!(
        rows.next(),
        Some("group,return,weighting,members,priced_from,priced_to")
    );
    let mut n = 0;
    for line in rows {
        // Group names hold no commas in the sample.
        let cells: Vec<&str> = line.split(',').collect();
        let g = perf
            .groups
            .iter()
            .find(|g| g.id.to_string() == cells[0])
            .unwrap();
        assert_eq!(cells[1].parse::<f64>().unwrap(), g.total, "{}", cells[0]);
        n += 1;
    }
    assert_eq!(n, perf.groups.len());
}

#[test]
fn a_formula_in_the_data_is_defused_in_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.csv");
    std::fs::write(
        &f,
        "ticker,date,sector,market_cap,total_assets,ppe_net\nA,2016-12-31,=HYPERLINK(1),10,100,80\nB,2016-12-31,Energy,20,100,60\nC,2016-12-31,Energy,30,100,20\n",
    )
    .unwrap();
    let p = dir.path().join("p.csv");
    std::fs::write(&p, "ticker,date,return\nA,2017-01-31,0.1\nA,2017-02-28,0.1\nB,2017-01-31,0.1\nB,2017-02-28,0.1\nC,2017-01-31,0.1\nC,2017-02-28,0.1\n").unwrap();
    let files: Vec<_> = [f, p]
        .into_iter()
        .map(|path| halo_workbench::data::SourceFile {
            path,
            options: Default::default(),
        })
        .collect();
    let mut project = halo_workbench::project::Project::default();
    project.dataset.name = "formula".into();
    project.dataset.files = files;
    let st = &mut project.settings;
    st.scoring.as_of = chrono::NaiveDate::from_ymd_opt(2017, 1, 1);
    st.scoring.report_lag_days = 0;
    st.analytics.window_from = chrono::NaiveDate::from_ymd_opt(2016, 12, 31);
    st.analytics.window_to = chrono::NaiveDate::from_ymd_opt(2017, 2, 28);
    let file = dir.path().join("formula.halo.toml");
    project.save(&file).unwrap();
    let scene = project_scene(Some(&file), None, false, Lang::En).unwrap();
    let out = dir.path().join("s.png");
    export(&scene, &req(Figure::Chart(Pane::Sectors), 1.0, false), &out).unwrap();
    let text = std::fs::read_to_string(dir.path().join("s.csv")).unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with('=')), "{text}");
}
