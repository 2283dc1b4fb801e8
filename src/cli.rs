//! Command-line interface: each subcommand is a few lines around the engine's pipeline,
//! the same one the window uses, and speaks the locale's language (`--lang` overrides).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use polars::prelude::{Column, DataFrame};

use crate::bi;
use crate::data::{self, Dataset, LoadError, LoadOptions, SourceFile, TableKind};
use crate::engine::EngineError;
use crate::engine::pipeline::{Pipeline, Scored, scenario_list};
use crate::engine::sectors::GroupWeighting;
use crate::engine::settings::{ConfigError, Settings};
use crate::export::{self, ExportError};
use crate::i18n::{Align, Lang, Localize, clip, lang, pad, plural};

/// Write to standard output; when the reader has gone (`halo-workbench score | head`),
/// end quietly instead of panicking on the broken pipe.
fn out_str(text: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_all(text.as_bytes()).and_then(|_| o.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("{}: {e}", error_word());
        std::process::exit(1);
    }
}

/// `println!` that ends quietly on a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => {
        out_str(&format!("{}\n", format!($($arg)*)))
    };
}

#[derive(Parser, Debug)]
#[command(
    name = "halo-workbench",
    version,
    about = "HALO (Heavy Assets, Low Obsolescence) research workbench.\nRun with no command to open the window (on FILE... when given: data files, or a project .toml)."
)]
pub struct Cli {
    /// Language of messages and reports: en or zh (default: the locale's, LANG / LC_ALL).
    #[arg(long, global = true, value_parser = ["en", "zh"])]
    pub lang: Option<String>,
    /// Open the window on these files: data files as a new dataset, or one project file.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
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
    /// Each pillar's weight swept (the others held): basket overlap with today's, HALO
    /// minus benchmark over the sector window, IC mean and t, top-minus-bottom spread.
    Sensitivity(SensitivityArgs),
    /// Render a chart or the dashboard to PNG, SVG or PDF (by the extension of --out) and
    /// its numbers to CSV, without a window.
    Export(ExportArgs),
    /// One PDF with a cover (dataset, as-of date, lens and weights, data sources) and a
    /// page per chart, and the pages as PNG in a folder beside it.
    Deck(DeckArgs),
}

#[derive(Args, Debug)]
pub struct DeckArgs {
    /// A project file (its data, settings and view); default: the bundled sample, default
    /// settings.
    #[arg(long)]
    pub project: Option<PathBuf>,
    /// The scenario the scenarios page shows (default: the project's, else the first).
    #[arg(long)]
    pub scenario: Option<String>,
    #[arg(long, default_value = "light", value_parser = ["light", "dark"])]
    pub theme: String,
    /// Run the weight sweep and add its sensitivity page (without it, the page is there
    /// when the project's view runs the sweep).
    #[arg(long)]
    pub sweep: bool,
    /// The PDF to write (`deck.pdf`); its pages go as PNG in the folder `deck/` beside it.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// A project file (its data, settings and view); default: the bundled sample, default
    /// settings.
    #[arg(long)]
    pub project: Option<PathBuf>,
    /// sectors, exposures, scenarios, backtest, sensitivity (the weight sweep, run for it)
    /// or dashboard.
    #[arg(long)]
    pub chart: String,
    /// The scenario the scenarios chart shows (default: the project's, else the first).
    #[arg(long)]
    pub scenario: Option<String>,
    /// Pixels per point of a PNG: 1, 2 or 3 (default 2; SVG and PDF are vectors, and
    /// take none).
    #[arg(long)]
    pub scale: Option<f32>,
    #[arg(long, default_value = "light", value_parser = ["light", "dark"])]
    pub theme: String,
    /// The figure to write, .png, .svg or .pdf; the chart's data goes beside it as CSV.
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
pub struct SensitivityArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// The largest weight of the sweep (each pillar goes from 0 to it).
    #[arg(long, default_value_t = 3.0)]
    pub max: f64,
    /// Weights per pillar, evenly spaced (the settings' own weight is added when it is
    /// not among them).
    #[arg(long, default_value_t = 13)]
    pub steps: usize,
    /// Sweep each metric's weight within its pillar too (a row per metric setting, its
    /// `metric` column naming it).
    #[arg(long)]
    pub metrics: bool,
    /// Folder for sensitivity.csv (one row per setting) and stability.csv (today's basket,
    /// with the share of settings that keep each name); without it a table is printed.
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
    /// A project file saved from the window: its data files, each read with the column
    /// mapping and options saved for it, and its settings (--config, --as-of and
    /// --financials apply over them).
    #[arg(long, conflicts_with = "data")]
    pub project: Option<PathBuf>,
    /// As-of date of the cross-section (default: the latest date the data's reports are known).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Banks, brokers and insurers: left out of A-share data and kept otherwise (auto), or
    /// kept, excluded, or scored within their own group (apart).
    #[arg(long, value_parser = ["auto", "keep", "exclude", "apart"])]
    pub financials: Option<String>,
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
    #[arg(long, value_parser = ["fundamentals", "prices", "factors", "attributes"])]
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
    #[arg(long, value_parser = ["fundamentals", "prices", "factors", "attributes"])]
    pub kind: Option<String>,
}

fn kind_arg(k: &Option<String>) -> Option<TableKind> {
    k.as_deref().and_then(TableKind::parse)
}

pub fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Inspect(a) => inspect(a),
        // A maintainer's tool (it rebuilds the bundled sample): its messages stay English.
        Command::PrepSample(a) => {
            let opts = crate::prep::PrepOptions {
                raw: a.raw,
                out: a.out,
                mapping: a.mapping,
                daily_out: a.daily_out,
            };
            match crate::prep::run(&opts) {
                Ok(summary) => {
                    for l in summary.lines {
                        out!("{l}");
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
        Command::Sensitivity(a) => report(sensitivity(a)),
        Command::Export(a) => report(export_figure(a)),
        Command::Deck(a) => report(export_deck(a)),
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
    // A folder: each data file in it.
    let files: Vec<PathBuf> = a
        .files
        .iter()
        .flat_map(|f| {
            let src = SourceFile {
                path: f.clone(),
                options: LoadOptions::default(),
            };
            data::expand_folders(&[src])
                .map(|v| v.into_iter().map(|s| s.path).collect())
                .unwrap_or_else(|_| vec![f.clone()])
        })
        .collect();
    for f in &files {
        match data::load_file(f, &opts) {
            Ok(t) => {
                if a.json {
                    json.push(serde_json::json!({ "ok": true, "report": t.report }));
                } else {
                    out_str(&t.report.text());
                }
            }
            Err(e) => {
                failed = true;
                if a.json {
                    json.push(serde_json::json!({ "ok": false, "file": f.display().to_string(), "error": e.to_string() }));
                } else {
                    eprintln!("{}: {}", error_word(), e.text());
                }
            }
        }
    }
    if a.json {
        match serde_json::to_string_pretty(&json) {
            Ok(s) => out!("{s}"),
            Err(e) => eprintln!("{}: {e}", error_word()),
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn bench_load(a: BenchLoadArgs) -> ExitCode {
    let opts = LoadOptions {
        kind: kind_arg(&a.kind),
        ..Default::default()
    };
    let base = data::memory::current_rss().unwrap_or(0);
    let mut times = Vec::new();
    for _ in 0..a.repeat.max(1) {
        let t0 = std::time::Instant::now();
        match data::load_file(&a.file, &opts) {
            Ok(t) => {
                times.push(t0.elapsed().as_secs_f64());
                if times.len() == 1 {
                    // The first run in a fresh process gives the peak memory of one load.
                    let peak = data::memory::peak_rss().unwrap_or(0).saturating_sub(base);
                    let size = data::memory::table_bytes(&t.df);
                    out!("peak_rss_delta_mb {:.1}", peak as f64 / 1e6);
                    out!("in_memory_mb {:.1}", size as f64 / 1e6);
                    out!("peak_ratio {:.2}", peak as f64 / size.max(1) as f64);
                }
            }
            Err(e) => {
                eprintln!("{}: {}", error_word(), e.text());
                return ExitCode::FAILURE;
            }
        }
    }
    times.sort_by(f64::total_cmp);
    out!("runs {}", times.len());
    out!("best_s {:.4}", times[0]);
    out!("median_s {:.4}", times[times.len() / 2]);
    ExitCode::SUCCESS
}

/// Why a command could not do what it was asked.
#[derive(Debug)]
pub enum CliError {
    Load(LoadError),
    Engine(EngineError),
    Config(ConfigError),
    Export(ExportError),
    App(crate::app::messages::AppError),
    BadDate {
        flag: &'static str,
        value: String,
    },
    NoScenario {
        name: String,
        available: Vec<String>,
    },
    WhichScenario,
    /// Some of the scenarios asked for could not run (each was reported).
    ScenariosFailed {
        count: usize,
    },
    /// No security of the data could be scored (the first reasons were reported).
    NothingScored {
        total: usize,
    },
    Json(String),
    CreateDir {
        path: String,
        error: data::error::IoFailure,
    },
    /// An output folder that holds files of the user's own.
    FolderInUse {
        path: String,
        file: String,
    },
}

impl Localize for CliError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            CliError::Load(e) => e.localize(lang),
            CliError::Engine(e) => e.localize(lang),
            CliError::Config(e) => e.localize(lang),
            CliError::Export(e) => e.localize(lang),
            CliError::App(e) => e.localize(lang),
            CliError::BadDate { flag, value } => {
                bi!(
                    lang,
                    "{flag} {value:?} is not a date",
                    "{flag} {value:?} 不是日期"
                )
            }
            CliError::NoScenario { name, available } => {
                let list = available.join("; ");
                bi!(
                    lang,
                    "no scenario named {name:?}; there are: {list}",
                    "没有名为 {name:?} 的情景；现有：{list}"
                )
            }
            CliError::WhichScenario => bi!(
                lang,
                "say which scenario: --name NAME or --all",
                "请指定情景：--name 名称 或 --all"
            ),
            CliError::ScenariosFailed { count } => bi!(
                lang,
                "{count} scenario(s) could not run",
                "{count} 个情景无法运行"
            ),
            CliError::NothingScored { total } => bi!(
                lang,
                "none of the {total} securities could be scored (the reasons are above, and in score --out's excluded_reason column)",
                "{total} 只证券都无法计分（原因见上，以及 score --out 的 excluded_reason 列）"
            ),
            CliError::Json(e) => bi!(lang, "cannot write JSON: {e}", "无法写出 JSON：{e}"),
            CliError::FolderInUse { path, file } => bi!(
                lang,
                "{path}: the folder holds other files ({file}); name a new or empty folder for this command's files",
                "{path}：该文件夹中有其他文件（{file}）；请为本命令的输出文件指定一个新的或空的文件夹"
            ),
            CliError::CreateDir { path, error } => {
                let e = error.localize(lang);
                bi!(lang, "{path}: cannot create: {e}", "{path}：无法创建：{e}")
            }
        }
    }
}

crate::english_display!(CliError);

impl From<LoadError> for CliError {
    fn from(e: LoadError) -> Self {
        CliError::Load(e)
    }
}

impl From<EngineError> for CliError {
    fn from(e: EngineError) -> Self {
        CliError::Engine(e)
    }
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        CliError::Config(e)
    }
}

impl From<ExportError> for CliError {
    fn from(e: ExportError) -> Self {
        CliError::Export(e)
    }
}

impl From<crate::app::messages::AppError> for CliError {
    fn from(e: crate::app::messages::AppError) -> Self {
        CliError::App(e)
    }
}

fn error_word() -> &'static str {
    match lang() {
        Lang::En => "error",
        Lang::Zh => "错误",
    }
}

/// "note: ..." on standard error, in the command's language.
fn note(text: String) {
    let word = match lang() {
        Lang::En => "note",
        Lang::Zh => "注意",
    };
    eprintln!("{word}: {text}");
}

fn report(r: Result<(), CliError>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: {}", error_word(), e.text());
            ExitCode::FAILURE
        }
    }
}

fn date_arg(s: &Option<String>, flag: &'static str) -> Result<Option<chrono::NaiveDate>, CliError> {
    s.as_deref()
        .map(|d| {
            data::dates::parse_any(d).ok_or_else(|| CliError::BadDate {
                flag,
                value: d.to_string(),
            })
        })
        .transpose()
}

/// Settings and data for an analysis command: `--config` (else defaults), `--as-of`, and
/// `--data` (else the bundled sample).
pub fn prepare_run(a: &RunArgs) -> Result<(Settings, Dataset), CliError> {
    let project = a
        .project
        .as_deref()
        .map(crate::project::Project::open)
        .transpose()?;
    let mut settings = match (&a.config, &project) {
        (Some(p), _) => Settings::load(p)?,
        (None, Some(project)) => project.settings.clone(),
        (None, None) => Settings::default(),
    };
    if let Some(day) = date_arg(&a.as_of, "--as-of")? {
        settings.scoring.as_of = Some(day);
    }
    if let Some(f) = &a.financials {
        use crate::engine::settings::Financials;
        settings.scoring.financials = match f.as_str() {
            "keep" => Financials::Keep,
            "exclude" => Financials::Exclude,
            "apart" => Financials::Apart,
            _ => Financials::Auto,
        };
    }
    // The project's files with their mappings, the files given, or the sample.
    let source = match project {
        Some(project) => Some((project.dataset.name, project.dataset.files)),
        None if a.data.is_empty() => None,
        None => {
            let files = a.data.iter().map(|p| SourceFile {
                path: p.clone(),
                options: LoadOptions::default(),
            });
            Some((data::name_of(&a.data), files.collect()))
        }
    };
    let ds = if let Some((name, files)) = source {
        let (ds, skipped) = Dataset::load(&name, &files)?;
        // A file of a folder that fails is left out, as in the window, and said.
        for e in &skipped {
            let e = e.text();
            note(bi!(
                lang(),
                "left out of its folder: {e}",
                "已从其文件夹中略去：{e}"
            ));
        }
        // What each table was read as, and whether its load report has findings.
        for r in ds.reports() {
            let file = data::file_name(std::path::Path::new(&r.file));
            let kind = data::error::kind_name(r.kind, lang());
            let (kept, read, w) = (r.rows_kept, r.rows_read, r.warning_count());
            note(bi!(
                lang(),
                "{file}: {kind}, {kept} rows kept of {read}, {w} finding(s) in its load report (halo-workbench inspect)",
                "{file}：{kind}，保留 {kept} 行，共读取 {read} 行，载入报告中有 {w} 项发现（halo-workbench inspect）"
            ));
        }
        ds
    } else {
        data::load_sample()?
    };
    Ok((settings, ds))
}

/// Settings, data, and the pipeline over the data: what every analysis command runs on.
fn pipeline(run: &RunArgs) -> Result<(Settings, Dataset, Pipeline), CliError> {
    let (settings, ds) = prepare_run(run)?;
    let p = Pipeline::from_dataset(&ds)?;
    // What a user's attributes table matched (the sample's always matches).
    if (!run.data.is_empty() || run.project.is_some())
        && let Some(j) = &p.inputs().attributes
    {
        let file = data::file_name(std::path::Path::new(&j.file));
        let text = j.text();
        note(crate::bi!(lang(), "{file}: {text}", "{file}：{text}"));
    }
    Ok((settings, ds, p))
}

/// The scoring run's one-line summary and its notes, on standard error.
fn score_summary(ds: &Dataset, s: &Scored) {
    let sc = &s.scores;
    let (name, as_of) = (&ds.name, sc.as_of);
    let (scored, total) = (
        sc.included.iter().filter(|x| **x).count(),
        sc.included.len(),
    );
    let (basket, anti) = (sc.basket.members.len(), sc.anti.members.len());
    eprintln!(
        "{}",
        bi!(
            lang(),
            "{name}: as of {as_of}, {scored} of {total} securities scored, HALO basket {basket} names, anti-HALO {anti}",
            "{name}：截至 {as_of}，{total} 只证券中 {scored} 只计分，HALO 篮子 {basket} 只，反 HALO {anti} 只"
        )
    );
    for n in &sc.notes {
        note(n.text());
    }
    if scored == 0 {
        // Why, from the first few securities (the output file has every one).
        let mut reasons: Vec<String> = sc.exclusion.iter().flatten().map(|e| e.text()).collect();
        reasons.dedup();
        for r in reasons.iter().take(3) {
            note(r.clone());
        }
    }
}

fn score(a: ScoreArgs) -> Result<(), CliError> {
    let (settings, ds, mut p) = pipeline(&a.run)?;
    let s = p.score(&settings)?;
    score_summary(&ds, &s);
    match &a.out {
        Some(path) => {
            let table = crate::engine::score::scores_frame(&s.prep, &s.scores)
                .map_err(|e| ExportError::Encode(e.to_string()))?;
            export::write_table(&table, path)?;
            let (rows, file) = (table.height(), path.display());
            eprintln!(
                "{}",
                bi!(
                    lang(),
                    "wrote {rows} rows to {file}",
                    "已写入 {rows} 行到 {file}"
                )
            );
        }
        None => print_ranking(&s, a.top),
    }
    let total = s.scores.included.len();
    if !s.scores.included.iter().any(|x| *x) {
        return Err(CliError::NothingScored { total });
    }
    Ok(())
}

fn print_ranking(s: &Scored, top: usize) {
    let (cs, sc) = (&s.prep.cs, &s.scores);
    let mut order: Vec<usize> = (0..cs.len()).filter(|&i| sc.rank[i] > 0).collect();
    order.sort_by_key(|&i| sc.rank[i]);
    let heads: [&str; 10] = match lang() {
        Lang::En => [
            "rank", "ticker", "name", "sector", "HALO", "heavy", "lowobs", "supply", "cash",
            "weight",
        ],
        Lang::Zh => [
            "排名",
            "代码",
            "名称",
            "行业",
            "HALO",
            "重资产",
            "低淘汰",
            "供给",
            "现金流",
            "权重",
        ],
    };
    // Padded by display width: Chinese names and headers take two columns a character.
    // The tickers' column is as wide as the widest printed (000333.SZ, "AAPL US Equity").
    let shown = || order.iter().take(top);
    let ticker = shown()
        .map(|&i| unicode_width::UnicodeWidthStr::width(cs.tickers[i].as_str()))
        .fold(8, usize::max);
    let widths = [4, ticker, 28, 24, 6, 6, 6, 6, 6, 7];
    let row = |cells: [String; 10]| {
        let left = |k: usize| (1..=3).contains(&k);
        let line: Vec<String> = cells
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(k, (c, w))| {
                let align = if left(k) { Align::Left } else { Align::Right };
                pad(c, w, align)
            })
            .collect();
        // Two spaces after the rank, as before.
        format!("{}  {}", line[0], line[1..].join(" "))
    };
    out!("{}", row(heads.map(String::from)));
    for &i in shown() {
        let p = |k: usize| format!("{:.2}", sc.pillars[k][i]);
        out!(
            "{}",
            row([
                sc.rank[i].to_string(),
                cs.tickers[i].clone(),
                clip(&cs.names[i], 28),
                clip(&cs.sectors[i], 24),
                format!("{:.2}", sc.halo[i]),
                p(0),
                p(1),
                p(2),
                p(3),
                format!("{:.2}%", sc.basket.weights[i] * 100.0),
            ])
        );
    }
}

fn sectors(a: SectorsArgs) -> Result<(), CliError> {
    let (mut settings, ds, mut p) = pipeline(&a.run)?;
    if let Some(w) = &a.weighting {
        settings.analytics.group_weighting = if w == "equal" {
            GroupWeighting::Equal
        } else {
            GroupWeighting::Cap
        };
    }
    if let Some(d) = date_arg(&a.from, "--from")? {
        settings.analytics.window_from = Some(d);
    }
    if let Some(d) = date_arg(&a.to, "--to")? {
        settings.analytics.window_to = Some(d);
    }
    let s = p.score(&settings)?;
    let perf = p.sectors(&settings, &s)?;
    let (name, from, to) = (&ds.name, perf.from, perf.to);
    let (pf, pt) = (perf.priced_from, perf.priced_to);
    eprintln!(
        "{}",
        bi!(
            lang(),
            "{name}: {from} to {to}, on the prices of {pf} and {pt}",
            "{name}：{from} 至 {to}，按 {pf} 与 {pt} 的价格计算"
        )
    );
    for n in &perf.notes {
        note(n.text());
    }
    let mut perf = perf;
    perf.groups.sort_by(|x, y| y.total.total_cmp(&x.total));
    match &a.out {
        Some(path) => export::write_table(&export::sectors_table(&perf)?, path)?,
        None => {
            for g in &perf.groups {
                let names = g.members;
                let noun = plural(names, "name", "names");
                let members = bi!(lang(), "{names} {noun}", "{names} 只");
                out!(
                    "{} {:>8.2}%  {} {}",
                    pad(&g.id.text(), 32, Align::Left),
                    g.total * 100.0,
                    pad(&g.weighting.text(), 14, Align::Left),
                    pad(&members, 10, Align::Right),
                );
            }
        }
    }
    Ok(())
}

fn write_json(value: &impl serde::Serialize, out: &Option<PathBuf>) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError::Json(e.to_string()))?;
    match out {
        Some(p) => crate::atomic::write_atomic(p, text.as_bytes())
            .map_err(|e| CliError::Export(ExportError::write(p, e))),
        None => {
            out!("{text}");
            Ok(())
        }
    }
}

fn exposures(a: OutArgs) -> Result<(), CliError> {
    let (settings, _ds, mut p) = pipeline(&a.run)?;
    let s = p.score(&settings)?;
    let rep = p.exposures(&settings, &s);
    for n in &rep.notes {
        note(n.text());
    }
    if let Some(e) = &rep.regression_error {
        let e = e.text();
        note(bi!(
            lang(),
            "no return-based regression: {e}",
            "没有基于收益率的回归：{e}"
        ));
    }
    write_json(&rep, &a.out)
}

fn scenario(a: ScenarioArgs) -> Result<(), CliError> {
    let (settings, _ds, mut p) = pipeline(&a.run)?;
    let s = p.score(&settings)?;
    let library = scenario_list(&settings);
    let list: Vec<_> = match (&a.name, a.all) {
        (Some(n), _) => {
            let sc = library
                .iter()
                .find(|s| &s.name == n)
                .ok_or_else(|| CliError::NoScenario {
                    name: n.clone(),
                    available: library.iter().map(|s| s.name.clone()).collect(),
                })?;
            vec![sc.clone()]
        }
        (None, true) => library,
        (None, false) => return Err(CliError::WhichScenario),
    };
    let outcomes = p.scenarios(&settings, &s, &list);
    let mut failed = 0;
    for e in outcomes.iter().filter_map(|o| o.as_ref().err()) {
        failed += 1;
        eprintln!("{}: {}", error_word(), e.text());
    }
    let df = export::scenario_table(outcomes.iter().flatten())?;
    match &a.out {
        Some(path) => export::write_table(&df, path)?,
        None => out!("{df}"),
    }
    if failed > 0 {
        return Err(CliError::ScenariosFailed { count: failed });
    }
    Ok(())
}

fn backtest(a: OutArgs) -> Result<(), CliError> {
    let (settings, ds, mut p) = pipeline(&a.run)?;
    let (h, r) = p.backtest_with_history(&settings)?;
    let (name, n) = (&ds.name, r.dates.len());
    let first = r.dates.first().map(|d| d.to_string()).unwrap_or_default();
    let last = r.dates.last().map(|d| d.to_string()).unwrap_or_default();
    let (ic, t, q, spread, se) = (
        r.ic_mean,
        r.ic_t,
        settings.analytics.quantiles,
        r.spread_mean,
        r.spread_se,
    );
    eprintln!(
        "{}",
        bi!(
            lang(),
            "{name}: {n} rebalances {first} to {last}, IC mean {ic:.4} (t {t:.2}), Q{q}-Q1 spread {spread:.4} (se {se:.4}); survivorship-biased prices overstate returns",
            "{name}：{n} 次调仓，{first} 至 {last}，IC 均值 {ic:.4}（t {t:.2}），Q{q}-Q1 价差 {spread:.4}（标准误 {se:.4}）；存在幸存者偏差的价格会高估收益"
        )
    );
    for (d, why) in &r.skipped {
        let why = why.text();
        note(bi!(lang(), "{d} left out: {why}", "{d} 被略去：{why}"));
    }
    if let Some(t) = &r.trading {
        for line in crate::engine::trading::lines(t, lang()) {
            note(line);
        }
    }
    for line in crate::engine::backtest::horizon_lines(&r, q, lang()) {
        eprintln!("{line}");
    }
    let Some(dir) = &a.out else {
        for s in &r.series {
            let (cum, cagr, sharpe, dd) = (
                s.stats.cumulative_return * 100.0,
                s.stats.cagr * 100.0,
                s.stats.sharpe,
                s.stats.max_drawdown * 100.0,
            );
            // Padded by display width ("HALO 篮子" is wider than its characters).
            let id = pad(&s.id.text(), 16, Align::Left);
            out!(
                "{}",
                bi!(
                    lang(),
                    "{id} cumulative {cum:>8.2}%  CAGR {cagr:>7.2}%  Sharpe {sharpe:>6.2}  max DD {dd:>7.2}%",
                    "{id} 累计 {cum:>8.2}%  年化 {cagr:>7.2}%  夏普 {sharpe:>6.2}  最大回撤 {dd:>7.2}%"
                )
            );
        }
        return Ok(());
    };
    // The four files are written as one set: a reader never finds two runs mixed.
    let names = [
        "panel.csv",
        "quantile_returns.csv",
        "ic.csv",
        "horizons.csv",
        "horizon_quantile_returns.csv",
        "summary.json",
    ];
    let set = output_set(dir, &names)?;
    let encode = |e: polars::prelude::PolarsError| ExportError::Encode(e.to_string());
    let tickers = &p.inputs().panel.tickers;
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
    )
    .map_err(encode)?;
    export::write_table(&panel, &set.path("panel.csv"))?;
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
    )
    .map_err(encode)?;
    export::write_table(&qdf, &set.path("quantile_returns.csv"))?;
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
    )
    .map_err(encode)?;
    export::write_table(&ic, &set.path("ic.csv"))?;
    let (horizons, horizon_quantiles) = export::horizon_tables(&r.horizons)?;
    export::write_table(&horizons, &set.path("horizons.csv"))?;
    export::write_table(
        &horizon_quantiles,
        &set.path("horizon_quantile_returns.csv"),
    )?;
    let series: serde_json::Map<String, serde_json::Value> = r
        .series
        .iter()
        .map(|s| {
            (
                s.id.to_string(),
                serde_json::to_value(&s.stats).unwrap_or_default(),
            )
        })
        .collect();
    let summary = serde_json::json!({
        "ic_mean": r.ic_mean, "ic_std": r.ic_std, "ic_ir": r.ic_ir, "ic_t": r.ic_t, "ic_positive": r.ic_positive,
        "spread_mean": r.spread_mean, "spread_se": r.spread_se,
        "periods_per_year": r.periods_per_year, "rebalances": r.dates.len(),
        "series": series,
        "trading_rules": r.trading,
        "horizons": r.horizons.iter().map(|(months, h)| match h {
            Ok(h) => serde_json::to_value(h).unwrap_or_default(),
            Err(e) => serde_json::json!({ "months": months, "error": e.to_string() }),
        }).collect::<Vec<_>>(),
    });
    write_json(&summary, &Some(set.path("summary.json")))?;
    commit_set(set, dir, &names)
}

/// A folder's output files, written as one set (a reader never finds two runs mixed).
fn output_set(dir: &Path, names: &[&str]) -> Result<crate::atomic::FolderSet, CliError> {
    crate::atomic::FolderSet::new(dir, names).map_err(|e| match e {
        crate::atomic::SetError::Foreign { file } => CliError::FolderInUse {
            path: dir.display().to_string(),
            file: file.display().to_string(),
        },
        crate::atomic::SetError::Io(e) => CliError::CreateDir {
            path: dir.display().to_string(),
            error: e.into(),
        },
    })
}

/// Put a set's files in place, and say so.
fn commit_set(set: crate::atomic::FolderSet, dir: &Path, names: &[&str]) -> Result<(), CliError> {
    set.commit().map_err(|e| CliError::CreateDir {
        path: dir.display().to_string(),
        error: e.into(),
    })?;
    let (d, en, zh) = (dir.display(), names.join(", "), names.join("、"));
    eprintln!("{}", bi!(lang(), "wrote {en} to {d}", "已将 {zh} 写入 {d}"));
    Ok(())
}

fn sensitivity(a: SensitivityArgs) -> Result<(), CliError> {
    use crate::engine::sensitivity::{SweepSpec, sweep};
    let (settings, ds, mut p) = pipeline(&a.run)?;
    let spec = SweepSpec {
        max: a.max,
        steps: a.steps,
        metrics: a.metrics,
    };
    let t0 = std::time::Instant::now();
    let sw = sweep(&mut p, &settings, spec, &mut |_| true)?;
    let secs = t0.elapsed().as_secs_f64();
    let (name, n) = (&ds.name, sw.points.len());
    let (also, also_zh) = if a.metrics {
        (
            " (and each metric's within its pillar)",
            "（及各指标在其支柱内的权重）",
        )
    } else {
        ("", "")
    };
    eprintln!(
        "{}",
        bi!(
            lang(),
            "{name}: {n} settings in {secs:.2} s; each pillar's weight swept{also}, the others held as the settings give them",
            "{name}：{n} 组设置，用时 {secs:.2} 秒；逐一扫描各支柱权重{also_zh}，其余权重保持设置中的值"
        )
    );
    let rows = export::SweepRows::new(&sw, lang());
    let (cols, notes, heads) = (&rows.cols, &rows.notes, export::SweepRows::HEADS);
    let tickers = &p.inputs().panel.tickers;
    let Some(dir) = &a.out else {
        // (The last column, rebalances, is a count.)
        let cell = |k: usize, v: Option<f64>| {
            let digits = if k + 1 == heads.len() { 0 } else { 4 };
            v.map(|v| format!("{v:.digits$}")).unwrap_or_default()
        };
        let zh = lang() == Lang::Zh;
        let label = |en: &'static str, cn: &'static str| if zh { cn } else { en };
        let printed = [
            label("names kept", "留存名称"),
            label("weight kept", "留存权重"),
            label("HALO - bench", "HALO 减基准"),
            label("IC mean", "IC 均值"),
            label("IC t", "IC t 值"),
            label("spread", "价差"),
            label("rebalances", "调仓次数"),
        ];
        out!(
            "{} {} {} {}  {}",
            pad(label("pillar", "支柱"), 20, Align::Left),
            pad(label("weight", "权重"), 6, Align::Right),
            pad(label("current", "当前"), 7, Align::Right),
            printed.map(|h| pad(h, 12, Align::Right)).join(" "),
            label("note", "说明")
        );
        for (k, x) in sw.points.iter().enumerate() {
            let nums: Vec<String> = cols
                .iter()
                .enumerate()
                .map(|(j, c)| format!("{:>12}", cell(j, c[k])))
                .collect();
            out!(
                "{} {:>6.2} {:>7} {}  {}",
                pad(
                    &crate::app::panes::sensitivity::line_label(x),
                    20,
                    Align::Left
                ),
                x.weight,
                if x.current { "*" } else { "" },
                nums.join(" "),
                notes[k]
            );
        }
        for (s, share) in &sw.stability {
            let (t, pct) = (&tickers[*s], share * 100.0);
            out!(
                "{}",
                bi!(
                    lang(),
                    "{t:<12} in the basket in {pct:.0}% of the settings",
                    "{t:<12} 在 {pct:.0}% 的设置中留在篮子里"
                )
            );
        }
        return Ok(());
    };
    let encode = |e: polars::prelude::PolarsError| ExportError::Encode(e.to_string());
    let names = ["sensitivity.csv", "stability.csv"];
    let set = output_set(dir, &names)?;
    export::write_table(&rows.table(&sw)?, &set.path("sensitivity.csv"))?;
    let stability = DataFrame::new(
        sw.stability.len(),
        vec![
            Column::new(
                "ticker".into(),
                sw.stability
                    .iter()
                    .map(|(s, _)| tickers[*s].clone())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "share_of_settings".into(),
                sw.stability.iter().map(|(_, x)| *x).collect::<Vec<_>>(),
            ),
        ],
    )
    .map_err(encode)?;
    export::write_table(&stability, &set.path("stability.csv"))?;
    commit_set(set, dir, &names)
}

fn export_figure(a: ExportArgs) -> Result<(), CliError> {
    use crate::app::figure::{Figure, FigureRequest, export, project_scene};
    let scale = a.scale.unwrap_or(2.0);
    if ![1.0, 2.0, 3.0].contains(&scale) {
        return Err(ExportError::BadScale { scale }.into());
    }
    let figure = Figure::parse(&a.chart)?;
    // A name that says no format is refused before anything is computed.
    let format = crate::app::figure::Format::of(&a.out)?;
    if a.scale.is_some() && format != crate::app::figure::Format::Png {
        eprintln!(
            "{}",
            bi!(
                lang(),
                "note: --scale is a PNG's pixels per point; an SVG or PDF is vectors and takes none",
                "注意：--scale 是 PNG 的每点像素数；SVG 与 PDF 为矢量图，不使用它"
            )
        );
    }
    let t0 = std::time::Instant::now();
    // The sensitivity figure is the weight sweep's: run it, as the pane's tick would.
    let sweep = figure == Figure::Chart(crate::app::Pane::Sensitivity);
    let scene = project_scene(a.project.as_deref(), a.scenario.clone(), sweep, lang())?;
    let w = export(
        &scene,
        &FigureRequest {
            figure,
            scale,
            dark: a.theme == "dark",
        },
        &a.out,
    )?;
    let (figure, extent) = (w.figure.display(), w.extent.localize(lang()));
    let csv = w
        .csv
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let secs = t0.elapsed().as_secs_f64();
    eprintln!(
        "{}",
        bi!(
            lang(),
            "wrote {figure} ({extent}) and {csv} in {secs:.2} s",
            "已写入 {figure}（{extent}）和 {csv}，用时 {secs:.2} 秒"
        )
    );
    Ok(())
}

fn export_deck(a: DeckArgs) -> Result<(), CliError> {
    use crate::app::figure::{deck_path, export_deck, project_scene};
    deck_path(&a.out)?;
    let t0 = std::time::Instant::now();
    let scene = project_scene(a.project.as_deref(), a.scenario.clone(), a.sweep, lang())?;
    let w = export_deck(&scene, a.theme == "dark", &a.out)?;
    for (p, e) in &w.not_drawn {
        let (title, why) = (p.title(), e.localize(lang()));
        eprintln!(
            "{}",
            bi!(
                lang(),
                "note: {title} is not drawn on this data (its page says why): {why}",
                "注意：{title} 在此数据上无法绘制（其页面说明原因）：{why}"
            )
        );
    }
    let (pdf, folder, pages) = (w.pdf.display(), w.folder.display(), w.pages);
    let secs = t0.elapsed().as_secs_f64();
    eprintln!(
        "{}",
        bi!(
            lang(),
            "wrote {pdf} ({pages} pages) and its pages as PNG in {folder} in {secs:.2} s",
            "已写入 {pdf}（{pages} 页），其各页 PNG 在 {folder}，用时 {secs:.2} 秒"
        )
    );
    Ok(())
}
