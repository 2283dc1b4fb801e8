//! Fatal load errors. Each names the file and, where one applies, the row and column,
//! and says what the user can do. Every reason is a variant with its fields, written in
//! English and Chinese by an exhaustive match; the file's path is inserted as it is.

use std::path::Path;

use super::schema::TableKind;
use crate::bi;
use crate::i18n::{Lang, Localize, join};

/// An operating-system error, kept as its kind (translated) and its own text (shown when
/// the kind says nothing more specific).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoFailure {
    pub kind: std::io::ErrorKind,
    pub text: String,
}

impl From<&std::io::Error> for IoFailure {
    fn from(e: &std::io::Error) -> Self {
        IoFailure {
            kind: e.kind(),
            text: e.to_string(),
        }
    }
}

impl From<std::io::Error> for IoFailure {
    fn from(e: std::io::Error) -> Self {
        IoFailure::from(&e)
    }
}

impl Localize for IoFailure {
    fn localize(&self, lang: Lang) -> String {
        use std::io::ErrorKind as K;
        let known = match self.kind {
            K::NotFound => Some(("not found", "不存在")),
            K::PermissionDenied => Some(("permission denied", "没有权限")),
            K::AlreadyExists => Some(("it already exists", "已存在")),
            K::IsADirectory => Some(("it is a folder", "这是文件夹")),
            K::NotADirectory => Some(("it is a file, not a folder", "这是文件而不是文件夹")),
            K::StorageFull => Some(("the disk is full", "磁盘已满")),
            K::ReadOnlyFilesystem => Some(("the disk is read-only", "磁盘为只读")),
            K::UnexpectedEof => Some(("the file ended early", "文件提前结束")),
            K::Interrupted | K::TimedOut => Some(("the read was interrupted", "读取被中断")),
            _ => None,
        };
        match (known, lang) {
            (Some((en, _)), Lang::En) => en.to_string(),
            (Some((_, zh)), Lang::Zh) => zh.to_string(),
            // The system's own words (in the system's language): nothing better to say.
            (None, _) => self.text.clone(),
        }
    }
}

/// What a binary file looks like (for a clearer message than "not text").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryKind {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Executable,
    OldOffice,
    Gzip,
    Sqlite,
    Zip,
}

impl Localize for BinaryKind {
    fn localize(&self, lang: Lang) -> String {
        let (en, zh) = match self {
            BinaryKind::Pdf => ("a PDF document", "PDF 文档"),
            BinaryKind::Png => ("a PNG image", "PNG 图片"),
            BinaryKind::Jpeg => ("a JPEG image", "JPEG 图片"),
            BinaryKind::Gif => ("a GIF image", "GIF 图片"),
            BinaryKind::Executable => ("an executable", "可执行文件"),
            BinaryKind::OldOffice => (
                "an old-style Excel .xls or Office file (save it as .xlsx or CSV)",
                "旧式 Excel .xls 或 Office 文件（请另存为 .xlsx 或 CSV）",
            ),
            BinaryKind::Gzip => (
                "a gzip archive (unpack it first)",
                "gzip 压缩包（请先解压）",
            ),
            BinaryKind::Sqlite => ("a SQLite database", "SQLite 数据库"),
            BinaryKind::Zip => (
                "a zip archive that is not an .xlsx workbook",
                "不是 .xlsx 工作簿的 zip 压缩包",
            ),
        };
        match lang {
            Lang::En => en.into(),
            Lang::Zh => zh.into(),
        }
    }
}

/// Why a file is not a text table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotText {
    LooksLike(BinaryKind),
    NulByte {
        offset: usize,
    },
    InvalidUtf16,
    /// Neither UTF-8 nor GBK/GB18030.
    UnknownEncoding,
}

impl Localize for NotText {
    fn localize(&self, lang: Lang) -> String {
        match self {
            NotText::LooksLike(k) => {
                let k = k.localize(lang);
                bi!(lang, "it looks like {k}", "它看起来是{k}")
            }
            NotText::NulByte { offset } => bi!(
                lang,
                "it has a NUL byte at offset {offset}",
                "偏移 {offset} 处有 NUL 字节"
            ),
            NotText::InvalidUtf16 => bi!(lang, "invalid UTF-16 text", "无效的 UTF-16 文本"),
            NotText::UnknownEncoding => bi!(
                lang,
                "it is neither UTF-8 nor GBK/GB18030 text",
                "既不是 UTF-8 也不是 GBK/GB18030 文本"
            ),
        }
    }
}

/// How a file changed or vanished while it was being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Vanish {
    /// Reading failed after this many bytes (a network drive dropping, a file truncated).
    ReadFailed {
        after: u64,
        error: IoFailure,
    },
    ShortRead {
        expected: u64,
        got: u64,
    },
    SizeChanged,
    /// Listed a moment ago, gone when opened.
    DeletedBeforeOpen,
    Io(IoFailure),
}

impl Localize for Vanish {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Vanish::ReadFailed { after, error } => {
                let e = error.localize(lang);
                bi!(
                    lang,
                    "read failed after {after} bytes: {e}",
                    "读取 {after} 字节后失败：{e}"
                )
            }
            Vanish::ShortRead { expected, got } => bi!(
                lang,
                "expected {expected} bytes, got {got}",
                "应为 {expected} 字节，实际为 {got} 字节"
            ),
            Vanish::SizeChanged => bi!(
                lang,
                "its size changed while it was being read",
                "读取过程中文件大小发生了变化"
            ),
            Vanish::DeletedBeforeOpen => {
                bi!(
                    lang,
                    "deleted before it could be opened",
                    "打开之前已被删除"
                )
            }
            Vanish::Io(e) => e.localize(lang),
        }
    }
}

/// Why a file's content could not be read as a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unreadable {
    TooShortForParquet,
    /// A Parquet footer that declares more than the file holds (checked before decoding).
    Footer(super::footer::FooterFault),
    /// The reader library failed on the file (it is damaged, or of a kind it cannot read).
    ReaderFailed,
    /// The reader library's own message (in English, as the library writes it).
    Reader(String),
    NotXlsx(String),
    NoSheet {
        sheet: String,
        sheets: Vec<String>,
    },
    NoSheets,
    Sheet {
        sheet: String,
        error: String,
    },
    DateColumnType {
        dtype: String,
    },
}

impl Localize for Unreadable {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Unreadable::TooShortForParquet => {
                bi!(
                    lang,
                    "too short to be a Parquet file",
                    "太短，不是 Parquet 文件"
                )
            }
            Unreadable::Footer(f) => f.localize(lang),
            Unreadable::ReaderFailed => {
                bi!(
                    lang,
                    "the reader failed on this file",
                    "读取器无法处理此文件"
                )
            }
            Unreadable::Reader(e) => e.clone(),
            Unreadable::NotXlsx(e) => bi!(
                lang,
                "not a readable .xlsx workbook: {e}",
                "不是可读的 .xlsx 工作簿：{e}"
            ),
            Unreadable::NoSheet { sheet, sheets } => {
                let list = join(lang, sheets);
                bi!(
                    lang,
                    "no sheet named {sheet:?}; sheets: {list}",
                    "没有名为 {sheet:?} 的工作表；现有工作表：{list}"
                )
            }
            Unreadable::NoSheets => bi!(lang, "the workbook has no sheets", "工作簿中没有工作表"),
            Unreadable::Sheet { sheet, error } => {
                bi!(
                    lang,
                    "sheet {sheet:?}: {error}",
                    "工作表 {sheet:?}：{error}"
                )
            }
            Unreadable::DateColumnType { dtype } => bi!(
                lang,
                "column of type {dtype} cannot hold dates",
                "类型为 {dtype} 的列不能存放日期"
            ),
        }
    }
}

/// A required column (or one of a set) that a table lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    Field(String),
    AnyOf(Vec<String>),
    NumericFactor,
}

impl Localize for Missing {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Missing::Field(f) => f.clone(),
            Missing::AnyOf(fields) => {
                let or = match lang {
                    Lang::En => " or ",
                    Lang::Zh => "或",
                };
                // "close or return" reads better by what the fields are.
                if fields == &["close", "return"] {
                    return bi!(lang, "close or return", "收盘价或收益率");
                }
                fields.join(or)
            }
            Missing::NumericFactor => bi!(
                lang,
                "at least one numeric factor column",
                "至少一个数值型因子列"
            ),
        }
    }
}

/// The name of a kind of table, in a sentence.
pub fn kind_name(kind: TableKind, lang: Lang) -> String {
    match (kind, lang) {
        (TableKind::Fundamentals, Lang::En) => "fundamentals".into(),
        (TableKind::Prices, Lang::En) => "prices".into(),
        (TableKind::Factors, Lang::En) => "factors".into(),
        (TableKind::Attributes, Lang::En) => "attributes".into(),
        (TableKind::Fundamentals, Lang::Zh) => "基本面".into(),
        (TableKind::Prices, Lang::Zh) => "价格".into(),
        (TableKind::Factors, Lang::Zh) => "因子".into(),
        (TableKind::Attributes, Lang::Zh) => "属性".into(),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    NotFound {
        file: String,
    },
    Vanished {
        file: String,
        how: Vanish,
    },
    Io {
        file: String,
        error: IoFailure,
    },
    IsFolder {
        file: String,
    },
    /// A folder opened for its files holds no CSV, Parquet or .xlsx file.
    NoDataFiles {
        folder: String,
    },
    /// A named pipe, a socket or a device: nothing a table can be read from.
    NotAFile {
        file: String,
    },
    Empty {
        file: String,
    },
    NoRows {
        file: String,
    },
    Binary {
        file: String,
        why: NotText,
    },
    TooLarge {
        file: String,
        size_mb: f64,
        need_mb: f64,
        avail_mb: f64,
    },
    OneColumn {
        file: String,
        header: String,
    },
    DuplicateHeader {
        file: String,
        header: String,
        first: usize,
        second: usize,
    },
    Ragged {
        file: String,
        row: usize,
        found: usize,
        expected: usize,
    },
    MissingColumns {
        file: String,
        kind: TableKind,
        missing: Vec<Missing>,
        found: Vec<String>,
    },
    NothingKept {
        file: String,
    },
    /// Guessed a lookup table (no date column recognised), yet rows repeat a key: more
    /// likely a table over time whose date column has a name no alias knows.
    RepeatedKeys {
        file: String,
        /// The first repeated key, as written, and its rows.
        key: String,
        rows: Vec<usize>,
        /// Rows repeating an earlier row's key.
        count: usize,
    },
    Unreadable {
        file: String,
        why: Unreadable,
    },
}

impl LoadError {
    /// The file it is about.
    pub fn file(&self) -> &str {
        use LoadError::*;
        match self {
            NotFound { file }
            | Vanished { file, .. }
            | Io { file, .. }
            | IsFolder { file }
            | NoDataFiles { folder: file }
            | NotAFile { file }
            | Empty { file }
            | NoRows { file }
            | Binary { file, .. }
            | TooLarge { file, .. }
            | OneColumn { file, .. }
            | DuplicateHeader { file, .. }
            | Ragged { file, .. }
            | MissingColumns { file, .. }
            | NothingKept { file }
            | RepeatedKeys { file, .. }
            | Unreadable { file, .. } => file,
        }
    }
}

impl Localize for LoadError {
    fn localize(&self, lang: Lang) -> String {
        use LoadError::*;
        match self {
            NotFound { file } => bi!(
                lang,
                "{file}: the file does not exist (was it moved or deleted?)",
                "{file}：文件不存在（是否已被移动或删除？）"
            ),
            Vanished { file, how } => {
                let how = how.localize(lang);
                bi!(
                    lang,
                    "{file}: the file vanished or changed while it was being read ({how}); nothing was loaded from it",
                    "{file}：读取过程中文件消失或被修改（{how}）；未从中载入任何内容"
                )
            }
            Io { file, error } => {
                let e = error.localize(lang);
                bi!(lang, "{file}: cannot be read: {e}", "{file}：无法读取：{e}")
            }
            IsFolder { file } => bi!(
                lang,
                "{file}: cannot be read: this is a folder, not a file",
                "{file}：无法读取：这是文件夹，不是文件"
            ),
            NoDataFiles { folder } => bi!(
                lang,
                "{folder}: the folder holds no CSV, Parquet or .xlsx file",
                "{folder}：该文件夹中没有 CSV、Parquet 或 .xlsx 文件"
            ),
            NotAFile { file } => bi!(
                lang,
                "{file}: cannot be read: it is a pipe or device, not a file",
                "{file}：无法读取：这是管道或设备，不是文件"
            ),
            Empty { file } => bi!(
                lang,
                "{file}: the file is empty (0 bytes)",
                "{file}：文件为空（0 字节）"
            ),
            NoRows { file } => bi!(
                lang,
                "{file}: has a header but no data rows",
                "{file}：只有表头，没有数据行"
            ),
            Binary { file, why } => {
                let why = why.localize(lang);
                bi!(
                    lang,
                    "{file}: this is not a text table ({why}); open a CSV, Parquet or .xlsx file",
                    "{file}：这不是文本表格（{why}）；请打开 CSV、Parquet 或 .xlsx 文件"
                )
            }
            TooLarge {
                file,
                size_mb,
                need_mb,
                avail_mb,
            } => bi!(
                lang,
                "{file}: the file is {size_mb:.0} MB and would need about {need_mb:.0} MB of memory, but only {avail_mb:.0} MB is available; export fewer columns or a shorter date range, or convert it to Parquet",
                "{file}：文件大小 {size_mb:.0} MB，约需 {need_mb:.0} MB 内存，但只有 {avail_mb:.0} MB 可用；请导出更少的列或更短的日期范围，或转换为 Parquet"
            ),
            OneColumn { file, header } => bi!(
                lang,
                "{file}: only one column was found (header {header:?}); the delimiter may be wrong: expected comma, semicolon or tab",
                "{file}：只找到一列（表头 {header:?}）；分隔符可能不对：应为逗号、分号或制表符"
            ),
            DuplicateHeader {
                file,
                header,
                first,
                second,
            } => bi!(
                lang,
                "{file}: row 1 has the column {header:?} twice (columns {first} and {second}); rename one of them",
                "{file}：第 1 行中列 {header:?} 出现两次（第 {first} 列和第 {second} 列）；请重命名其中之一"
            ),
            Ragged {
                file,
                row,
                found,
                expected,
            } => bi!(
                lang,
                "{file}: row {row} has {found} fields but the header has {expected}; check the delimiter and quoting on that row",
                "{file}：第 {row} 行有 {found} 个字段，但表头有 {expected} 个；请检查该行的分隔符和引号"
            ),
            MissingColumns {
                file,
                kind,
                missing,
                found,
            } => {
                let kind = kind_name(*kind, lang);
                let missing: Vec<String> = missing.iter().map(|m| m.localize(lang)).collect();
                let missing = join(lang, &missing);
                let found: Vec<String> = found
                    .iter()
                    .map(|h| format!("{:?}", h.replace('\n', " ")))
                    .collect();
                let found = join(lang, &found);
                bi!(
                    lang,
                    "{file}: missing required column(s) for a {kind} table: {missing}. Columns found: {found}. Map a column to it in the mapping editor, or rename it",
                    "{file}：{kind}表缺少必需的列：{missing}。找到的列：{found}。请在列映射编辑器中为其指定一列，或重命名该列"
                )
            }
            RepeatedKeys {
                file,
                key,
                rows,
                count,
            } => {
                let rows: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
                let rows = join(lang, &rows);
                bi!(
                    lang,
                    "{file}: no date column was recognised, and {count} row(s) repeat another row's key ({key:?} in rows {rows}): a table over time needs its date column (map it in the column mapping); a lookup table has one row per ticker, industry or sector (load it as attributes to keep the last of each)",
                    "{file}：未识别出日期列，且有 {count} 行与其他行的键重复（{key:?} 出现在第 {rows} 行）：随时间变化的表需要日期列（请在列映射中指定）；查找表每个代码、细分行业或行业一行（按属性表载入则保留每个键的最后一行）"
                )
            }
            NothingKept { file } => bi!(
                lang,
                "{file}: no row has a usable ticker and date; nothing to load",
                "{file}：没有一行具有可用的代码和日期；无可载入的内容"
            ),
            Unreadable { file, why } => {
                let why = why.localize(lang);
                bi!(lang, "{file}: {why}", "{file}：{why}")
            }
        }
    }
}

crate::english_display!(
    IoFailure, BinaryKind, NotText, Vanish, Unreadable, Missing, LoadError
);

impl std::error::Error for LoadError {}

pub fn file_label(path: &Path) -> String {
    path.display().to_string()
}
