//! Loading users' files (CSV in UTF-8 or GBK, Parquet, .xlsx) into canonical tables,
//! with a load report that accounts for every row.

pub mod dates;
pub mod error;
pub mod footer;
pub mod memory;
pub mod normalize;
pub mod read;
pub mod report;
pub mod schema;

use std::path::{Path, PathBuf};

use read::{ColumnPlan, ReadFailure};

use serde::{Deserialize, Serialize};

pub use error::LoadError;
pub use normalize::Table;
pub use read::Progress;
pub use report::LoadReport;
pub use schema::{ColumnMapping, TableKind, Target};

/// How to load one file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadOptions {
    /// None: guess from the headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<TableKind>,
    #[serde(default)]
    pub mapping: ColumnMapping,
    /// Bytes of memory loading may use; None: what the system has available.
    #[serde(skip)]
    pub memory_budget: Option<u64>,
    /// Worksheet of an .xlsx file; None: the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The years a date of this file may have, first and last; None: 1900 to 2100. A date
    /// outside them (9999-12-31 for "open", 1900-01-00 from a spreadsheet) excludes its
    /// row with the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<[i32; 2]>,
}

impl LoadOptions {
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        let [a, b] = self.years.unwrap_or(dates::DEFAULT_YEARS);
        a..=b
    }
}

/// Load one file into a canonical table. Errors name the file and, where one applies,
/// the row and column.
pub fn load_file(path: &Path, opts: &LoadOptions) -> Result<Table, LoadError> {
    load_file_with_progress(path, opts, &Progress::default())
}

/// [`load_file`], reporting bytes read to `progress` (read from the UI thread).
pub fn load_file_with_progress(
    path: &Path,
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<Table, LoadError> {
    let len = read::check_file(path, opts.memory_budget)?;
    if is_parquet(path) {
        // Parquet on disk: read only the footer and the planned columns.
        let planner = |headers: &[String]| plan_columns(headers, opts);
        let raw = read::read_parquet_file(path, len, &planner, opts.memory_budget, progress)?;
        let kind = opts.kind.unwrap_or_else(|| guess_read_kind(&raw));
        return normalize::normalize(path, raw, kind, opts);
    }
    load_from(path, || read::open_file(path), Some(len), opts, progress)
}

fn is_parquet(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && &magic == b"PAR1"
}

/// Plan from the headers alone: unknown columns might be numbers, so they are read.
fn plan_columns(headers: &[String], opts: &LoadOptions) -> Vec<ColumnPlan> {
    let kind = opts.kind.unwrap_or_else(|| schema::guess_kind(headers));
    schema::resolve_columns(kind, headers, &vec![true; headers.len()], &opts.mapping)
        .iter()
        .map(|r| match &r.target {
            Target::Ignore => ColumnPlan::Skip,
            Target::Custom(_) => ColumnPlan::Number,
            Target::Field(id) => match schema::field(id).map(|f| f.ty) {
                Some(schema::FieldType::Text) => ColumnPlan::Text,
                Some(schema::FieldType::Date) => ColumnPlan::Date,
                _ => ColumnPlan::Number,
            },
        })
        .collect()
}

/// Load a file's bytes already in memory (`path` names it in messages).
pub fn load_bytes(path: &Path, bytes: &[u8], opts: &LoadOptions) -> Result<Table, LoadError> {
    load_from(
        path,
        || Ok(bytes),
        Some(bytes.len() as u64),
        opts,
        &Progress::default(),
    )
}

/// The one loading pipeline: plan the columns from the headers, read (streaming CSV), then
/// normalise. `open` is called again if a text file turns out not to be UTF-8 after all.
fn load_from<R: std::io::Read + Send>(
    path: &Path,
    open: impl Fn() -> Result<R, LoadError>,
    len: Option<u64>,
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<Table, LoadError> {
    let planner = |headers: &[String]| plan_columns(headers, opts);
    let file = path.display().to_string();
    let raw = match read::read_raw(
        &file,
        open()?,
        len,
        opts.sheet.as_deref(),
        &planner,
        opts.memory_budget,
        progress,
    ) {
        Ok(raw) => raw,
        Err(ReadFailure::Load(e)) => return Err(e),
        Err(ReadFailure::NotUtf8) => {
            let bytes = read::read_source(&file, open()?, len, progress)?;
            read::read_raw_decoded(&file, bytes, &planner)?
        }
    };
    let kind = opts.kind.unwrap_or_else(|| guess_read_kind(&raw));
    normalize::normalize(path, raw, kind, opts)
}

/// A file's kind from its headers, and from the lines above them: a title naming one
/// security makes a date-and-close file its prices, not a factor.
fn guess_read_kind(raw: &read::RawTable) -> TableKind {
    let named = raw.preamble.as_ref().is_some_and(|p| p.ticker.is_some());
    match schema::guess_kind(&raw.headers) {
        TableKind::Factors if named && schema::has_price(&raw.headers) => TableKind::Prices,
        k => k,
    }
}

/// The extensions of the files a folder is read for (not `.txt`: a folder's notes).
const DATA_EXTENSIONS: [&str; 4] = ["csv", "tsv", "parquet", "xlsx"];

/// A data file of a folder: by its extension, and not hidden (`.DS_Store`, macOS's `._`
/// copies) nor an Excel lock file (`~$prices.xlsx`).
fn is_folder_data_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    p.is_file()
        && !name.starts_with('.')
        && !name.starts_with("~$")
        && p.extension()
            .is_some_and(|x| DATA_EXTENSIONS.contains(&x.to_string_lossy().to_lowercase().as_str()))
}

/// `files` with each folder replaced by the data files directly in it, by name, each with
/// the folder's options. A folder without any is an error naming it.
pub fn expand_folders(files: &[SourceFile]) -> Result<Vec<SourceFile>, LoadError> {
    let mut out = Vec::new();
    for f in files {
        if !f.path.is_dir() {
            out.push(f.clone());
            continue;
        }
        let folder = f.path.display().to_string();
        let entries = std::fs::read_dir(&f.path).map_err(|e| LoadError::Io {
            file: folder.clone(),
            error: e.into(),
        })?;
        let mut inside: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| is_folder_data_file(p))
            .collect();
        if inside.is_empty() {
            return Err(LoadError::NoDataFiles { folder });
        }
        inside.sort();
        out.extend(inside.into_iter().map(|path| SourceFile {
            path,
            options: f.options.clone(),
        }));
    }
    Ok(out)
}

/// What loading a user's files gave.
#[derive(Default)]
pub struct FileLoads {
    pub tables: Vec<(SourceFile, Table)>,
    /// Files named that failed, and folders without data files.
    pub failed: Vec<LoadError>,
    /// Files found in a folder that failed: a folder of a hundred downloads is not lost to
    /// one bad file, and the failure is said.
    pub skipped: Vec<LoadError>,
}

/// Load each file, and each data file of each folder: the one rule of the window, the
/// command line and the headless export.
pub fn load_files(files: &[SourceFile], progress: &Progress) -> FileLoads {
    let mut out = FileLoads::default();
    for f in files {
        let in_folder = f.path.is_dir();
        let expanded = match expand_folders(std::slice::from_ref(f)) {
            Ok(v) => v,
            Err(e) => {
                out.failed.push(e);
                continue;
            }
        };
        for f in expanded {
            match load_file_with_progress(&f.path, &f.options, progress) {
                Ok(t) => out.tables.push((f, t)),
                Err(e) if in_folder => out.skipped.push(e),
                Err(e) => out.failed.push(e),
            }
        }
    }
    out
}

/// A file's name without its folder (the whole path when it has none).
pub fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// A dataset's name from its files: their names joined by " + ", or with more than three
/// the first and the last and how many there are.
pub fn name_of(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| file_name(p)).collect();
    match names.as_slice() {
        [first, .., last] if names.len() > 3 => format!("{first} … {last} ({})", names.len()),
        _ => names.join(" + "),
    }
}

/// The tables a session works on. Loading a file builds a new dataset; the one before is
/// replaced only when the load succeeds, so a bad file never loses what was loaded.
#[derive(Clone, Default)]
pub struct Dataset {
    pub name: String,
    pub fundamentals: Option<Table>,
    pub prices: Option<Table>,
    pub factors: Option<Table>,
    /// Lookup columns per ticker, industry or sector, joined onto the securities.
    pub attributes: Option<Table>,
    /// Where each table came from, for the project file.
    pub sources: Vec<SourceFile>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceFile {
    pub path: PathBuf,
    #[serde(flatten)]
    pub options: LoadOptions,
}

impl Dataset {
    pub fn table(&self, kind: TableKind) -> Option<&Table> {
        match kind {
            TableKind::Fundamentals => self.fundamentals.as_ref(),
            TableKind::Prices => self.prices.as_ref(),
            TableKind::Factors => self.factors.as_ref(),
            TableKind::Attributes => self.attributes.as_ref(),
        }
    }

    /// This dataset with the tables of one load in their slots: several files of one kind
    /// become one table ([`Table::combine`]), replacing the table of that kind before.
    pub fn with_tables(&self, loaded: Vec<(SourceFile, Table)>) -> Result<Dataset, LoadError> {
        let mut next = self.clone();
        for kind in TableKind::ALL {
            let (files, tables): (Vec<SourceFile>, Vec<Table>) = loaded
                .iter()
                .filter(|(_, t)| t.kind == kind)
                .cloned()
                .unzip();
            if tables.is_empty() {
                continue;
            }
            let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
            next.sources.retain(|s| s.options.kind != Some(kind));
            for (f, t) in files.into_iter().zip(&tables) {
                let mut options = f.options;
                options.kind = Some(kind);
                options.mapping = t.mapping.clone();
                next.sources.push(SourceFile {
                    path: f.path,
                    options,
                });
            }
            let table = Table::combine(tables, &name_of(&paths))?;
            match kind {
                TableKind::Fundamentals => next.fundamentals = Some(table),
                TableKind::Prices => next.prices = Some(table),
                TableKind::Factors => next.factors = Some(table),
                TableKind::Attributes => next.attributes = Some(table),
            }
        }
        Ok(next)
    }

    /// Load several files (a folder: the data files in it) into a new dataset, by
    /// [`load_files`]' rule: a file named that fails is the error; the files of a folder
    /// that fail are returned beside the dataset, the others loaded.
    pub fn load(name: &str, files: &[SourceFile]) -> Result<(Dataset, Vec<LoadError>), LoadError> {
        let base = Dataset {
            name: name.into(),
            ..Default::default()
        };
        let loads = load_files(files, &Progress::default());
        if let Some(e) = loads.failed.into_iter().next() {
            return Err(e);
        }
        Ok((base.with_tables(loads.tables)?, loads.skipped))
    }

    pub fn reports(&self) -> impl Iterator<Item = &LoadReport> {
        TableKind::ALL
            .into_iter()
            .filter_map(|k| self.table(k))
            .map(|t| &t.report)
    }

    pub fn is_empty(&self) -> bool {
        TableKind::ALL.into_iter().all(|k| self.table(k).is_none())
    }
}

/// The bundled sample: `HALO_SAMPLE_DIR`, else `sample_data/` beside the working directory,
/// the executable, or the source tree it was built from.
pub fn sample_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("HALO_SAMPLE_DIR") {
        return PathBuf::from(dir);
    }
    let mut candidates = vec![PathBuf::from("sample_data")];
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(
            exe.ancestors()
                .skip(1)
                .take(4)
                .map(|p| p.join("sample_data")),
        );
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data"));
    candidates
        .into_iter()
        .find(|p| p.join("fundamentals.csv").is_file())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data"))
}

/// The files of the bundled sample, each with its kind fixed.
pub fn sample_files() -> Vec<SourceFile> {
    let dir = sample_dir();
    [
        ("fundamentals.csv", TableKind::Fundamentals),
        ("prices.parquet", TableKind::Prices),
        ("factors.csv", TableKind::Factors),
        ("ai_exposure_by_subindustry.csv", TableKind::Attributes),
    ]
    .into_iter()
    .map(|(f, kind)| SourceFile {
        path: dir.join(f),
        options: LoadOptions {
            kind: Some(kind),
            ..Default::default()
        },
    })
    .collect()
}

pub fn load_sample() -> Result<Dataset, LoadError> {
    // Its files are named: any failure is the error, none is skipped.
    Dataset::load("S&P 500 sample (fiscal 2012-2016)", &sample_files()).map(|(ds, _)| ds)
}
