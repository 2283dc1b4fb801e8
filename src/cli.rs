//! Command-line interface: each subcommand is a few lines around library calls.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use anyhow::Context as _;

use crate::data::{self, Dataset, LoadOptions, SourceFile, TableKind};
use crate::engine::{self, universe::Panel};
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
