//! Command-line interface: each subcommand is a few lines around library calls.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use anyhow::Context as _;

use crate::data::{self, Dataset, LoadOptions, SourceFile, TableKind};
use polars::prelude::{Column, DataFrame};

use crate::engine::score::Scorer;
use crate::engine::sectors::GroupWeighting;
use crate::engine::{self, analysis, universe::Panel};
use crate::export;
use crate::settings::Settings;

#[derive(Parser, Debug)]
#[command(
    name = "halo-workbench",
    version,
    about = "HALO (Heavy Assets, Low Obsolescence) research workbench.\nRun with no command to open the window."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load files and print their load reports; exits 1 if any file cannot be loaded.
    Inspect(InspectArgs),
    /// Rebuild sample_data/ from the raw public files in ../shared/data.
    PrepSample(PrepArgs),
    /// Time loading a file (best of N) and report peak memory: the load benchmark.
    BenchLoad(BenchLoadArgs),
    /// Score every security and form the HALO and anti-HALO baskets.
    Score(ScoreArgs),
    /// Each sector's, the benchmark's and the baskets' return over a window.
    Sectors(SectorsArgs),
    /// The HALO basket's characteristic and return-based factor exposures.
    Exposures(OutArgs),
    /// Scenario outcomes for the HALO basket, benchmark, anti-HALO, long-short and blend.
    Scenario(ScenarioArgs),
    /// Point-in-time quantile backtest of the HALO score.
    Backtest(OutArgs),
    /// Render a chart or the dashboard to PNG (and its numbers to CSV), without a window.
    Export(ExportArgs),
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// A project file (its data and settings); default: the bundled sample, default settings.
    #[arg(long)]
    pub project: Option<PathBuf>,
    #[arg(long, value_parser = ["sectors", "exposures", "scenarios", "backtest", "dashboard"])]
    pub chart: String,
    /// Pixels per point: 1, 2 or 3.
    #[arg(long, default_value_t = 2.0)]
    pub scale: f32,
    #[arg(long, default_value = "light", value_parser = ["light", "dark"])]
    pub theme: String,
    /// The PNG to write; the chart's data goes beside it as CSV.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct SectorsArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Window start (default: the as-of date, or 12 months before it when prices end sooner).
    #[arg(long)]
    pub from: Option<String>,
    /// Window end.
    #[arg(long)]
    pub to: Option<String>,
    /// cap (buy-and-hold from start caps) or equal.
    #[arg(long, value_parser = ["cap", "equal"])]
    pub weighting: Option<String>,
    /// .csv or .parquet; without it the table is printed.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct OutArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Output file (exposures: .json) or folder (backtest).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ScenarioArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Run the scenario of this name (from the settings' list or the default library).
    #[arg(long, conflicts_with = "all")]
    pub name: Option<String>,
    /// Run every scenario.
    #[arg(long)]
    pub all: bool,
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The inputs every analysis command takes.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Settings (TOML): a settings file or a project file's [settings] section.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Data files (fundamentals, prices, factors; kinds recognised from columns). Default:
    /// the bundled sample.
    #[arg(long, num_args = 1..)]
    pub data: Vec<PathBuf>,
    /// As-of date of the cross-section (default: the latest date the data's reports are known).
    #[arg(long)]
    pub as_of: Option<String>,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Write every security's scores to a .csv or .parquet file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Without --out: how many of the ranking to print.
    #[arg(long, default_value_t = 25)]
    pub top: usize,
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// CSV (UTF-8 or GBK; comma, semicolon or tab), Parquet or .xlsx files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print JSON for scripts instead of text.
    #[arg(long)]
    pub json: bool,
    /// Table kind; guessed from the headers when not given.
    #[arg(long, value_parser = ["fundamentals", "prices", "factors"])]
    pub kind: Option<String>,
    /// Worksheet of an .xlsx file (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
}

#[derive(Args, Debug)]
pub struct PrepArgs {
    /// The raw data folder (shared/data).
    #[arg(long, default_value = "../shared/data")]
    pub raw: PathBuf,
    /// Output folder.
    #[arg(long, default_value = "sample_data")]
    pub out: PathBuf,
    /// GICS sub-industry -> NAICS table (default: OUT/mapping/gics_subindustry_to_naics.csv).
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Also write all daily prices of sp500-daily-prices/ as one long .csv or .parquet file.
    #[arg(long)]
    pub daily_out: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct BenchLoadArgs {
    pub file: PathBuf,
    #[arg(long, default_value_t = 5)]
    pub repeat: usize,
    #[arg(long, value_parser = ["fundamentals", "prices", "factors"])]
    pub kind: Option<String>,
}

fn kind_arg(k: &Option<String>) -> Option<TableKind> {
    k.as_deref().and_then(TableKind::parse)
}

pub fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Inspect(a) => inspect(a),
        Command::PrepSample(a) => {
            let opts = data::prep::PrepOptions {
                raw: a.raw,
                out: a.out,
                mapping: a.mapping,
                daily_out: a.daily_out,
            };
            match data::prep::run(&opts) {
                Ok(summary) => {
                    for l in summary.lines {
                        println!("{l}");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::BenchLoad(a) => bench_load(a),
        Command::Score(a) => report(score(a)),
        Command::Sectors(a) => report(sectors(a)),
        Command::Exposures(a) => report(exposures(a)),
        Command::Scenario(a) => report(scenario(a)),
        Command::Backtest(a) => report(backtest(a)),
        Command::Export(a) => report(export_figure(a)),
    }
}

fn inspect(a: InspectArgs) -> ExitCode {
    let opts = LoadOptions {
        kind: kind_arg(&a.kind),
        sheet: a.sheet.clone(),
        ..Default::default()
    };
    let mut failed = false;
    let mut json = Vec::new();
    for f in &a.files {
        match data::load_file(f, &opts) {
            Ok(t) => {
                if a.json {
                    json.push(serde_json::json!({ "ok": true, "report": t.report }));
                } else {
                    print!("{}", t.report.to_text());
                }
            }
            Err(e) => {
                failed = true;
                if a.json {
                    json.push(serde_json::json!({ "ok": false, "file": f.display().to_string(), "error": e.to_string() }));
                } else {
                    eprintln!("error: {e}");
                }
            }
        }
    }
    if a.json {
        match serde_json::to_string_pretty(&json) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("error: {e}"),
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Peak resident memory of this process so far, in bytes (Linux).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

fn current_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

/// Bytes a table holds in memory. polars' `estimated_size` counts a string column's bytes
/// but not its 16-byte views (one per row), so those are added.
fn table_bytes(df: &polars::prelude::DataFrame) -> usize {
    let views: usize = df
        .columns()
        .iter()
        .filter(|c| c.dtype() == &polars::prelude::DataType::String)
        .map(|c| c.len() * 16)
        .sum();
    df.estimated_size() + views
}

fn bench_load(a: BenchLoadArgs) -> ExitCode {
    let opts = LoadOptions {
        kind: kind_arg(&a.kind),
        ..Default::default()
    };
    let base = current_rss().unwrap_or(0);
    let mut times = Vec::new();
    for _ in 0..a.repeat.max(1) {
        let t0 = std::time::Instant::now();
        match data::load_file(&a.file, &opts) {
            Ok(t) => {
                times.push(t0.elapsed().as_secs_f64());
                if times.len() == 1 {
                    // The first run in a fresh process gives the peak memory of one load.
                    let peak = peak_rss().unwrap_or(0).saturating_sub(base);
                    let size = table_bytes(&t.df);
                    println!("peak_rss_delta_mb {:.1}", peak as f64 / 1e6);
                    println!("in_memory_mb {:.1}", size as f64 / 1e6);
                    println!("peak_ratio {:.2}", peak as f64 / size.max(1) as f64);
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    times.sort_by(f64::total_cmp);
    println!("runs {}", times.len());
    println!("best_s {:.4}", times[0]);
    println!("median_s {:.4}", times[times.len() / 2]);
    ExitCode::SUCCESS
}

fn report(r: anyhow::Result<()>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Settings and data for an analysis command: `--config` (else defaults), `--as-of`, and
/// `--data` (else the bundled sample).
pub fn prepare_run(a: &RunArgs) -> anyhow::Result<(Settings, Dataset)> {
    let mut settings = match &a.config {
        Some(p) => Settings::load(p)?,
        None => Settings::default(),
    };
    if let Some(d) = &a.as_of {
        let day =
            data::dates::parse_any(d).with_context(|| format!("--as-of {d:?} is not a date"))?;
        settings.scoring.as_of = Some(day);
    }
    let ds = if a.data.is_empty() {
        data::load_sample()?
    } else {
        let files: Vec<SourceFile> = a
            .data
            .iter()
            .map(|p| SourceFile {
                path: p.clone(),
                options: LoadOptions::default(),
            })
            .collect();
        Dataset::load("command-line data", &files)?
    };
    Ok((settings, ds))
}

fn score(a: ScoreArgs) -> anyhow::Result<()> {
    let (settings, ds) = prepare_run(&a.run)?;
    let f = ds
        .fundamentals
        .as_ref()
        .context("no fundamentals table among the --data files")?;
    let panel = Panel::from_frame(&f.df)?;
    let prep = engine::score::prepare(&panel, &settings.scoring)?;
    let sc = engine::score::score(&prep, &settings);
    let table = engine::score::scores_frame(&prep, &sc)?;
    let included = sc.included.iter().filter(|x| **x).count();
    eprintln!(
        "{}: as of {}, {included} of {} securities scored, HALO basket {} names, anti-HALO {}",
        ds.name,
        sc.as_of,
        sc.included.len(),
        sc.basket.members.len(),
        sc.anti.members.len()
    );
    for n in &sc.notes {
        eprintln!("note: {n}");
    }
    match &a.out {
        Some(p) => {
            export::write_table(&table, p)?;
            eprintln!("wrote {} rows to {}", table.height(), p.display());
        }
        None => print_ranking(&prep, &sc, a.top),
    }
    Ok(())
}

fn print_ranking(prep: &engine::score::Prepared, sc: &engine::score::Scores, top: usize) {
    let cs = &prep.cs;
    let mut order: Vec<usize> = (0..cs.len()).filter(|&s| sc.rank[s] > 0).collect();
    order.sort_by_key(|&s| sc.rank[s]);
    println!(
        "{:>4}  {:<8} {:<28} {:<24} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7}",
        "rank", "ticker", "name", "sector", "HALO", "heavy", "lowobs", "supply", "cash", "weight"
    );
    for &s in order.iter().take(top) {
        let p = |k: usize| sc.pillars[k][s];
        let name: String = cs.names[s].chars().take(28).collect();
        let sector: String = cs.sectors[s].chars().take(24).collect();
        println!(
            "{:>4}  {:<8} {:<28} {:<24} {:>6.2} {:>6.2} {:>6.2} {:>6.2} {:>6.2} {:>6.2}%",
            sc.rank[s],
            cs.tickers[s],
            name,
            sector,
            sc.halo[s],
            p(0),
            p(1),
            p(2),
            p(3),
            sc.basket.weights[s] * 100.0
        );
    }
}

fn date_arg(s: &Option<String>, what: &str) -> anyhow::Result<Option<chrono::NaiveDate>> {
    s.as_deref()
        .map(|d| data::dates::parse_any(d).with_context(|| format!("{what} {d:?} is not a date")))
        .transpose()
}

/// Settings, data and the engine's inputs (with any long-short factors the settings name).
fn analysis_inputs(run: &RunArgs) -> anyhow::Result<(Settings, Dataset, analysis::Inputs)> {
    let (settings, ds) = prepare_run(run)?;
    let mut inputs = analysis::Inputs::new(&ds)?;
    inputs.add_long_short(&settings.analytics.factors, &settings)?;
    Ok((settings, ds, inputs))
}

fn sectors(a: SectorsArgs) -> anyhow::Result<()> {
    let (mut settings, ds, inputs) = analysis_inputs(&a.run)?;
    if let Some(w) = &a.weighting {
        settings.analytics.group_weighting = if w == "equal" {
            GroupWeighting::Equal
        } else {
            GroupWeighting::Cap
        };
    }
    let (prep, sc) = analysis::scores(&inputs, &settings)?;
    let (dfrom, dto) = analysis::window(&inputs, prep.cs.as_of, &settings)?;
    let from = date_arg(&a.from, "--from")?.unwrap_or(dfrom);
    let to = date_arg(&a.to, "--to")?.unwrap_or(dto);
    let perf = analysis::sectors(
        &inputs,
        &prep,
        &sc,
        &settings,
        (from, to),
        &mut Scorer::default(),
    )?;
    eprintln!(
        "{}: {} to {} ({} months)",
        ds.name,
        perf.from,
        perf.to,
        perf.months.len()
    );
    let mut groups = perf.groups.clone();
    groups.sort_by(|x, y| y.total.total_cmp(&x.total));
    let df = DataFrame::new(
        groups.len(),
        vec![
            Column::new(
                "group".into(),
                groups.iter().map(|g| g.group.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "return".into(),
                groups.iter().map(|g| g.total).collect::<Vec<_>>(),
            ),
            Column::new(
                "weighting".into(),
                groups
                    .iter()
                    .map(|g| g.weighting.clone())
                    .collect::<Vec<_>>(),
            ),
        ],
    )?;
    match &a.out {
        Some(p) => export::write_table(&df, p)?,
        None => {
            for g in &groups {
                println!(
                    "{:<32} {:>8.2}%  {:<7} {:>4} names",
                    g.group,
                    g.total * 100.0,
                    g.weighting,
                    g.members
                );
            }
        }
    }
    Ok(())
}

fn write_json(value: &impl serde::Serialize, out: &Option<PathBuf>) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    match out {
        Some(p) => crate::atomic::write_atomic(p, text.as_bytes())
            .with_context(|| format!("{}: cannot write", p.display())),
        None => {
            println!("{text}");
            Ok(())
        }
    }
}

fn exposures(a: OutArgs) -> anyhow::Result<()> {
    let (settings, _ds, inputs) = analysis_inputs(&a.run)?;
    let (prep, sc) = analysis::scores(&inputs, &settings)?;
    let rep = analysis::exposures(&inputs, &prep, &sc, &settings);
    if let Some(e) = &rep.regression_error {
        eprintln!("note: no return-based regression: {e}");
    }
    write_json(&rep, &a.out)
}

fn scenario(a: ScenarioArgs) -> anyhow::Result<()> {
    let (settings, _ds, inputs) = analysis_inputs(&a.run)?;
    let (prep, sc) = analysis::scores(&inputs, &settings)?;
    let library = if settings.scenarios.is_empty() {
        engine::scenarios::default_library()
    } else {
        settings.scenarios.clone()
    };
    let list: Vec<_> = match (&a.name, a.all) {
        (Some(n), _) => {
            let s = library.iter().find(|s| &s.name == n).with_context(|| {
                format!(
                    "no scenario named {n:?}; there are: {}",
                    library
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            })?;
            vec![s.clone()]
        }
        (None, true) => library,
        (None, false) => anyhow::bail!("say which scenario: --name NAME or --all"),
    };
    let names = analysis::scenario_factors(&settings, &list);
    let betas = if inputs.has_returns() {
        analysis::betas(&inputs, &prep, &settings, &names)
            .map_err(|e| eprintln!("note: no factor betas: {e}"))
            .ok()
    } else {
        None
    };
    let outcomes = analysis::run_scenarios(&inputs, &prep, &sc, &settings, &list, betas.as_ref());
    let mut sectors: Vec<String> = prep.cs.sectors.clone();
    sectors.sort();
    sectors.dedup();
    let (mut scen, mut port, mut ret) = (Vec::new(), Vec::new(), Vec::new());
    let mut contrib: Vec<Vec<f64>> = vec![Vec::new(); sectors.len()];
    let mut failed = 0;
    for o in outcomes {
        match o {
            Ok(o) => {
                for p in &o.portfolios {
                    scen.push(o.scenario.clone());
                    port.push(p.portfolio.clone());
                    ret.push(p.r#return);
                    for (i, s) in sectors.iter().enumerate() {
                        contrib[i].push(p.contributions.get(s).copied().unwrap_or(0.0));
                    }
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let mut cols = vec![
        Column::new("scenario".into(), scen),
        Column::new("portfolio".into(), port),
        Column::new("return".into(), ret),
    ];
    for (s, c) in sectors.iter().zip(contrib) {
        cols.push(Column::new(s.as_str().into(), c));
    }
    let df = DataFrame::new_infer_height(cols)?;
    match &a.out {
        Some(p) => export::write_table(&df, p)?,
        None => println!("{df}"),
    }
    if failed > 0 {
        anyhow::bail!("{failed} scenario(s) could not run");
    }
    Ok(())
}

fn backtest(a: OutArgs) -> anyhow::Result<()> {
    let (settings, ds, inputs) = analysis_inputs(&a.run)?;
    let (h, r) = analysis::backtest(&inputs, &settings)?;
    eprintln!(
        "{}: {} rebalances {} to {}, IC mean {:.4} (t {:.2}), Q{}-Q1 spread {:.4} (se {:.4}); survivorship-biased prices overstate returns",
        ds.name,
        r.dates.len(),
        r.dates.first().map(|d| d.to_string()).unwrap_or_default(),
        r.dates.last().map(|d| d.to_string()).unwrap_or_default(),
        r.ic_mean,
        r.ic_t,
        settings.analytics.quantiles,
        r.spread_mean,
        r.spread_se
    );
    for (d, why) in &r.skipped {
        eprintln!("note: {d} left out: {why}");
    }
    let Some(dir) = &a.out else {
        for s in &r.series {
            println!(
                "{:<12} cumulative {:>8.2}%  CAGR {:>7.2}%  Sharpe {:>6.2}  max DD {:>7.2}%",
                s.name,
                s.stats.cumulative_return * 100.0,
                s.stats.cagr * 100.0,
                s.stats.sharpe,
                s.stats.max_drawdown * 100.0
            );
        }
        return Ok(());
    };
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let tickers = &inputs.panel.tickers;
    let rows: Vec<_> = r.observations(&h).collect();
    let panel = DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                "date".into(),
                rows.iter()
                    .map(|x| r.dates[x.date].to_string())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "ticker".into(),
                rows.iter()
                    .map(|x| tickers[x.security].clone())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "sector".into(),
                rows.iter()
                    .map(|x| h.sector_names[h.sector[x.date][x.security] as usize].clone())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "score".into(),
                rows.iter().map(|x| x.score).collect::<Vec<_>>(),
            ),
            Column::new(
                "quantile".into(),
                rows.iter().map(|x| x.quantile as u32).collect::<Vec<_>>(),
            ),
            Column::new(
                "fwd_return".into(),
                rows.iter().map(|x| x.fwd_return).collect::<Vec<_>>(),
            ),
        ],
    )?;
    export::write_table(&panel, &dir.join("panel.csv"))?;
    let q = &r.quantiles;
    let qdf = DataFrame::new(
        q.len(),
        vec![
            Column::new(
                "quantile".into(),
                q.iter().map(|x| x.quantile as u32).collect::<Vec<_>>(),
            ),
            Column::new(
                "mean_return".into(),
                q.iter().map(|x| x.mean_return).collect::<Vec<_>>(),
            ),
            Column::new(
                "std_error".into(),
                q.iter().map(|x| x.std_error).collect::<Vec<_>>(),
            ),
            Column::new(
                "count".into(),
                q.iter().map(|x| x.count as u64).collect::<Vec<_>>(),
            ),
        ],
    )?;
    export::write_table(&qdf, &dir.join("quantile_returns.csv"))?;
    let ic = DataFrame::new(
        r.dates.len(),
        vec![
            Column::new(
                "date".into(),
                r.dates.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            ),
            Column::new(
                "ic".into(),
                r.ic.iter()
                    .map(|v| v.is_finite().then_some(*v))
                    .collect::<Vec<_>>(),
            ),
        ],
    )?;
    export::write_table(&ic, &dir.join("ic.csv"))?;
    let series: serde_json::Map<String, serde_json::Value> = r
        .series
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                serde_json::to_value(&s.stats).unwrap_or_default(),
            )
        })
        .collect();
    let summary = serde_json::json!({
        "ic_mean": r.ic_mean, "ic_std": r.ic_std, "ic_ir": r.ic_ir, "ic_t": r.ic_t, "ic_positive": r.ic_positive,
        "spread_mean": r.spread_mean, "spread_se": r.spread_se,
        "periods_per_year": r.periods_per_year, "rebalances": r.dates.len(),
        "series": series,
    });
    write_json(&summary, &Some(dir.join("summary.json")))?;
    eprintln!(
        "wrote panel.csv, quantile_returns.csv, ic.csv and summary.json to {}",
        dir.display()
    );
    Ok(())
}

fn export_figure(a: ExportArgs) -> anyhow::Result<()> {
    use crate::export::figure::{FigureRequest, export, parse_chart};
    if ![1.0, 2.0, 3.0].contains(&a.scale) {
        anyhow::bail!("--scale must be 1, 2 or 3");
    }
    let figure = parse_chart(&a.chart).with_context(|| format!("no chart named {:?}", a.chart))?;
    let mut state = crate::app::PersistedState::default();
    if let Some(p) = &a.project {
        let project = crate::project::Project::open(p)?;
        state.session_files = project.dataset.files;
        state.session_name = project.dataset.name;
        state.settings = project.settings;
    }
    let t0 = std::time::Instant::now();
    let w = export(
        state,
        &FigureRequest {
            figure,
            scale: a.scale,
            dark: a.theme == "dark",
        },
        &a.out,
    )?;
    eprintln!(
        "wrote {} ({} x {} px) and {} in {:.2} s",
        w.png.display(),
        w.width,
        w.height,
        w.csv
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}
