//! One pipeline, three faces: the same project through the command line's subcommands and
//! through the window gives identical numbers for every pane; an exported figure is what
//! the window shows (the scenario selected, lines rather than bars); and a saved project
//! exported without a window gives the window's figure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use halo_workbench::app::figure::{Figure, FigureRequest, Renderer, Scene};
use halo_workbench::app::{Command, Pane, PersistedState, WorkbenchApp};
use halo_workbench::data::sample_files;
use halo_workbench::engine::pipeline::Results;
use halo_workbench::engine::scenarios::default_library;
use halo_workbench::project::Project;
use halo_workbench::view::SectorChart;

fn bin() -> Process {
    let mut c = Process::new(env!("CARGO_BIN_EXE_halo-workbench"));
    c.env("LC_ALL", "C").env("LANG", "C");
    c
}

fn run(args: &[&str]) -> std::process::Output {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A CSV the workbench wrote, without the byte order mark it starts with (for Excel).
fn csv_rows(p: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(p).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte order mark");
    text.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// Equal up to the last bits: serde_json's default parser (without its float_roundtrip
/// feature) may read a number one unit in the last place off what was written.
fn same_json(a: &serde_json::Value, b: f64, what: &str) {
    let a = a.as_f64().unwrap();
    assert!(
        (a - b).abs() <= 4.0 * f64::EPSILON * a.abs().max(b.abs()),
        "{what}: {a} vs {b}"
    );
}

/// A table the command line wrote as Parquet (names with commas need no CSV quoting).
fn parquet(p: &Path) -> polars::prelude::DataFrame {
    use polars::prelude::SerReader;
    polars::prelude::ParquetReader::new(std::fs::File::open(p).unwrap())
        .finish()
        .unwrap()
}

fn strs(df: &polars::prelude::DataFrame, c: &str) -> Vec<String> {
    let col = df.column(c).unwrap().str().unwrap().clone();
    col.iter().map(|v| v.unwrap_or("").to_string()).collect()
}

fn floats(df: &polars::prelude::DataFrame, c: &str) -> Vec<f64> {
    let col = df.column(c).unwrap().f64().unwrap().clone();
    col.iter().map(|v| v.unwrap_or(f64::NAN)).collect()
}

/// Equal to the bit, or both missing.
fn same(a: f64, b: f64, what: &str) {
    assert!(
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
        "{what}: {a} vs {b}"
    );
}

/// A project on the sample's files with tilted weights, a long-short factor in the
/// regression and a within-sector quarterly backtest: settings away from the defaults.
fn write_project(dir: &Path) -> PathBuf {
    let mut p = Project::default();
    p.dataset.name = "sample, tilted".into();
    p.dataset.files = sample_files();
    let s = &mut p.settings;
    s.weights.heavy_assets = 1.7;
    s.weights.cash_flow_stability = 0.4;
    s.weights.metrics.insert("dividend_yield".into(), 2.0);
    s.analytics.factors = ["market", "wti", "us10y", "ls:ppe_intensity"]
        .map(String::from)
        .to_vec();
    s.analytics.rebalance = halo_workbench::engine::settings::Rebalance::Quarterly;
    s.analytics.within_sector = true;
    let file = dir.join("tilted.halo.toml");
    p.save(&file).unwrap();
    file
}

fn open_project(file: &Path) -> Harness<'static, WorkbenchApp> {
    let mut h = common::open([1400.0, 900.0], PersistedState::default());
    h.state_mut().push(Command::OpenProject(file.to_path_buf()));
    common::settle(&mut h);
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    h
}

#[test]
fn the_command_line_and_the_window_give_identical_numbers_for_every_pane() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_project(dir.path());
    let h = open_project(&file);
    let r: &Results = h.state().results.as_ref().unwrap();
    assert_eq!(r.settings, Project::open(&file).unwrap().settings);
    let cfg = file.to_str().unwrap();
    let data: Vec<String> = sample_files()
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    let with = |cmd: &str, out: &Path| {
        let mut a = vec![
            cmd,
            "--config",
            cfg,
            "--out",
            out.to_str().unwrap(),
            "--data",
        ];
        a.extend(data.iter().map(String::as_str));
        run(&a);
    };

    // Ranking: every security's HALO score and rank.
    let scores = dir.path().join("scores.parquet");
    with("score", &scores);
    let df = parquet(&scores);
    let (cs, sc) = (&r.prep().cs, r.scores());
    assert_eq!(df.height(), cs.len());
    let halo = floats(&df, "halo_score");
    let rank = df.column("rank").unwrap().u32().unwrap().clone();
    for (k, t) in strs(&df, "ticker").iter().enumerate() {
        let i = cs.tickers.iter().position(|x| x == t).unwrap();
        same(halo[k], sc.halo[i], t);
        assert_eq!(rank.get(k), (sc.rank[i] > 0).then_some(sc.rank[i]), "{t}");
    }

    // Sector performance.
    let sectors = dir.path().join("sectors.parquet");
    with("sectors", &sectors);
    let perf = r.sectors.as_ref().unwrap();
    let df = parquet(&sectors);
    assert_eq!(df.height(), perf.groups.len());
    let total = floats(&df, "return");
    for (k, name) in strs(&df, "group").iter().enumerate() {
        let g = perf
            .groups
            .iter()
            .find(|g| g.id.to_string() == *name)
            .unwrap();
        same(total[k], g.total, name);
    }

    // Exposures, the long-short factor's beta included.
    let exposures = dir.path().join("exposures.json");
    with("exposures", &exposures);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&exposures).unwrap()).unwrap();
    let reg = r.exposures.regression.as_ref().expect("a regression");
    let names: Vec<&str> = v["regression"]["result"]["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["const", "market", "wti", "us10y", "ls:ppe_intensity"]
    );
    assert_eq!(reg.result.names, names);
    for (k, what) in [("params", &reg.result.params), ("t_nw", &reg.result.t_nw)] {
        for (j, x) in v["regression"]["result"][k]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            same_json(x, what[j], &format!("{k} {}", names[j]));
        }
    }
    for (j, e) in v["characteristic"]["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        same_json(
            &e["active"],
            r.exposures.characteristic.exposures[j].active,
            e["name"].as_str().unwrap(),
        );
    }

    // Scenarios: every scenario's every portfolio.
    let scenarios = dir.path().join("scenarios.parquet");
    {
        let mut a = vec!["scenario", "--all", "--config", cfg, "--out"];
        a.push(scenarios.to_str().unwrap());
        a.push("--data");
        a.extend(data.iter().map(String::as_str));
        run(&a);
    }
    let df = parquet(&scenarios);
    let (names, ports, rets) = (
        strs(&df, "scenario"),
        strs(&df, "portfolio"),
        floats(&df, "return"),
    );
    let mut n = 0;
    for o in r.outcomes.iter().flatten() {
        for p in &o.portfolios {
            let k = (0..df.height())
                .find(|&k| names[k] == o.scenario && ports[k] == p.portfolio.to_string())
                .unwrap();
            same(rets[k], p.r#return, &o.scenario);
            n += 1;
        }
    }
    assert_eq!(df.height(), n);

    // The backtest: IC, spread and every series' statistics.
    let bt = dir.path().join("backtest");
    with("backtest", &bt);
    let b = r.backtest.as_deref().unwrap().as_ref().unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bt.join("summary.json")).unwrap()).unwrap();
    same_json(&v["ic_mean"], b.ic_mean, "IC mean");
    same_json(&v["spread_mean"], b.spread_mean, "spread");
    assert_eq!(v["rebalances"].as_u64().unwrap() as usize, b.dates.len());
    for s in &b.series {
        same_json(
            &v["series"][s.id.to_string()]["cumulative_return"],
            s.stats.cumulative_return,
            &s.id.to_string(),
        );
    }
}

/// Pixels of the Information Technology orange (255, 127, 14), as drawn: a bar lightened
/// by its transparency, a line anti-aliased.
fn orange(img: &image::RgbaImage) -> usize {
    img.pixels()
        .filter(|p| {
            let (r, g, b) = (p[0] as i32, p[1] as i32, p[2] as i32);
            r > 200 && r - g > 40 && g > 100 && g < 200 && b < 130
        })
        .count()
}

fn export(h: &mut Harness<'static, WorkbenchApp>, pane: Pane) {
    h.state_mut().push(Command::Export(Figure::Chart(pane)));
    h.run_steps(2);
    h.state_mut().wait_for_export();
    h.run();
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
}

fn png(dir: &Path, chart: &str) -> (PathBuf, image::RgbaImage) {
    let p = dir.join(format!("halo_{chart}_2017-04-01_1x.png"));
    let img = image::open(&p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .to_rgba8();
    (p, img)
}

/// Pixels that differ by more than the golden test's tolerance.
fn differing(a: &image::RgbaImage, b: &image::RgbaImage) -> usize {
    assert_eq!(a.dimensions(), b.dimensions());
    a.pixels()
        .zip(b.pixels())
        .filter(|(p, q)| (0..3).any(|k| (p[k] as i32 - q[k] as i32).abs() > 16))
        .count()
}

#[test]
fn an_exported_figure_is_what_the_window_shows_and_the_project_exports_it_headless() {
    let mut h = common::open([1600.0, 1000.0], PersistedState::default());
    let dir = tempfile::tempdir().unwrap();
    h.state_mut().state.export_dir = Some(dir.path().to_path_buf());
    h.state_mut().state.export_scale = 1.0;

    // Select the third scenario in the list, then export the scenario pane.
    let third = default_library()[2].name.clone();
    // The list scrolls inside the scrolling controls: bring the list into view, then the
    // item within it.
    h.get_by_label("Scenarios").scroll_to_me();
    h.run();
    h.get_by_label(&third).scroll_to_me();
    h.run();
    h.get_by_label(&third).click();
    common::settle(&mut h);
    assert_eq!(
        h.state().state.view.scenario.as_deref(),
        Some(third.as_str())
    );
    export(&mut h, Pane::Scenarios);
    let rows = csv_rows(&dir.path().join("halo_scenarios_2017-04-01_1x.csv"));
    assert!(rows.len() == 6, "five portfolios: {rows:?}");
    assert!(rows[1..].iter().all(|r| r[0] == third), "{rows:?}");
    let (_, scen_png) = png(dir.path(), "scenarios");
    // The image is that scenario's, not the first one's.
    let scene = h.state().scene().unwrap();
    let req = FigureRequest {
        figure: Figure::Chart(Pane::Scenarios),
        scale: 1.0,
        dark: false,
    };
    let mut renderer = Renderer::new();
    let first = Scene {
        view: Default::default(),
        ..scene.clone()
    };
    assert!(differing(&renderer.render(&first, &req).unwrap(), &scen_png) > 500);
    assert!(differing(&renderer.render(&scene, &req).unwrap(), &scen_png) < 200);

    // Bars, then lines: the sector pane's own switch.
    export(&mut h, Pane::Sectors);
    let (_, bars) = png(dir.path(), "sectors");
    h.get_by_label("lines").click();
    h.run();
    assert_eq!(h.state().state.view.sectors, SectorChart::Lines);
    export(&mut h, Pane::Sectors);
    let (_, lines) = png(dir.path(), "sectors");
    let header = &csv_rows(&dir.path().join("halo_sectors_2017-04-01_1x.csv"))[0];
    assert_eq!(header[0], "date", "a month per row: {header:?}");
    assert!(header.contains(&"Information Technology cumulative".to_string()));
    // A bar fills its area in the sector's colour; a line is a thin stroke.
    assert!(
        orange(&lines) * 5 < orange(&bars),
        "lines {} vs bars {} orange pixels",
        orange(&lines),
        orange(&bars)
    );

    // Save the project; the headless export of it is the window's figure.
    let project = dir.path().join("shown.halo.toml");
    h.state_mut().push(Command::SaveProject(project.clone()));
    h.run_steps(2);
    let saved = Project::open(&project).unwrap();
    assert_eq!(saved.view.scenario.as_deref(), Some(third.as_str()));
    assert_eq!(saved.view.sectors, SectorChart::Lines);
    for (chart, in_app) in [("sectors", &lines), ("scenarios", &scen_png)] {
        let out = dir.path().join(format!("headless_{chart}.png"));
        run(&[
            "export",
            "--project",
            project.to_str().unwrap(),
            "--chart",
            chart,
            "--scale",
            "1",
            "--out",
            out.to_str().unwrap(),
        ]);
        let headless = image::open(&out).unwrap().to_rgba8();
        // The dataset is named after the project in both: the pixels agree.
        let off = differing(&headless, in_app);
        assert!(
            off < 200,
            "{chart}: {off} pixels differ from the in-app figure"
        );
    }
    // --scenario picks a scenario without a project.
    let out = dir.path().join("by_name.png");
    run(&[
        "export",
        "--chart",
        "scenarios",
        "--scenario",
        &third,
        "--scale",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    let rows = csv_rows(&out.with_extension("csv"));
    assert!(rows[1..].iter().all(|r| r[0] == third), "{rows:?}");
    let bad = bin()
        .args([
            "export",
            "--chart",
            "scenarios",
            "--scenario",
            "No such",
            "--out",
        ])
        .arg(dir.path().join("x.png"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("no scenario named \"No such\"") && err.contains(&third),
        "{err}"
    );
}
