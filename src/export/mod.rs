//! Writing results: tables as CSV or Parquet (atomic writes), with text cells made safe
//! for spreadsheets, and why an output could not be written.

use std::path::Path;

use polars::prelude::{
    Column, CsvWriter, DataFrame, DataType, IntoColumn, ParquetCompression, ParquetWriter,
    SerWriter, StringChunked,
};

use crate::atomic::write_atomic;
use crate::bi;
use crate::data::error::IoFailure;
use crate::engine::EngineError;
use crate::engine::backtest::{HorizonStat, QuantileStat};
use crate::engine::notes::SeriesId;
use crate::engine::scenarios::Outcome;
use crate::engine::sectors::SectorPerformance;
use crate::engine::sensitivity::Sweep;
use crate::i18n::{Lang, Localize};

/// Why a figure could not be exported.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportError {
    /// No results are on screen yet.
    NoResults,
    /// The chart's own result could not be computed.
    Chart(EngineError),
    BacktestNotReady,
    /// The sensitivity figure asked for, and no weight sweep has finished.
    SweepNotReady,
    /// The renderer failed (its own message).
    Render(String),
    /// The image or table could not be encoded (the encoder's message).
    Encode(String),
    Write {
        path: String,
        error: IoFailure,
    },
    /// The folder a file was to be written in does not exist.
    NoFolder {
        path: String,
        folder: String,
    },
    UnknownChart {
        name: String,
        charts: Vec<String>,
    },
    NoScenario {
        name: String,
        available: Vec<String>,
    },
    UnknownFormat {
        path: String,
        extension: String,
    },
    BadScale {
        scale: f32,
    },
    /// A figure's file name ends in neither .png, .svg nor .pdf.
    UnknownFigureFormat {
        path: String,
        extension: String,
    },
    /// A deck is written as PDF, and its name says otherwise.
    DeckNotPdf {
        path: String,
    },
    /// A figure holds something a vector format cannot.
    NotVector(Unvectorizable),
    /// One of the bundled fonts could not be read for a vector figure.
    FontUnreadable {
        font: String,
    },
    /// A deck's page folder holds files that are not a deck's pages.
    DeckFolderInUse {
        folder: String,
        file: String,
    },
}

/// What a figure may hold that cannot be written as vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unvectorizable {
    /// A picture (a textured shape).
    Image,
    /// Custom GPU drawing.
    Callback,
}

impl Localize for ExportError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            ExportError::NoResults => bi!(
                lang,
                "no results to draw: is a fundamentals table loaded?",
                "没有可绘制的结果：是否已载入基本面表？"
            ),
            ExportError::Chart(e) => e.localize(lang),
            ExportError::SweepNotReady => bi!(
                lang,
                "the weight sweep has not finished: tick \"Sweep the pillar weights\" in the sensitivity pane and wait for it",
                "权重扫描尚未完成：请在敏感性窗格勾选“扫描支柱权重”并等待其完成"
            ),
            ExportError::BacktestNotReady => {
                bi!(lang, "the backtest is not ready yet", "回测尚未完成")
            }
            ExportError::Render(e) => bi!(lang, "rendering failed: {e}", "渲染失败：{e}"),
            ExportError::Encode(e) => bi!(lang, "encoding failed: {e}", "编码失败：{e}"),
            ExportError::Write { path, error } => {
                let e = error.localize(lang);
                bi!(lang, "{path}: cannot write: {e}", "{path}：无法写入：{e}")
            }
            ExportError::NoFolder { path, folder } => bi!(
                lang,
                "{path}: cannot write: the folder {folder} does not exist (create it, or name another)",
                "{path}：无法写入：文件夹 {folder} 不存在（请先创建，或另选文件夹）"
            ),
            ExportError::UnknownChart { name, charts } => {
                let list = charts.join(", ");
                bi!(
                    lang,
                    "no chart named {name:?}; charts: {list}",
                    "没有名为 {name:?} 的图表；可选：{list}"
                )
            }
            ExportError::UnknownFormat { path, extension } => bi!(
                lang,
                "{path}: unknown output format {extension:?}; use .csv or .parquet",
                "{path}：未知的输出格式 {extension:?}；请使用 .csv 或 .parquet"
            ),
            ExportError::NoScenario { name, available } => {
                let list = available.join("; ");
                bi!(
                    lang,
                    "no scenario named {name:?}; there are: {list}",
                    "没有名为 {name:?} 的情景；现有：{list}"
                )
            }
            ExportError::BadScale { scale } => bi!(
                lang,
                "the scale must be 1, 2 or 3 (not {scale})",
                "倍率必须为 1、2 或 3（而不是 {scale}）"
            ),
            ExportError::UnknownFigureFormat { path, extension } if extension.is_empty() => {
                bi!(
                    lang,
                    "{path}: the name says no format; end it in .png, .svg or .pdf",
                    "{path}：文件名未指明格式；请以 .png、.svg 或 .pdf 结尾"
                )
            }
            ExportError::UnknownFigureFormat { path, extension } => bi!(
                lang,
                "{path}: unknown figure format {extension:?}; use .png, .svg or .pdf",
                "{path}：未知的图像格式 {extension:?}；请使用 .png、.svg 或 .pdf"
            ),
            ExportError::DeckNotPdf { path } => bi!(
                lang,
                "{path}: a deck is written as one PDF; name it .pdf",
                "{path}：简报写为一个 PDF 文件；请以 .pdf 命名"
            ),
            ExportError::FontUnreadable { font } => bi!(
                lang,
                "the bundled font {font} could not be read for the vector figure; export it as PNG",
                "无法读取内置字体 {font} 以生成矢量图；请导出为 PNG"
            ),
            ExportError::DeckFolderInUse { folder, file } => bi!(
                lang,
                "{folder}: holds {file}, which is not a page of a deck: the deck's pages would replace the folder; name the deck otherwise",
                "{folder}：含有 {file}，它不是简报的页面；简报的页面会替换该文件夹；请为简报另取名称"
            ),
            ExportError::NotVector(what) => match what {
                Unvectorizable::Image => bi!(
                    lang,
                    "the figure holds a picture, which SVG and PDF export cannot write as vectors; export it as PNG",
                    "图中含有图片，SVG 与 PDF 导出无法将其写为矢量；请导出为 PNG"
                ),
                Unvectorizable::Callback => bi!(
                    lang,
                    "the figure holds custom GPU drawing, which SVG and PDF export cannot write; export it as PNG",
                    "图中含有自定义 GPU 绘制，SVG 与 PDF 导出无法写出；请导出为 PNG"
                ),
            },
        }
    }
}

crate::english_display!(ExportError);

impl std::error::Error for ExportError {}

/// A weight sweep's rows: per setting, its numbers (empty where they could not be
/// computed) and the reasons, in a language. One table for the command line's print and
/// CSV and the sensitivity figure's CSV.
pub struct SweepRows {
    /// In the order of [`Self::HEADS`].
    pub cols: [Vec<Option<f64>>; 7],
    pub notes: Vec<String>,
}

impl SweepRows {
    pub const HEADS: [&'static str; 7] = [
        "names_kept",
        "weight_kept",
        "halo_minus_benchmark",
        "ic_mean",
        "ic_t",
        "spread",
        "rebalances",
    ];

    pub fn new(sw: &Sweep, lang: Lang) -> SweepRows {
        let err = |e: &EngineError| e.localize(lang);
        let mut cols: [Vec<Option<f64>>; 7] = Default::default();
        let mut notes = Vec::new();
        for x in &sw.points {
            let mut why = Vec::new();
            let mut cells = [None; 7];
            match &x.outcome {
                Err(e) => why.push(err(e)),
                Ok(o) => {
                    cells[0] = Some(o.names_kept);
                    cells[1] = Some(o.weight_kept);
                    match &o.halo_minus_benchmark {
                        Ok(v) => cells[2] = Some(*v),
                        Err(e) => why.push(err(e)),
                    }
                    match &o.backtest {
                        Ok(b) => {
                            cells[3..].copy_from_slice(&[
                                Some(b.ic_mean),
                                Some(b.ic_t),
                                Some(b.spread),
                                Some(b.rebalances as f64),
                            ]);
                        }
                        Err(e) => why.push(err(e)),
                    }
                }
            }
            for (c, v) in cols.iter_mut().zip(cells) {
                c.push(v);
            }
            // (A reason both parts give, no prices for example, is said once.)
            why.dedup();
            let sep = match lang {
                Lang::En => "; ",
                Lang::Zh => "；",
            };
            notes.push(why.join(sep));
        }
        SweepRows { cols, notes }
    }

    /// As a table: pillar, metric, weight, current, the numbers, note.
    pub fn table(&self, sw: &Sweep) -> Result<DataFrame, ExportError> {
        let mut columns = vec![
            Column::new(
                "pillar".into(),
                sw.points.iter().map(|x| x.pillar.id()).collect::<Vec<_>>(),
            ),
            // The metric swept within the pillar; empty on the pillar's own rows.
            Column::new(
                "metric".into(),
                sw.points
                    .iter()
                    .map(|x| x.metric.clone().unwrap_or_default())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "weight".into(),
                sw.points.iter().map(|x| x.weight).collect::<Vec<_>>(),
            ),
            Column::new(
                "current".into(),
                sw.points.iter().map(|x| x.current).collect::<Vec<_>>(),
            ),
        ];
        columns.extend(
            Self::HEADS
                .iter()
                .zip(&self.cols)
                .map(|(h, c)| Column::new((*h).into(), c.clone())),
        );
        columns.push(Column::new("note".into(), self.notes.clone()));
        DataFrame::new(sw.points.len(), columns).map_err(|e| ExportError::Encode(e.to_string()))
    }
}

/// A text cell a spreadsheet would run as a formula (= + - @, and tab / carriage return
/// that some import as one) gets a leading apostrophe, as OWASP recommends for CSV.
pub fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

fn sanitized(df: &DataFrame) -> polars::prelude::PolarsResult<DataFrame> {
    let mut out = df.clone();
    for c in df.columns() {
        if c.dtype() == &DataType::String {
            let ca: StringChunked = c
                .str()?
                .iter()
                .map(|v| v.map(|s| csv_safe(s).into_owned()))
                .collect();
            out.replace(
                c.name().as_str(),
                ca.with_name(c.name().clone()).into_column(),
            )?;
        }
    }
    // Headers are cells too (a sector named "=1+1" becomes a column of `scenario --out`).
    let names: Vec<String> = out
        .get_column_names()
        .iter()
        .map(|n| csv_safe(n.as_str()).into_owned())
        .collect();
    out.set_column_names(&names)?;
    Ok(out)
}

impl ExportError {
    /// Why `path` could not be written: its folder is missing, or the system's error.
    pub fn write(path: &Path, e: std::io::Error) -> ExportError {
        let folder = path.parent().filter(|f| !f.as_os_str().is_empty());
        match folder {
            Some(f) if e.kind() == std::io::ErrorKind::NotFound && !f.is_dir() => {
                ExportError::NoFolder {
                    path: path.display().to_string(),
                    folder: f.display().to_string(),
                }
            }
            _ => ExportError::Write {
                path: path.display().to_string(),
                error: e.into(),
            },
        }
    }
}

/// Write `df` to `path` as CSV or Parquet (by extension), atomically.
pub fn write_table(df: &DataFrame, path: &Path) -> Result<(), ExportError> {
    let buf = table_bytes(df, path)?;
    write_atomic(path, &buf).map_err(|e| ExportError::write(path, e))
}

/// The UTF-8 byte order mark a CSV starts with: Excel takes a file without one for the
/// system's code page (GBK on a Chinese Windows) and shows its Chinese text garbled.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A table encoded as `path`'s extension says: CSV safe for spreadsheets (UTF-8 with its
/// byte order mark, which pandas, polars and this workbench's loader read as plain
/// UTF-8), or Parquet.
pub fn table_bytes(df: &DataFrame, path: &Path) -> Result<Vec<u8>, ExportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut buf = Vec::new();
    match ext.as_str() {
        "csv" => CsvWriter::new({
            buf.extend_from_slice(UTF8_BOM);
            &mut buf
        })
        .finish(&mut sanitized(df).map_err(encode)?)
        .map_err(encode)?,
        "parquet" => {
            ParquetWriter::new(&mut buf)
                .with_compression(ParquetCompression::Zstd(None))
                .finish(&mut df.clone())
                .map_err(encode)?;
        }
        other => {
            return Err(ExportError::UnknownFormat {
                path: path.display().to_string(),
                extension: other.to_string(),
            });
        }
    }
    Ok(buf)
}

fn encode(e: polars::prelude::PolarsError) -> ExportError {
    ExportError::Encode(e.to_string())
}

/// Sector performance: each group's total return, how it was weighted, its names.
pub fn sectors_table(p: &SectorPerformance) -> Result<DataFrame, ExportError> {
    let g = &p.groups;
    DataFrame::new(
        g.len(),
        vec![
            Column::new(
                "group".into(),
                g.iter().map(|x| x.id.to_string()).collect::<Vec<_>>(),
            ),
            Column::new(
                "return".into(),
                g.iter().map(|x| x.total).collect::<Vec<_>>(),
            ),
            Column::new(
                "weighting".into(),
                g.iter().map(|x| x.weighting.id()).collect::<Vec<_>>(),
            ),
            Column::new(
                "members".into(),
                g.iter().map(|x| x.members as u64).collect::<Vec<_>>(),
            ),
            // The prices the returns were measured on: the dates actually used.
            Column::new(
                "priced_from".into(),
                vec![p.priced_from.to_string(); g.len()],
            ),
            Column::new("priced_to".into(), vec![p.priced_to.to_string(); g.len()]),
        ],
    )
    .map_err(encode)
}

/// Cumulative returns by date: a `date` column, then `<series> cumulative` per series.
pub fn cumulative_table<'a>(
    dates: &[chrono::NaiveDate],
    series: impl Iterator<Item = (&'a SeriesId, &'a [f64])>,
) -> Result<DataFrame, ExportError> {
    let mut cols = vec![Column::new(
        "date".into(),
        dates.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
    )];
    for (id, c) in series {
        cols.push(Column::new(format!("{id} cumulative").into(), c.to_vec()));
    }
    DataFrame::new(dates.len(), cols).map_err(encode)
}

/// Scenario outcomes: one row per (scenario, portfolio) with its return and one column per
/// sector's contribution (the contributions of a row add up to its return).
pub fn scenario_table<'a>(
    outcomes: impl Iterator<Item = &'a Outcome> + Clone,
) -> Result<DataFrame, ExportError> {
    let mut sectors: Vec<&String> = outcomes
        .clone()
        .flat_map(|o| o.portfolios.iter().flat_map(|p| p.contributions.keys()))
        .collect();
    sectors.sort();
    sectors.dedup();
    let (mut scen, mut port, mut ret) = (Vec::new(), Vec::new(), Vec::new());
    let mut contrib: Vec<Vec<f64>> = vec![Vec::new(); sectors.len()];
    for o in outcomes {
        for p in &o.portfolios {
            scen.push(o.scenario.clone());
            port.push(p.portfolio.to_string());
            ret.push(p.r#return);
            for (i, s) in sectors.iter().enumerate() {
                contrib[i].push(p.contributions.get(*s).copied().unwrap_or(0.0));
            }
        }
    }
    let n = scen.len();
    let mut cols = vec![
        Column::new("scenario".into(), scen),
        Column::new("portfolio".into(), port),
        Column::new("return".into(), ret),
    ];
    for (s, c) in sectors.iter().zip(contrib) {
        cols.push(Column::new(s.as_str().into(), c));
    }
    DataFrame::new(n, cols).map_err(encode)
}

/// The backtest at each forward horizon: one row per horizon (its IC, its spread per
/// month, and why it could not be measured when it could not), and one row per horizon
/// and quantile (the mean return per month).
pub fn horizon_tables(
    horizons: &[(u32, Result<HorizonStat, EngineError>)],
) -> Result<(DataFrame, DataFrame), ExportError> {
    let stat = |f: fn(&HorizonStat) -> f64| -> Vec<Option<f64>> {
        horizons
            .iter()
            .map(|(_, h)| h.as_ref().ok().map(f))
            .collect()
    };
    let months: Vec<u32> = horizons.iter().map(|(m, _)| *m).collect();
    let summary = DataFrame::new(
        horizons.len(),
        vec![
            Column::new("horizon_months".into(), months.clone()),
            Column::new(
                "dates".into(),
                horizons
                    .iter()
                    .map(|(_, h)| h.as_ref().ok().map(|h| h.dates as u64))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "past_prices".into(),
                horizons
                    .iter()
                    .map(|(_, h)| match h {
                        Ok(h) => Some(h.past_prices as u64),
                        Err(EngineError::NoHorizonDate { past_prices, .. }) => {
                            Some(*past_prices as u64)
                        }
                        Err(_) => None,
                    })
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "unmeasured".into(),
                horizons
                    .iter()
                    .map(|(_, h)| h.as_ref().ok().map(|h| h.unmeasured as u64))
                    .collect::<Vec<_>>(),
            ),
            Column::new("names_per_date".into(), stat(|h| h.names_per_date)),
            Column::new(
                "overlapping".into(),
                horizons
                    .iter()
                    .map(|(_, h)| h.as_ref().ok().map(|h| h.overlapping))
                    .collect::<Vec<_>>(),
            ),
            Column::new("ic_mean".into(), stat(|h| h.ic_mean)),
            Column::new("ic_std".into(), stat(|h| h.ic_std)),
            Column::new("ic_t".into(), stat(|h| h.ic_t)),
            Column::new("spread_per_month".into(), stat(|h| h.spread_mean)),
            Column::new("spread_se".into(), stat(|h| h.spread_se)),
            Column::new(
                "not_computed".into(),
                horizons
                    .iter()
                    .map(|(_, h)| h.as_ref().err().map(|e| e.text()))
                    .collect::<Vec<_>>(),
            ),
        ],
    )
    .map_err(encode)?;
    let rows: Vec<(u32, &QuantileStat)> = horizons
        .iter()
        .filter_map(|(_, h)| h.as_ref().ok())
        .flat_map(|h| h.quantiles.iter().map(move |q| (h.months, q)))
        .collect();
    let quantiles = DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                "horizon_months".into(),
                rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "quantile".into(),
                rows.iter()
                    .map(|r| u32::from(r.1.quantile))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "mean_return_per_month".into(),
                rows.iter().map(|r| r.1.mean_return).collect::<Vec<_>>(),
            ),
            Column::new(
                "std_error".into(),
                rows.iter().map(|r| r.1.std_error).collect::<Vec<_>>(),
            ),
            Column::new(
                "count".into(),
                rows.iter().map(|r| r.1.count as u64).collect::<Vec<_>>(),
            ),
        ],
    )
    .map_err(encode)?;
    Ok((summary, quantiles))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused_and_numbers_kept() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_safe("XOM US Equity"), "XOM US Equity");
        let df = DataFrame::new(
            2,
            vec![
                Column::new("name".into(), ["+cmd", "Exxon"]),
                Column::new("x".into(), [-1.5, 2.0]),
            ],
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        write_table(&df, &p).unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "\u{feff}name,x\n'+cmd,-1.5\nExxon,2.0\n"
        );
        // A header that is a formula is defused like a cell.
        let df = DataFrame::new(1, vec![Column::new("=1+1".into(), [0.5])]).unwrap();
        write_table(&df, &p).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "\u{feff}'=1+1\n0.5\n");
    }
}
