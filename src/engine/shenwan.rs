//! 申万 (Shenwan) industries: which classification a file's sectors follow (2014, 28
//! level-1 industries, or 2021, 31), and the 2014 names mapped to 2021 by the bundled table
//! `assets/shenwan_2014_to_2021.csv` (its source and the splits that need level 2 are
//! written in it), so that two users' files compare and the industries HALO names
//! (石油石化, 煤炭, 电力设备, 环保) exist in both.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;

use super::notes::Note;
use super::universe::Panel;

/// 申万 level-1 industries both classifications name (22).
pub const SHARED: [&str; 22] = [
    "农林牧渔",
    "钢铁",
    "有色金属",
    "电子",
    "家用电器",
    "食品饮料",
    "轻工制造",
    "医药生物",
    "公用事业",
    "交通运输",
    "房地产",
    "综合",
    "建筑材料",
    "建筑装饰",
    "国防军工",
    "计算机",
    "传媒",
    "通信",
    "银行",
    "非银金融",
    "汽车",
    "机械设备",
];

/// Level-1 industries only the 2014 classification names (with the shared ones: 28).
pub const ONLY_2014: [&str; 6] = [
    "采掘",
    "化工",
    "纺织服装",
    "商业贸易",
    "休闲服务",
    "电气设备",
];

/// Level-1 industries only the 2021 classification names (with the shared ones: 31).
pub const ONLY_2021: [&str; 9] = [
    "基础化工",
    "纺织服饰",
    "商贸零售",
    "社会服务",
    "电力设备",
    "煤炭",
    "石油石化",
    "环保",
    "美容护理",
];

/// Which 申万 classification a file's level-1 names follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    Sw2014,
    Sw2021,
    /// Names of both (a file joined from two exports).
    Mixed,
    /// Only names both share: either.
    Either,
}

/// A name as exports write it: "煤炭Ⅱ", "电力设备(申万)", " 银行 " are 煤炭, 电力设备, 银行.
fn clean(name: &str) -> &str {
    let n = name.trim();
    let n = n.split(['(', '（']).next().unwrap_or(n).trim();
    n.trim_end_matches(['Ⅱ', 'Ⅲ', 'I']).trim()
}

/// The classification of these distinct level-1 names: None unless at least four fifths
/// of them (and at least three) are 申万 names.
pub fn classify<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<Classification> {
    let names: Vec<&str> = names
        .into_iter()
        .map(clean)
        .filter(|n| !n.is_empty())
        .collect();
    let matched = names
        .iter()
        .filter(|n| SHARED.contains(n) || ONLY_2014.contains(n) || ONLY_2021.contains(n))
        .count();
    if matched < 3 || 5 * matched < 4 * names.len() {
        return None;
    }
    let only_2014 = names.iter().any(|n| ONLY_2014.contains(n));
    let only_2021 = names.iter().any(|n| ONLY_2021.contains(n));
    Some(match (only_2014, only_2021) {
        (true, false) => Classification::Sw2014,
        (false, true) => Classification::Sw2021,
        (true, true) => Classification::Mixed,
        (false, false) => Classification::Either,
    })
}

/// One row of the bundled table: a 2014 level-1 (and level-2, "" for any other) to its
/// 2021 level-1 name ("" where level 2 cannot place it).
struct Row {
    level1: String,
    level2: String,
    to: String,
}

fn table() -> &'static [Row] {
    static TABLE: OnceLock<Vec<Row>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("../../assets/shenwan_2014_to_2021.csv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1)
            .filter_map(|l| {
                let mut f = l.split(',').map(str::trim);
                Some(Row {
                    level1: f.next()?.to_string(),
                    level2: f.next()?.to_string(),
                    to: f.next()?.to_string(),
                })
            })
            .collect()
    })
}

/// Where a 2014 name goes in 2021.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mapped<'a> {
    /// The same name in both.
    Same,
    To(&'a str),
    /// A split level 2 does not settle (采掘 without level 2, or 其他采掘): kept.
    Unsplit,
}

/// The 2021 level-1 name of a 2014 level-1 name and its level-2 name ("" when unknown).
pub fn to_2021<'a>(level1: &str, level2: &str) -> Mapped<'a> {
    let (l1, l2) = (clean(level1), clean(level2));
    let rows = table().iter().filter(|r| r.level1 == l1);
    let pick = rows
        .clone()
        .find(|r| !r.level2.is_empty() && r.level2 == l2)
        .or_else(|| rows.clone().find(|r| r.level2.is_empty()));
    match pick {
        None => Mapped::Same,
        Some(r) if r.to.is_empty() => Mapped::Unsplit,
        Some(r) if r.to == l1 => Mapped::Same,
        Some(r) => Mapped::To(&r.to),
    }
}

/// Say which classification the panel's sectors follow, and rename the 2014 level-1 names
/// to 2021 (by level 2 where the panel has industries). None when the sectors are not 申万.
pub fn harmonise(panel: &mut Panel) -> Option<Note> {
    let classification = {
        let distinct: std::collections::BTreeSet<&str> =
            panel.sectors.iter().map(String::as_str).collect();
        classify(distinct.iter().copied())?
    };
    // (from, to) -> securities; unsplit name -> securities.
    let mut renamed: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut unsplit: BTreeMap<String, usize> = BTreeMap::new();
    // Names both share may still carry a 2014 level 2 (公用事业 / 水务): renamed too; for
    // 2021 data no row matches, so nothing changes.
    if classification != Classification::Sw2021 {
        let owners = panel.owners();
        let mut seen: std::collections::BTreeSet<(usize, String)> = Default::default();
        for r in 0..panel.sectors.len() {
            let from = clean(&panel.sectors[r]).to_string();
            match to_2021(&from, &panel.industries[r]) {
                Mapped::Same => {}
                Mapped::To(to) => {
                    if seen.insert((owners[r], from.clone())) {
                        *renamed.entry((from, to.to_string())).or_default() += 1;
                    }
                    panel.sectors[r] = to.to_string();
                }
                Mapped::Unsplit => {
                    if seen.insert((owners[r], from.clone())) {
                        *unsplit.entry(from).or_default() += 1;
                    }
                }
            }
        }
        if !renamed.is_empty() {
            panel.texts_changed();
        }
    }
    Some(Note::Shenwan {
        classification,
        renamed: renamed.into_iter().map(|((f, t), n)| (f, t, n)).collect(),
        unsplit: unsplit.into_iter().collect(),
        level2: panel.industries.iter().any(|i| !i.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_table_names_only_shenwan_industries() {
        assert!(table().len() >= 12);
        let in_2014 = |n: &str| SHARED.contains(&n) || ONLY_2014.contains(&n);
        let in_2021 = |n: &str| SHARED.contains(&n) || ONLY_2021.contains(&n);
        for r in table() {
            assert!(in_2014(&r.level1), "{}", r.level1);
            assert!(r.to.is_empty() || in_2021(&r.to), "{}", r.to);
        }
        // Every name only 2014 has is renamed (or kept where level 2 cannot place it).
        for n in ONLY_2014 {
            assert!(table().iter().any(|r| r.level1 == n), "{n}");
        }
    }

    #[test]
    fn splits_follow_level_two() {
        assert_eq!(to_2021("采掘", "煤炭开采"), Mapped::To("煤炭"));
        assert_eq!(to_2021("采掘", "石油开采Ⅱ"), Mapped::To("石油石化"));
        assert_eq!(to_2021("采掘", "其他采掘"), Mapped::Unsplit);
        assert_eq!(to_2021("采掘", ""), Mapped::Unsplit);
        assert_eq!(to_2021("化工", "石油化工"), Mapped::To("石油石化"));
        assert_eq!(to_2021("化工", "化学制品"), Mapped::To("基础化工"));
        assert_eq!(to_2021("化工", ""), Mapped::To("基础化工"));
        assert_eq!(to_2021("公用事业", "环保工程及服务"), Mapped::To("环保"));
        assert_eq!(to_2021("公用事业", "水务"), Mapped::To("环保"));
        assert_eq!(to_2021("公用事业", "电力"), Mapped::Same);
        assert_eq!(to_2021("电气设备", ""), Mapped::To("电力设备"));
        assert_eq!(to_2021("银行", ""), Mapped::Same);
    }

    #[test]
    fn classification_by_the_names_only_one_has() {
        assert_eq!(
            classify(["采掘", "银行", "计算机", "化工"]),
            Some(Classification::Sw2014)
        );
        assert_eq!(
            classify(["煤炭", "银行(申万)", "计算机", "基础化工"]),
            Some(Classification::Sw2021)
        );
        assert_eq!(
            classify(["煤炭", "采掘", "银行", "计算机"]),
            Some(Classification::Mixed)
        );
        assert_eq!(
            classify(["银行", "计算机", "传媒"]),
            Some(Classification::Either)
        );
        assert_eq!(classify(["Energy", "Utilities", "银行", "计算机"]), None);
    }
}
