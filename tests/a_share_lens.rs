//! The default HALO lens on A-share exports (issue 13, items 2-4): a CSI 300-shaped Wind
//! export carrying ratios rather than amounts (非流动资产/总资产(%), 资产负债率(%) ...),
//! in GB18030 with Wind's title and footer lines, scores heavy assets and cash-flow
//! stability from those ratios; financials are left out by default (or scored apart);
//! 申万 2014 names are recognised and renamed to 2021.
//!
//! The file is written here: 300 companies in the 申万 2021 industries of a CSI 300
//! basket (the index's industry counts), each industry's ratios at levels typical of its
//! listed A-shares, with a deterministic spread around them.

mod common;

use egui_kittest::kittest::Queryable;
use halo_workbench::app::{Command, PersistedState};
use halo_workbench::data::{Dataset, SourceFile, report::LoadWarning, schema::PercentCue};
use halo_workbench::engine::notes::{Exclusion, Note};
use halo_workbench::engine::pipeline::{Inputs, Pipeline};
use halo_workbench::engine::score::prepare;
use halo_workbench::engine::settings::{Financials, Settings};
use halo_workbench::engine::shenwan::Classification;

/// Industry, companies, and the ratios in percent: non-current assets, tangible assets and
/// fixed assets over total assets, liabilities over assets, operating cash flow over
/// revenue, gross margin, R&D over revenue, dividend yield. None: Wind's "--".
type Row = (&'static str, usize, [Option<f64>; 8]);
const INDUSTRIES: &[Row] = &[
    (
        "银行",
        23,
        [
            None,
            None,
            Some(0.5),
            Some(92.0),
            Some(40.0),
            None,
            None,
            Some(5.5),
        ],
    ),
    (
        "非银金融",
        25,
        [
            Some(35.0),
            Some(95.0),
            Some(0.8),
            Some(80.0),
            Some(150.0),
            None,
            None,
            Some(2.5),
        ],
    ),
    (
        "电子",
        25,
        [
            Some(45.0),
            Some(88.0),
            Some(28.0),
            Some(45.0),
            Some(12.0),
            Some(25.0),
            Some(8.0),
            Some(1.0),
        ],
    ),
    (
        "医药生物",
        20,
        [
            Some(40.0),
            Some(80.0),
            Some(15.0),
            Some(30.0),
            Some(15.0),
            Some(60.0),
            Some(8.0),
            Some(1.5),
        ],
    ),
    (
        "电力设备",
        20,
        [
            Some(40.0),
            Some(90.0),
            Some(22.0),
            Some(60.0),
            Some(10.0),
            Some(22.0),
            Some(5.0),
            Some(1.0),
        ],
    ),
    (
        "食品饮料",
        15,
        [
            Some(25.0),
            Some(92.0),
            Some(10.0),
            Some(30.0),
            Some(25.0),
            Some(55.0),
            Some(0.5),
            Some(3.0),
        ],
    ),
    (
        "有色金属",
        15,
        [
            Some(55.0),
            Some(88.0),
            Some(30.0),
            Some(55.0),
            Some(8.0),
            Some(15.0),
            Some(2.0),
            Some(2.0),
        ],
    ),
    (
        "计算机",
        15,
        [
            Some(30.0),
            Some(70.0),
            Some(5.0),
            Some(35.0),
            Some(8.0),
            Some(40.0),
            Some(15.0),
            Some(0.5),
        ],
    ),
    (
        "交通运输",
        15,
        [
            Some(75.0),
            Some(88.0),
            Some(50.0),
            Some(50.0),
            Some(25.0),
            Some(20.0),
            Some(0.5),
            Some(3.0),
        ],
    ),
    (
        "公用事业",
        12,
        [
            Some(82.0),
            Some(92.0),
            Some(65.0),
            Some(62.0),
            Some(35.0),
            Some(25.0),
            Some(1.0),
            Some(3.5),
        ],
    ),
    (
        "汽车",
        12,
        [
            Some(40.0),
            Some(88.0),
            Some(18.0),
            Some(60.0),
            Some(8.0),
            Some(18.0),
            Some(4.0),
            Some(1.5),
        ],
    ),
    (
        "机械设备",
        12,
        [
            Some(35.0),
            Some(88.0),
            Some(15.0),
            Some(55.0),
            Some(10.0),
            Some(28.0),
            Some(5.0),
            Some(1.5),
        ],
    ),
    (
        "基础化工",
        10,
        [
            Some(55.0),
            Some(88.0),
            Some(35.0),
            Some(50.0),
            Some(12.0),
            Some(22.0),
            Some(3.0),
            Some(2.0),
        ],
    ),
    (
        "国防军工",
        10,
        [
            Some(30.0),
            Some(90.0),
            Some(15.0),
            Some(50.0),
            Some(5.0),
            Some(25.0),
            Some(6.0),
            Some(0.5),
        ],
    ),
    (
        "石油石化",
        8,
        [
            Some(70.0),
            Some(90.0),
            Some(45.0),
            Some(50.0),
            Some(8.0),
            Some(18.0),
            Some(0.5),
            Some(5.0),
        ],
    ),
    (
        "煤炭",
        8,
        [
            Some(65.0),
            Some(85.0),
            Some(35.0),
            Some(45.0),
            Some(25.0),
            Some(35.0),
            Some(1.5),
            Some(7.0),
        ],
    ),
    (
        "传媒",
        8,
        [
            Some(45.0),
            Some(60.0),
            Some(5.0),
            Some(35.0),
            Some(10.0),
            Some(35.0),
            Some(8.0),
            Some(1.0),
        ],
    ),
    (
        "建筑装饰",
        8,
        [
            Some(35.0),
            Some(88.0),
            Some(5.0),
            Some(75.0),
            Some(2.0),
            Some(11.0),
            Some(3.0),
            Some(3.0),
        ],
    ),
    (
        "家用电器",
        6,
        [
            Some(25.0),
            Some(90.0),
            Some(10.0),
            Some(62.0),
            Some(12.0),
            Some(25.0),
            Some(3.5),
            Some(4.0),
        ],
    ),
    (
        "通信",
        6,
        [
            Some(60.0),
            Some(88.0),
            Some(40.0),
            Some(45.0),
            Some(25.0),
            Some(28.0),
            Some(6.0),
            Some(4.0),
        ],
    ),
    (
        "房地产",
        5,
        [
            Some(20.0),
            Some(95.0),
            Some(1.0),
            Some(78.0),
            Some(5.0),
            Some(20.0),
            Some(0.1),
            Some(3.0),
        ],
    ),
    (
        "农林牧渔",
        4,
        [
            Some(55.0),
            Some(90.0),
            Some(40.0),
            Some(55.0),
            Some(8.0),
            Some(12.0),
            Some(1.0),
            Some(1.0),
        ],
    ),
    (
        "钢铁",
        3,
        [
            Some(55.0),
            Some(90.0),
            Some(40.0),
            Some(55.0),
            Some(8.0),
            Some(8.0),
            Some(3.0),
            Some(3.0),
        ],
    ),
    (
        "建筑材料",
        3,
        [
            Some(60.0),
            Some(88.0),
            Some(40.0),
            Some(40.0),
            Some(15.0),
            Some(28.0),
            Some(2.0),
            Some(4.0),
        ],
    ),
    (
        "社会服务",
        2,
        [
            Some(50.0),
            Some(75.0),
            Some(20.0),
            Some(40.0),
            Some(20.0),
            Some(40.0),
            Some(1.0),
            Some(1.0),
        ],
    ),
    (
        "轻工制造",
        2,
        [
            Some(45.0),
            Some(88.0),
            Some(25.0),
            Some(50.0),
            Some(10.0),
            Some(25.0),
            Some(3.0),
            Some(2.0),
        ],
    ),
    (
        "商贸零售",
        2,
        [
            Some(40.0),
            Some(80.0),
            Some(15.0),
            Some(55.0),
            Some(5.0),
            Some(20.0),
            Some(0.5),
            Some(2.0),
        ],
    ),
    (
        "美容护理",
        2,
        [
            Some(30.0),
            Some(85.0),
            Some(15.0),
            Some(25.0),
            Some(15.0),
            Some(60.0),
            Some(3.0),
            Some(1.5),
        ],
    ),
    (
        "环保",
        2,
        [
            Some(70.0),
            Some(85.0),
            Some(30.0),
            Some(55.0),
            Some(20.0),
            Some(30.0),
            Some(2.0),
            Some(2.0),
        ],
    ),
    (
        "纺织服饰",
        1,
        [
            Some(40.0),
            Some(88.0),
            Some(20.0),
            Some(35.0),
            Some(12.0),
            Some(40.0),
            Some(2.0),
            Some(3.0),
        ],
    ),
    (
        "综合",
        1,
        [
            Some(50.0),
            Some(85.0),
            Some(20.0),
            Some(50.0),
            Some(10.0),
            Some(20.0),
            Some(1.0),
            Some(1.0),
        ],
    ),
];

const HEADER: &str = "证券代码,证券简称,报告期,公告日期,所属申万一级行业,总市值(元),非流动资产/总资产(%),有形资产/总资产(%),固定资产/总资产(%),资产负债率(%),经营活动产生的现金流量净额/营业收入(%),销售毛利率(%),研发费用/营业收入(%),股息率(近12个月)(%)";

/// A deterministic spread in [-1, 1) (a linear congruential generator).
struct Spread(u64);
impl Spread {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
}

/// The export as Wind writes it: a title line, the table, a source footer.
fn csi300_export() -> String {
    let mut out = format!("沪深300成分股 财务指标\n{HEADER}\n");
    let mut spread = Spread(300);
    let mut k = 0;
    for (industry, n, ratios) in INDUSTRIES {
        for _ in 0..*n {
            k += 1;
            let code = if k % 2 == 0 {
                format!("{:06}.SH", 600000 + k)
            } else {
                format!("{:06}.SZ", k)
            };
            let cap = 3e10 * (1.0 + 0.9 * spread.next());
            let cells: Vec<String> = ratios
                .iter()
                .map(|r| match r {
                    // +/- 20% of the level (a broker's cash-flow ratio swings much more).
                    Some(v) if *industry == "非银金融" && *v > 100.0 => {
                        format!("{:.2}", v * 20.0 * spread.next())
                    }
                    Some(v) => format!("{:.2}", v * (1.0 + 0.2 * spread.next())),
                    None => "--".to_string(),
                })
                .collect();
            out += &format!(
                "{code},{industry}{k},2024-12-31,2025-03-{:02},{industry},{cap:.0},{}\n",
                10 + k % 20,
                cells.join(",")
            );
        }
    }
    out += "数据来源：Wind\n";
    out
}

fn load(name: &str, text: &str) -> (tempfile::TempDir, Dataset) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let (bytes, _, bad) = encoding_rs::GB18030.encode(text);
    assert!(!bad);
    std::fs::write(&path, &bytes).unwrap();
    let files = [SourceFile {
        path,
        options: Default::default(),
    }];
    let (ds, skipped) = Dataset::load("csi300", &files).expect("loads");
    assert!(skipped.is_empty());
    (dir, ds)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[test]
fn the_default_lens_on_a_csi300_ratio_export_ranks_heavy_assets_first_and_no_bank() {
    let (_d, ds) = load("沪深300_财务指标.csv", &csi300_export());
    let report = &ds.fundamentals.as_ref().unwrap().report;
    // Every ratio column is read in percent, by its header, and divided by 100.
    let scaled: Vec<&str> = report
        .warnings
        .iter()
        .filter_map(|w| match w {
            LoadWarning::PercentScaled {
                header,
                cue: PercentCue::Header,
            } => Some(header.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(scaled.len(), 8, "{:?}", report.warnings);

    let mut pipe = Pipeline::from_dataset(&ds).expect("inputs");
    let settings = Settings::default();
    let scored = pipe.score(&settings).expect("scores");
    let (cs, sc) = (&scored.prep.cs, &scored.scores);
    assert_eq!(cs.len(), 300);
    // The ratio-level metrics are part of the run; the given ratios feed PP&E intensity,
    // the cash-flow margin and the dividend yield.
    let ids: Vec<&str> = cs.metrics.iter().map(|m| m.id.as_str()).collect();
    for id in [
        "noncurrent_share",
        "tangible_share",
        "rnd_intensity",
        "gross_margin",
        "debt_ratio",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    for id in ["ppe_intensity", "cfo_margin", "dividend_yield"] {
        assert!(
            !scored.prep.base.empty_metrics.contains(&id.to_string()),
            "{id} has values from the given ratio"
        );
    }
    // A ratio is read as a fraction: 公用事业's first company, 82% +/- 20%.
    let k = cs
        .metrics
        .iter()
        .position(|m| m.id == "noncurrent_share")
        .unwrap();
    let first_utility = (0..cs.len())
        .find(|&s| cs.sectors[s] == "公用事业")
        .unwrap();
    let v = cs.raw[k][first_utility];
    assert!((0.65..=0.99).contains(&v), "{v}");

    // Financials are left out by default on A-share data, each with the reason.
    let financials = 23 + 25;
    let left_out = (0..cs.len())
        .filter(|&s| {
            matches!(
                sc.exclusion[s],
                Some(Exclusion::Financial { auto: true, .. })
            )
        })
        .count();
    assert_eq!(left_out, financials);
    assert!(sc.notes.iter().any(|n| matches!(
        n,
        Note::Financials { rule: Financials::Exclude, auto: true, count, .. } if *count == financials
    )));
    let top30: Vec<usize> = (0..cs.len())
        .filter(|&s| sc.rank[s] >= 1 && sc.rank[s] <= 30)
        .collect();
    assert_eq!(top30.len(), 30);
    assert!(
        top30
            .iter()
            .all(|&s| cs.sectors[s] != "银行" && cs.sectors[s] != "非银金融")
    );
    assert!(
        (0..cs.len())
            .filter(|&s| sc.basket.weights[s] > 0.0)
            .all(|s| cs.sectors[s] != "银行" && cs.sectors[s] != "非银金融")
    );

    // By median HALO score: utilities, transport, oil and coal above computers and media.
    let by = |sector: &str| {
        median(
            (0..cs.len())
                .filter(|&s| cs.sectors[s] == sector && sc.halo[s].is_finite())
                .map(|s| sc.halo[s])
                .collect(),
        )
    };
    for heavy in ["公用事业", "交通运输", "石油石化", "煤炭"] {
        for light in ["计算机", "传媒"] {
            assert!(
                by(heavy) > by(light),
                "{heavy} {} vs {light} {}",
                by(heavy),
                by(light)
            );
        }
    }
    // The file's sectors are named as 申万 2021.
    assert!(cs.data_notes.iter().any(|n| matches!(
        n,
        Note::Shenwan { classification: Classification::Sw2021, renamed, .. } if renamed.is_empty()
    )));
}

#[test]
fn financials_kept_are_scored_and_scored_apart_are_standardised_among_themselves() {
    let (_d, ds) = load("沪深300_财务指标.csv", &csi300_export());
    let inputs = Inputs::new(&ds).expect("inputs");
    let mut s = Settings::default();

    // Kept: the financials are scored with the others.
    s.scoring.financials = Financials::Keep;
    let prep = prepare(&inputs.panel, &s.scoring).unwrap();
    assert!(prep.cs.unavailable.iter().all(Option::is_none));

    // Apart: each metric's z-scores have mean 0 among the financials and among the others
    // (plain z-scores: the mean of a standardised group is 0 whatever the winsorising).
    s.scoring.financials = Financials::Apart;
    let prep = prepare(&inputs.panel, &s.scoring).unwrap();
    let cs = &prep.cs;
    assert!(cs.unavailable.iter().all(Option::is_none));
    let fin: Vec<bool> = cs
        .sectors
        .iter()
        .map(|x| x == "银行" || x == "非银金融")
        .collect();
    let k = cs
        .metrics
        .iter()
        .position(|m| m.id == "debt_ratio")
        .unwrap();
    for group in [true, false] {
        let z: Vec<f64> = (0..cs.len())
            .filter(|&i| fin[i] == group && prep.base.z[k][i].is_finite())
            .map(|i| prep.base.z[k][i])
            .collect();
        let mean = z.iter().sum::<f64>() / z.len() as f64;
        assert!(mean.abs() < 1e-12, "group {group}: mean z {mean}");
        let sd = (z.iter().map(|v| v * v).sum::<f64>() / z.len() as f64).sqrt();
        assert!((sd - 1.0).abs() < 1e-12, "group {group}: sd {sd}");
    }
    assert!(cs.data_notes.iter().any(|n| matches!(
        n,
        Note::Financials {
            rule: Financials::Apart,
            auto: false,
            count: 48,
            ..
        }
    )));
}

/// The same ratios as Tushare writes them (English field names, percent, no '%' in the
/// header) and as baostock does (fractions): read alike.
#[test]
fn ratios_in_percent_without_a_percent_sign_are_read_by_their_median() {
    let tushare = "ts_code,name,end_date,ann_date,l1_name,debt_to_assets,grossprofit_margin\n\
                   600900.SH,长江电力,20241231,20250328,公用事业,55.1,58.2\n\
                   601088.SH,中国神华,20241231,20250321,煤炭,24.3,34.9\n\
                   600519.SH,贵州茅台,20241231,20250402,食品饮料,19.0,91.9\n";
    let baostock = "code,code_name,statDate,pubDate,l1_name,liabilityToAsset,gpMargin\n\
                    sh.600900,长江电力,2024-12-31,2025-03-28,公用事业,0.551,0.582\n\
                    sh.601088,中国神华,2024-12-31,2025-03-21,煤炭,0.243,0.349\n\
                    sh.600519,贵州茅台,2024-12-31,2025-04-02,食品饮料,0.190,0.919\n";
    let (_a, ts) = load("fina_indicator.csv", tushare);
    let (_b, bs) = load("profit.csv", baostock);
    let warn = &ts.fundamentals.as_ref().unwrap().report.warnings;
    assert!(
        warn.iter().any(|w| matches!(
            w,
            LoadWarning::PercentScaled { header, cue: PercentCue::HighValues { .. } } if header == "debt_to_assets"
        )),
        "{warn:?}"
    );
    let values = |ds: &Dataset| {
        let inputs = Inputs::new(ds).unwrap();
        let mut v: Vec<f64> = ["debt_to_assets", "gross_margin"]
            .iter()
            .flat_map(|f| inputs.panel.fields[*f].clone())
            .collect();
        v.iter_mut().for_each(|x| *x = (*x * 1e6).round() / 1e6);
        v
    };
    assert_eq!(
        values(&ts),
        [0.19, 0.551, 0.243, 0.919, 0.582, 0.349],
        "Tushare in percent"
    );
    assert_eq!(values(&bs), values(&ts), "baostock in fractions");
    assert!(
        !bs.fundamentals
            .as_ref()
            .unwrap()
            .report
            .warnings
            .iter()
            .any(|w| matches!(w, LoadWarning::PercentScaled { .. }))
    );
}

/// 申万 2014 names (采掘, 化工, 电气设备) renamed to 2021, by level 2 where it decides.
#[test]
fn shenwan_2014_names_are_recognised_and_renamed_to_2021() {
    let file = "证券代码,证券简称,报告期,申万一级行业,申万二级行业,总资产,固定资产\n\
                601088.SH,中国神华,2024-12-31,采掘,煤炭开采,100,40\n\
                600028.SH,中国石化,2024-12-31,化工,石油化工,100,45\n\
                601857.SH,中国石油,2024-12-31,采掘,石油开采,100,50\n\
                600188.SH,兖矿能源,2024-12-31,采掘,,100,35\n\
                600309.SH,万华化学,2024-12-31,化工,化学制品,100,30\n\
                300750.SZ,宁德时代,2024-12-31,电气设备,电源设备,100,20\n\
                600900.SH,长江电力,2024-12-31,公用事业,电力,100,70\n\
                000001.SZ,平安银行,2024-12-31,银行,银行,100,1\n";
    let (_d, ds) = load("sw2014.csv", file);
    let inputs = Inputs::new(&ds).unwrap();
    let sector = |t: &str| {
        let s = inputs.panel.tickers.iter().position(|x| x == t).unwrap();
        inputs.panel.sectors[inputs.panel.spans[s].start].clone()
    };
    assert_eq!(sector("601088.SH"), "煤炭");
    assert_eq!(sector("600028.SH"), "石油石化");
    assert_eq!(sector("601857.SH"), "石油石化");
    assert_eq!(sector("600188.SH"), "采掘", "no level 2: not split");
    assert_eq!(sector("600309.SH"), "基础化工");
    assert_eq!(sector("300750.SZ"), "电力设备");
    assert_eq!(sector("600900.SH"), "公用事业");
    let note = inputs
        .panel
        .notes
        .iter()
        .find(|n| matches!(n, Note::Shenwan { .. }))
        .expect("a 申万 note");
    let Note::Shenwan {
        classification,
        renamed,
        unsplit,
        ..
    } = note
    else {
        unreachable!()
    };
    assert_eq!(*classification, Classification::Sw2014);
    assert!(renamed.contains(&("采掘".into(), "煤炭".into(), 1)));
    assert!(renamed.contains(&("化工".into(), "石油石化".into(), 1)));
    assert_eq!(unsplit, &[("采掘".to_string(), 1)]);
    assert_eq!(renamed.len(), 5, "{renamed:?}: no 公用事业 -> 公用事业");
    let zh = halo_workbench::i18n::Localize::localize(note, halo_workbench::i18n::Lang::Zh);
    assert!(zh.contains("2014 版") && zh.contains("采掘 → 煤炭"), "{zh}");
}

/// In the window: the export opened through the menu's command leaves the financials out
/// and says why; Scoring options -> Financials -> score apart scores them.
#[test]
fn the_window_leaves_financials_out_and_scores_them_apart_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("沪深300_财务指标.csv");
    let text = csi300_export();
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    std::fs::write(&path, &bytes).unwrap();
    let mut h = common::open([1400.0, 900.0], PersistedState::default());
    h.state_mut().push(Command::OpenData(vec![path]));
    common::settle(&mut h);
    let scored = |h: &egui_kittest::Harness<'static, halo_workbench::app::WorkbenchApp>| {
        let r = h.state().results.as_ref().unwrap();
        r.scores().included.iter().filter(|x| **x).count()
    };
    assert!(h.state().errors.is_empty(), "{:?}", h.state().errors);
    assert_eq!(scored(&h), 300 - 48);
    h.get_by_label("Scoring options").click();
    h.run();
    h.get_by_label("score apart").scroll_to_me();
    h.run();
    h.get_by_label("score apart").click();
    common::settle(&mut h);
    assert_eq!(scored(&h), 300);
    assert_eq!(
        h.state().state.settings.scoring.financials,
        Financials::Apart
    );
}

/// A dataset of a GB18030 fundamentals export and the tables beside it (a membership
/// history first).
fn load_with_members(fundamentals: &str, tables: &[(&str, &str)]) -> Dataset {
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![("财务指标.csv", fundamentals)];
    files.extend_from_slice(tables);
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(name, text)| {
            let path = dir.path().join(name);
            std::fs::write(&path, encoding_rs::GB18030.encode(text).0).unwrap();
            SourceFile {
                path,
                options: Default::default(),
            }
        })
        .collect();
    let (ds, skipped) = Dataset::load("members", &files).expect("loads");
    assert!(skipped.is_empty());
    assert!(ds.attributes.is_some(), "the history is read as attributes");
    ds
}

/// The sector of `ticker`'s report of period `date`.
fn sector_at(inputs: &Inputs, ticker: &str, date: &str) -> String {
    let p = &inputs.panel;
    let s = p.tickers.iter().position(|t| t == ticker).unwrap();
    let day = halo_workbench::data::dates::to_epoch_days(date.parse().unwrap());
    let r = p.spans[s].clone().find(|&r| p.dates[r] == day).unwrap();
    p.sectors[r].clone()
}

/// A Wind membership history (证券代码, 申万一级行业, 纳入日期: each row holds until the
/// code's next one) moves a company's reports between industries by their period date;
/// the export's own 申万一级行业 (today's) stays only for the report before the history
/// starts, and a note says so.
#[test]
fn a_membership_history_sets_each_reports_industry_at_its_period_date() {
    let fundamentals = "证券代码,证券简称,报告期,申万一级行业,总资产,固定资产\n\
        300001.SZ,特锐德,2018-12-31,电力设备,100,40\n\
        300001.SZ,特锐德,2022-12-31,电力设备,100,42\n\
        300001.SZ,特锐德,2023-12-31,电力设备,100,44\n\
        600900.SH,长江电力,2022-12-31,公用事业,100,70\n\
        600900.SH,长江电力,2023-12-31,公用事业,100,71\n\
        601006.SH,大秦铁路,2022-12-31,交通运输,100,60\n\
        601006.SH,大秦铁路,2023-12-31,交通运输,100,61\n";
    let members = "证券代码,申万一级行业,纳入日期\n\
        300001.SZ,机械设备,2019-01-01\n\
        300001.SZ,电力设备,2023-12-31\n\
        600900.SH,公用事业,2003-11-18\n";
    let ds = load_with_members(fundamentals, &[("申万行业成分.csv", members)]);
    let inputs = Inputs::new(&ds).unwrap();
    // Before the history: the export's own; in it, the row in effect at the period date
    // (2023-12-31: the row taking effect that day).
    assert_eq!(sector_at(&inputs, "300001.SZ", "2018-12-31"), "电力设备");
    assert_eq!(sector_at(&inputs, "300001.SZ", "2022-12-31"), "机械设备");
    assert_eq!(sector_at(&inputs, "300001.SZ", "2023-12-31"), "电力设备");
    assert_eq!(sector_at(&inputs, "601006.SH", "2023-12-31"), "交通运输");
    let j = inputs.attributes.as_ref().unwrap();
    let d = j.dated.as_ref().expect("joined point in time");
    // Reports of listed securities: 300001's 3 and 600900's 2; 4 covered; one regrouped
    // (300001's 2022 report); 300001 moves.
    assert_eq!(
        (d.ends, d.reports, d.in_effect, d.regrouped, d.moved),
        (false, 5, 4, 1, 1)
    );
    assert_eq!(j.matched, 2, "601006 is not in the history");
    assert!(
        inputs.panel.notes.contains(&Note::AttributesNotInEffect {
            file: "申万行业成分.csv".into(),
            reports: 1,
            of: 5
        }),
        "{:?}",
        inputs.panel.notes
    );
    let zh = halo_workbench::i18n::Localize::localize(j, halo_workbench::i18n::Lang::Zh);
    assert!(
        zh.contains("按时点") && zh.contains("5 期报告中 4 期"),
        "{zh}"
    );

    // The ranking as of mid-2023 groups 300001 by its 2022 report: 机械设备.
    let mut settings = Settings::default();
    settings.scoring.as_of = Some("2023-06-30".parse().unwrap());
    let cs = prepare(&inputs.panel, &settings.scoring).unwrap().cs;
    let i = cs.tickers.iter().position(|t| t == "300001.SZ").unwrap();
    assert_eq!(cs.sectors[i], "机械设备");
}

/// A Tushare `index_member_all` history (ts_code, l1_name, l2_name, in_date, out_date as
/// yyyymmdd, an empty out_date for a current member): the 申万 2014 rows before the 2021
/// reclassification and the 2021 rows after it both end up in 2021 names, a row holds
/// through its out_date, and a report after a security left every row keeps its own.
#[test]
fn a_tushare_membership_history_with_end_dates_is_joined_point_in_time() {
    let fundamentals = "证券代码,证券简称,报告期,申万一级行业,总资产,固定资产\n\
        601088.SH,中国神华,2020-12-31,煤炭,100,40\n\
        601088.SH,中国神华,2021-06-30,煤炭,100,41\n\
        601088.SH,中国神华,2021-12-31,煤炭,100,42\n\
        600028.SH,中国石化,2020-12-31,石油石化,100,45\n\
        600028.SH,中国石化,2021-12-31,石油石化,100,46\n\
        000002.SZ,万科A,2021-12-31,房地产,100,5\n\
        000002.SZ,万科A,2022-12-31,房地产,100,5\n";
    let members = "l1_name,l2_name,ts_code,name,in_date,out_date,is_new\n\
        采掘,煤炭开采,601088.SH,中国神华,20140101,20210730,N\n\
        煤炭,煤炭开采,601088.SH,中国神华,20210730,,Y\n\
        化工,石油化工,600028.SH,中国石化,20140101,20210730,N\n\
        石油石化,炼化及贸易,600028.SH,中国石化,20210730,,Y\n\
        公用事业,电力,000002.SZ,万科A,20140101,20211231,N\n";
    let ds = load_with_members(fundamentals, &[("index_member_all.csv", members)]);
    let inputs = Inputs::new(&ds).unwrap();
    let p = &inputs.panel;
    let industry_at = |t: &str, date: &str| {
        let s = p.tickers.iter().position(|x| x == t).unwrap();
        let day = halo_workbench::data::dates::to_epoch_days(date.parse().unwrap());
        let r = p.spans[s].clone().find(|&r| p.dates[r] == day).unwrap();
        p.industries[r].clone()
    };
    // 2014 rows (采掘 / 煤炭开采, 化工 / 石油化工) renamed by level 2 to the 2021 names.
    assert_eq!(sector_at(&inputs, "601088.SH", "2021-06-30"), "煤炭");
    assert_eq!(industry_at("601088.SH", "2021-06-30"), "煤炭开采");
    assert_eq!(sector_at(&inputs, "600028.SH", "2020-12-31"), "石油石化");
    assert_eq!(industry_at("600028.SH", "2020-12-31"), "石油化工");
    assert_eq!(industry_at("600028.SH", "2021-12-31"), "炼化及贸易");
    // In the row through its out_date 2021-12-31; after it, the export's own.
    assert_eq!(sector_at(&inputs, "000002.SZ", "2021-12-31"), "公用事业");
    assert_eq!(sector_at(&inputs, "000002.SZ", "2022-12-31"), "房地产");
    let d = inputs.attributes.as_ref().unwrap().dated.clone().unwrap();
    // 2014 rows renamed back to the export's own names are no change: only 000002's
    // 2021 report moves (to 公用事业).
    assert_eq!(
        (d.ends, d.reports, d.in_effect, d.regrouped, d.moved),
        (true, 7, 6, 1, 1)
    );
    let shenwan = p
        .notes
        .iter()
        .find_map(|n| match n {
            Note::Shenwan { classification, .. } => Some(*classification),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        shenwan,
        Classification::Mixed,
        "2014 and 2021 names over time"
    );
}

/// A history beside an undated table (AI exposure by code): the undated rows hold always,
/// their numbers reach the reports the history covers and their sectors only fill; a
/// current row ending 9999-12-31 is still in effect; a security whose history starts
/// after its reports is listed, not "without a row", and the note counts its reports.
#[test]
fn a_membership_history_beside_an_undated_table_keeps_both() {
    let fundamentals = "证券代码,证券简称,报告期,申万一级行业,申万二级行业,总资产,固定资产\n\
        601088.SH,中国神华,2022-12-31,煤炭,煤炭开采,100,40\n\
        601088.SH,中国神华,2023-12-31,煤炭,煤炭开采,100,41\n\
        600019.SH,宝钢股份,2023-12-31,钢铁,普钢,100,50\n";
    let members = "证券代码,申万一级行业,纳入日期,剔除日期\n\
        601088.SH,石油石化,2014-01-01,2022-12-31\n\
        601088.SH,煤炭,2023-01-01,9999-12-31\n\
        600019.SH,钢铁,2030-01-01,\n";
    let exposure = "证券代码,申万一级行业,ai_exposure\n\
        601088.SH,公用事业,0.2\n\
        600019.SH,钢铁,0.3\n";
    let ds = load_with_members(
        fundamentals,
        &[("申万行业成分.csv", members), ("ai.csv", exposure)],
    );
    let inputs = Inputs::new(&ds).unwrap();
    let p = &inputs.panel;
    // The history's sector (its 2022 row through 2022-12-31), not the undated file's.
    assert_eq!(sector_at(&inputs, "601088.SH", "2022-12-31"), "石油石化");
    assert_eq!(sector_at(&inputs, "601088.SH", "2023-12-31"), "煤炭");
    // A history without level 2 that changes the sector clears the export's (煤炭开采).
    let shenhua = p.spans[p.tickers.iter().position(|t| t == "601088.SH").unwrap()].start;
    assert_eq!(p.industries[shenhua], "");
    assert_eq!(p.industries[shenhua + 1], "煤炭开采");
    // The undated table's numbers on every report.
    assert_eq!(p.fields["ai_exposure"], vec![0.3, 0.2, 0.2], "by ticker");
    let j = inputs.attributes.as_ref().unwrap();
    let d = j.dated.as_ref().unwrap();
    assert_eq!(
        (
            d.ends,
            d.reports,
            d.in_effect,
            d.regrouped,
            d.moved,
            d.industries_cleared
        ),
        (true, 3, 2, 1, 1, 1)
    );
    assert_eq!((j.matched, j.unmatched.len()), (2, 0), "600019 is listed");
    assert!(j.unused.is_empty(), "{:?}", j.unused);
    assert!(
        p.notes.contains(&Note::AttributesNotInEffect {
            file: "申万行业成分.csv + ai.csv".into(),
            reports: 1,
            of: 3
        }),
        "{:?}",
        p.notes
    );
}
