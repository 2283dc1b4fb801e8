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
    /// A membership history (rows with an effective date): what it did.
    pub dated: Option<Dated>,
}

/// What a table of rows with effective dates (an industry membership history) did: each
/// report took the row in effect at its period date, its sector and industry replacing
/// the fundamentals' own.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Dated {
    /// The table gives end dates (else a row holds until its key's next row).
    pub ends: bool,
    /// Reports of the securities the table lists.
    pub reports: usize,
    /// Of them, reports with a row in effect at their period date.
    pub in_effect: usize,
    /// Reports whose sector the row in effect changed ([`Dated::count_changes`]).
    pub regrouped: usize,
    /// Securities whose sector differs between their reports (moved by the history).
    pub moved: usize,
    /// Reports whose sector it changed and whose industry (the export's level 2, of
    /// today's sector) it cleared, having no industry of its own.
    pub industries_cleared: usize,
}

impl AttributeJoin {
    /// The notes for the ranking: securities that found no row, and reports of a
    /// membership history dated before (or after) every row of their security.
    pub fn notes(&self) -> Vec<Note> {
        let file = crate::data::file_name(std::path::Path::new(&self.file));
        let mut out = Vec::new();
        if !self.unmatched.is_empty() {
            out.push(Note::AttributesUnmatched {
                file: file.clone(),
                level: self
                    .levels
                    .last()
                    .copied()
                    .unwrap_or(AttributeLevel::Ticker),
                keys: self.unmatched.clone(),
                securities: self.securities - self.matched,
                of: self.securities,
            });
        }
        if let Some(d) = self.dated.as_ref().filter(|d| d.in_effect < d.reports) {
            out.push(Note::AttributesNotInEffect {
                file,
                reports: d.reports - d.in_effect,
                of: d.reports,
            });
        }
        out
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
        if let Some(d) = &self.dated {
            let (e, n, g, m) = (d.in_effect, d.reports, d.regrouped, d.moved);
            out += &if d.ends {
                bi!(
                    lang,
                    "; point in time: each report takes the row in effect at its period date (from its effective date through its end date)",
                    "；按时点：每期报告取其报告期当日有效的行（自生效日期起，至失效日期止）"
                )
            } else {
                bi!(
                    lang,
                    "; point in time: each report takes the row in effect at its period date (from its effective date to the key's next one)",
                    "；按时点：每期报告取其报告期当日有效的行（自生效日期起，至同一键的下一生效日期止）"
                )
            };
            out += &bi!(
                lang,
                ", {e} of {n} reports covered; {g} reports' sector changed by it; {m} securities change sector over time",
                "，{n} 期报告中 {e} 期有对应行；{g} 期报告的行业因其改变；{m} 只证券的行业随时间变化"
            );
            if d.industries_cleared > 0 {
                let c = d.industries_cleared;
                out += &bi!(
                    lang,
                    "; {c} reports' own industry cleared (it gives no industry, and theirs is of today's sector)",
                    "；{c} 期报告的细分行业已清空（该表不含细分行业，而报告自带的细分行业属于当前的一级行业）"
                );
            }
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

/// The groups a membership history replaces (a security's names and market only fill gaps).
const GROUPS: [&str; 2] = ["sector", "industry"];

/// One row of the table under its key: when it takes effect and ends (days since
/// 1970-01-01; None: always, never), and its row. A row with either date is part of a
/// membership history; one with neither (from an undated file beside it) holds always.
#[derive(Clone, Copy)]
struct Entry {
    from: Option<i32>,
    to: Option<i32>,
    row: usize,
}

impl Entry {
    fn dated(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }
}

/// Of a key's dated rows, the one in effect on `day`: the latest to take effect by then
/// and not ended (a row holds through its end date), the later row on a tie; then its
/// undated row. Each with whether it is dated.
fn in_effect(entries: &[Entry], day: i32) -> impl Iterator<Item = (usize, bool)> {
    let dated = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.dated() && e.from.is_none_or(|f| f <= day) && e.to.is_none_or(|t| day <= t)
        })
        .max_by_key(|(i, e)| (e.from.unwrap_or(i32::MIN), *i))
        .map(|(_, e)| (e.row, true));
    let undated = entries.iter().find(|e| !e.dated()).map(|e| (e.row, false));
    dated.into_iter().chain(undated)
}

impl Dated {
    /// Count what the history changed, once the panel's 申万 names are harmonised: the
    /// reports whose sector differs from `own` (the sectors before the join, in 2021 names
    /// where they are 申万 2014 ones), and the securities whose sector differs between
    /// their reports. A 2014 row that the renaming makes the export's own name again is
    /// no change.
    pub fn count_changes(&mut self, panel: &Panel, own: &[String]) {
        use super::shenwan::{Mapped, to_2021};
        let changed: Vec<bool> = (0..panel.sectors.len())
            .map(|r| {
                let own = match to_2021(&own[r], &panel.industries[r]) {
                    Mapped::To(to) => to,
                    Mapped::Same | Mapped::Unsplit => own[r].as_str(),
                };
                // A sector the history fills where the report had none is a fill.
                !(own.is_empty() || own == super::universe::NO_SECTOR) && own != panel.sectors[r]
            })
            .collect();
        self.regrouped = changed.iter().filter(|&&c| c).count();
        self.moved = panel
            .spans
            .iter()
            .filter(|span| {
                let first = &panel.sectors[span.start];
                changed[span.start..span.end].iter().any(|&c| c)
                    && panel.sectors[span.start..span.end]
                        .iter()
                        .any(|s| s != first)
            })
            .count();
    }
}

/// Whether an attributes table is a membership history: its rows have effective dates.
pub fn is_history(df: &polars::prelude::DataFrame) -> bool {
    ["effective_from", "effective_to"]
        .iter()
        .any(|c| df.column(c).is_ok_and(|c| c.null_count() < c.len()))
}

/// Join `table` onto `panel`: its numeric columns become fields (filling the gaps of a
/// field the fundamentals already have), its names and groups fill the securities' empty
/// ones. A table with effective dates (a membership history) is joined point in time:
/// each report takes the row in effect at its period date, whose sector and industry
/// replace the report's own.
pub fn join_onto(panel: &mut Panel, table: &Table) -> Result<AttributeJoin, EngineError> {
    let df = &table.df;
    let mut out = AttributeJoin {
        file: table.report.file.clone(),
        securities: panel.tickers.len(),
        ..Default::default()
    };
    let from = crate::data::normalize::effective_from(df);
    let to: Option<Vec<Option<i32>>> = df
        .column("effective_to")
        .ok()
        .and_then(|c| c.date().ok().map(|d| d.physical().iter().collect()));
    let dated = is_history(df);
    // Each level's keys to the table's rows under it.
    let mut maps: Vec<(AttributeLevel, HashMap<String, Vec<Entry>>)> = Vec::new();
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
        let entry = Entry {
            from: from.as_ref().and_then(|f| f[i]),
            to: to.as_ref().and_then(|t| t[i]),
            row: i,
        };
        let entries = map.entry(key.clone()).or_default();
        // A key has one undated row: a repeated one (from a later file) replaces it; a
        // dated row replaces only one with the same dates.
        let same = |e: &Entry| {
            e.dated() == entry.dated()
                && (!entry.dated() || (e.from, e.to) == (entry.from, entry.to))
        };
        match entries.iter_mut().find(|e| same(e)) {
            Some(e) => {
                *e = entry;
                out.repeated += 1;
            }
            None => entries.push(entry),
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

    // Per panel row, the matching table rows at each level the table has, most specific
    // first (at a level, the dated row in effect before the undated one), each with
    // whether it is dated; whether a level's key has dated rows, and one in effect.
    let n = panel.dates.len();
    let owner = panel.owners();
    let (mut listed, mut effective) = (vec![false; n], vec![false; n]);
    let mut found = vec![false; n];
    let matches: Vec<Vec<(usize, bool)>> = (0..n)
        .map(|r| {
            let mut rows = Vec::new();
            for (level, map) in &maps {
                let text = match level {
                    AttributeLevel::Ticker => &panel.tickers[owner[r]],
                    AttributeLevel::Industry => &panel.industries[r],
                    AttributeLevel::Sector => &panel.sectors[r],
                };
                let key = attribute_key(text);
                let Some(entries) = map.get(&key) else {
                    continue;
                };
                found[r] = true;
                listed[r] |= entries.iter().any(Entry::dated);
                for (row, dated) in in_effect(entries, panel.dates[r]) {
                    effective[r] |= dated;
                    rows.push((row, dated));
                }
                used_keys.insert((*level, key));
            }
            rows
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
                .map(|&(i, _)| v[i])
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

    // Names and groups where the securities have none; a membership history's groups
    // wherever it has a row in effect. A history of sectors alone clears the industry of
    // a report whose sector it changes: the export's level 2 is of today's sector.
    let keeps_industry = df.column("industry").is_ok();
    let mut cleared = 0;
    for col in TEXTS {
        let Ok(Ok(texts)) = df.column(col).map(|c| c.str().cloned()) else {
            continue;
        };
        for r in 0..n {
            let Some((t, dated)) = matches[r]
                .iter()
                .filter_map(|&(i, dated)| Some((texts.get(i)?.trim(), dated)))
                .find(|(t, _)| !t.is_empty())
            else {
                continue;
            };
            let slot = match col {
                "name" => &mut panel.names[r],
                "sector" => &mut panel.sectors[r],
                "industry" => &mut panel.industries[r],
                _ => &mut panel.markets[r],
            };
            let empty = slot.is_empty() || slot == super::universe::NO_SECTOR;
            let replaces = dated && GROUPS.contains(&col);
            if !(empty || replaces) || t == slot.as_str() {
                continue;
            }
            if empty {
                out.texts_filled += 1;
            }
            *slot = t.to_string();
            if col == "sector" && !empty && !keeps_industry && !panel.industries[r].is_empty() {
                panel.industries[r].clear();
                cleared += 1;
            }
        }
    }
    if dated {
        out.dated = Some(Dated {
            ends: to.as_ref().is_some_and(|t| t.iter().any(Option::is_some)),
            reports: listed.iter().filter(|&&l| l).count(),
            in_effect: (0..n).filter(|&r| listed[r] && effective[r]).count(),
            industries_cleared: cleared,
            ..Default::default()
        });
    }

    panel.texts_changed();
    // Securities with no match, by their key at the table's broadest level.
    let mut unmatched: BTreeSet<String> = BTreeSet::new();
    for (s, span) in panel.spans.iter().enumerate() {
        if span.clone().any(|r| found[r]) {
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
