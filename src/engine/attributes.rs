//! Attribute tables joined onto the securities: one row per ticker, industry or sector
//! (an AI-exposure score per sub-industry, a regulated flag, a group per ETF). Each row of
//! the fundamentals takes, per column, the value of the most specific row that matches it
//! (its ticker, else its industry, else its sector); what matched and what did not is
//! reported, never dropped in silence.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::EngineError;
use super::notes::Note;
use super::universe::Panel;
use crate::bi;
use crate::data::Table;
use crate::data::normalize::{attribute_key, attribute_row_key};
use crate::data::schema::{AttributeLevel, Target};
use crate::i18n::{Lang, Localize, join};

/// What one attributes table gave the securities.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AttributeJoin {
    pub file: String,
    /// The keys its rows have, most specific first.
    pub levels: Vec<AttributeLevel>,
    /// The numeric columns joined, by the names the engine knows them by.
    pub columns: Vec<String>,
    /// Columns the fundamentals already have: their own values are kept, the attributes
    /// fill only the rows without one.
    pub filled_only: Vec<String>,
    pub securities: usize,
    /// Securities with at least one matching row.
    pub matched: usize,
    /// The keys of the securities without a matching row, at the table's broadest level
    /// (their sector, in a table of sector rows and a few tickers' own), distinct, sorted.
    pub unmatched: Vec<String>,
    /// The table's keys that no security has.
    pub unused: Vec<String>,
    /// Rows whose key an earlier row (an earlier file) also has: the later one is used.
    pub repeated: usize,
    /// Names or groups filled in from the table where the securities had none.
    pub texts_filled: usize,
}

impl AttributeJoin {
    /// The note for the ranking when some securities found no row.
    pub fn note(&self) -> Option<Note> {
        (!self.unmatched.is_empty()).then(|| Note::AttributesUnmatched {
            file: crate::data::file_name(std::path::Path::new(&self.file)),
            level: self
                .levels
                .last()
                .copied()
                .unwrap_or(AttributeLevel::Ticker),
            keys: self.unmatched.clone(),
            securities: self.securities - self.matched,
            of: self.securities,
        })
    }
}

impl Localize for AttributeJoin {
    fn localize(&self, lang: Lang) -> String {
        let levels: Vec<String> = self.levels.iter().map(|l| l.localize(lang)).collect();
        let levels = join(lang, &levels);
        let (m, n) = (self.matched, self.securities);
        let mut out = bi!(
            lang,
            "joined by {levels}: {m} of {n} securities matched",
            "按{levels}连接：{n} 只证券中 {m} 只匹配"
        );
        if !self.columns.is_empty() {
            let columns = join(lang, &self.columns);
            out += &bi!(lang, "; columns {columns}", "；列 {columns}");
        }
        if !self.filled_only.is_empty() {
            let f = join(lang, &self.filled_only);
            out += &bi!(
                lang,
                "; {f} already in the fundamentals: only their gaps filled",
                "；{f} 已在基本面数据中：仅补充其缺失值"
            );
        }
        if self.texts_filled > 0 {
            let t = self.texts_filled;
            out += &bi!(
                lang,
                "; {t} missing names or groups filled",
                "；补充了 {t} 个缺失的名称或分组"
            );
        }
        if !self.unused.is_empty() {
            let u = self.unused.len();
            let list: Vec<String> = self.unused.iter().take(5).cloned().collect();
            let more = if u > list.len() { "…" } else { "" };
            let list = join(lang, &list);
            out += &bi!(
                lang,
                "; {u} of its keys match no security ({list}{more})",
                "；其中 {u} 个键没有匹配的证券（{list}{more}）"
            );
        }
        if self.repeated > 0 {
            let r = self.repeated;
            out += &bi!(
                lang,
                "; {r} keys repeated across files: the later file's row used",
                "；{r} 个键在多个文件中重复：使用后一个文件的行"
            );
        }
        out
    }
}

crate::english_display!(AttributeJoin);

/// The text columns an attributes row can give a security that lacks them.
const TEXTS: [&str; 4] = ["name", "sector", "industry", "market"];

/// Join `table` onto `panel`: its numeric columns become fields (filling the gaps of a
/// field the fundamentals already have), its names and groups fill the securities' empty
/// ones.
pub fn join_onto(panel: &mut Panel, table: &Table) -> Result<AttributeJoin, EngineError> {
    let df = &table.df;
    let mut out = AttributeJoin {
        file: table.report.file.clone(),
        securities: panel.tickers.len(),
        ..Default::default()
    };
    // Each level's keys to the table's row (the last row of a repeated key).
    let mut maps: Vec<(AttributeLevel, HashMap<String, usize>)> = Vec::new();
    let mut used_keys: BTreeSet<(AttributeLevel, String)> = BTreeSet::new();
    let mut written: HashMap<(AttributeLevel, String), String> = HashMap::new();
    for i in 0..df.height() {
        let Some((level, key)) = attribute_row_key(df, i) else {
            continue;
        };
        let map = match maps.iter_mut().find(|(l, _)| *l == level) {
            Some((_, m)) => m,
            None => {
                maps.push((level, HashMap::new()));
                &mut maps.last_mut().expect("just pushed").1
            }
        };
        if map.insert(key.clone(), i).is_some() {
            out.repeated += 1;
        }
        let text = df
            .column(level.column())
            .ok()
            .and_then(|c| c.str().ok().and_then(|s| s.get(i).map(str::to_string)))
            .unwrap_or_default();
        written.insert((level, key), text.trim().to_string());
    }
    maps.sort_by_key(|(l, _)| *l);
    out.levels = maps.iter().map(|(l, _)| *l).collect();

    // Per panel row, the matching table row at each level the table has, most specific
    // first.
    let n = panel.dates.len();
    let owner = panel.owners();
    let matches: Vec<Vec<usize>> = (0..n)
        .map(|r| {
            maps.iter()
                .filter_map(|(level, map)| {
                    let text = match level {
                        AttributeLevel::Ticker => &panel.tickers[owner[r]],
                        AttributeLevel::Industry => &panel.industries[r],
                        AttributeLevel::Sector => &panel.sectors[r],
                    };
                    let key = attribute_key(text);
                    let row = *map.get(&key)?;
                    Some((*level, key, row))
                })
                .map(|(level, key, row)| {
                    used_keys.insert((level, key));
                    row
                })
                .collect()
        })
        .collect();

    // Numeric columns: per row the first value among its matches.
    for c in df.columns() {
        let name = c.name().as_str();
        let Some(v) = super::universe::numbers(c)? else {
            continue;
        };
        let joined = (0..n).map(|r| {
            matches[r]
                .iter()
                .map(|&i| v[i])
                .find(|x| !x.is_nan())
                .unwrap_or(f64::NAN)
        });
        match panel.fields.get_mut(name) {
            Some(own) if own.iter().any(|x| !x.is_nan()) => {
                for (o, j) in own.iter_mut().zip(joined) {
                    if o.is_nan() {
                        *o = j;
                    }
                }
                out.filled_only.push(name.to_string());
            }
            _ => {
                panel.fields.insert(name.to_string(), joined.collect());
            }
        }
        out.columns.push(name.to_string());
    }
    // Headers as the file writes them, for custom metrics named by them.
    for c in &table.report.columns {
        if let Target::Custom(k) | Target::Field(k) = &c.target
            && out.columns.contains(k)
        {
            panel.headers.insert(c.header.clone(), k.clone());
        }
    }

    // Names and groups where the securities have none.
    for col in TEXTS {
        let Ok(Ok(texts)) = df.column(col).map(|c| c.str().cloned()) else {
            continue;
        };
        for r in 0..n {
            let slot = match col {
                "name" => &mut panel.names[r],
                "sector" => &mut panel.sectors[r],
                "industry" => &mut panel.industries[r],
                _ => &mut panel.markets[r],
            };
            if !(slot.is_empty() || slot == super::universe::NO_SECTOR) {
                continue;
            }
            if let Some(t) = matches[r]
                .iter()
                .filter_map(|&i| texts.get(i))
                .map(str::trim)
                .find(|t| !t.is_empty())
            {
                *slot = t.to_string();
                out.texts_filled += 1;
            }
        }
    }

    panel.texts_changed();
    // Securities with no match, by their key at the table's broadest level.
    let mut unmatched: BTreeSet<String> = BTreeSet::new();
    for (s, span) in panel.spans.iter().enumerate() {
        if span.clone().any(|r| !matches[r].is_empty()) {
            out.matched += 1;
            continue;
        }
        let last = span.end.saturating_sub(1).max(span.start);
        let key = match out.levels.last() {
            Some(AttributeLevel::Industry) if !span.is_empty() => panel.industries[last].clone(),
            Some(AttributeLevel::Sector) if !span.is_empty() => panel.sectors[last].clone(),
            _ => panel.tickers[s].clone(),
        };
        unmatched.insert(if key.is_empty() {
            panel.tickers[s].clone()
        } else {
            key
        });
    }
    out.unmatched = unmatched.into_iter().collect();
    let mut unused: Vec<String> = written
        .into_iter()
        .filter(|(k, _)| !used_keys.contains(k))
        .map(|(_, text)| text)
        .collect();
    unused.sort();
    out.unused = unused;
    Ok(out)
}
