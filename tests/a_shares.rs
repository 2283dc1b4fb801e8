//! A-share point in time (issue 13, item 1): a report is known from its disclosure date
//! (公告日期) when the file gives one, else, for an A-share, from the statutory deadline of
//! its report type, else after the report lag. A small GB18030 file written here, each
//! as-of date's report worked out by hand from the rules.

use halo_workbench::data::{Dataset, SourceFile};
use halo_workbench::engine::notes::{Exclusion, KnownBy, Note};
use halo_workbench::engine::pipeline::Inputs;
use halo_workbench::engine::score::prepare;
use halo_workbench::engine::settings::{Financials, Settings};

/// 中国石化 with disclosure dates; 平安银行 without (statutory deadlines); Apple without
/// (the 90-day lag).
const FILE: &str = "\
证券代码,证券简称,报告期,公告日期,所属行业,总资产,固定资产,营业收入
600028.SH,中国石化,2023-09-30,2023-10-28,石油石化,100,50,80
600028.SH,中国石化,2023-12-31,2024-03-25,石油石化,110,55,300
600028.SH,中国石化,2024-03-31,2024-04-28,石油石化,112,56,70
000001.SZ,平安银行,2023-09-30,,银行,500,5,40
000001.SZ,平安银行,2023-12-31,,银行,510,5,160
000001.SZ,平安银行,2024-03-31,,银行,520,5,40
000001.SZ,平安银行,2024-06-30,,银行,530,5,80
AAPL,Apple,2023-09-30,,Information Technology,350,40,380
";

fn inputs() -> (tempfile::TempDir, Inputs) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("财务数据.csv");
    let (bytes, _, bad) = encoding_rs::GB18030.encode(FILE);
    assert!(!bad);
    std::fs::write(&path, &bytes).unwrap();
    let files = [SourceFile {
        path,
        options: Default::default(),
    }];
    let (ds, skipped) = Dataset::load("a-shares", &files).expect("loads");
    assert!(skipped.is_empty());
    let inputs = Inputs::new(&ds).expect("inputs");
    (dir, inputs)
}

/// The period of the report each ticker uses at `as_of`, or its exclusion.
fn used(inputs: &Inputs, as_of: &str) -> Vec<(String, Result<String, Exclusion>)> {
    let mut s = Settings::default();
    s.scoring.as_of = Some(as_of.parse().unwrap());
    // The bank is kept: these tests are about when its reports are known.
    s.scoring.financials = Financials::Keep;
    let prep = prepare(&inputs.panel, &s.scoring).expect("prepared");
    let cs = &prep.cs;
    (0..cs.len())
        .map(|i| {
            let r = match (cs.rows[i], &cs.unavailable[i]) {
                (Some(r), _) => Ok(halo_workbench::data::dates::from_epoch_days(
                    inputs.panel.dates[r],
                )
                .unwrap()
                .to_string()),
                (None, Some(e)) => Err(e.clone()),
                (None, None) => panic!("no row and no reason"),
            };
            (cs.tickers[i].clone(), r)
        })
        .collect()
}

fn period(inputs: &Inputs, as_of: &str, ticker: &str) -> Result<String, Exclusion> {
    used(inputs, as_of)
        .into_iter()
        .find(|(t, _)| t == ticker)
        .unwrap()
        .1
}

#[test]
fn a_disclosure_date_sets_when_a_report_is_known() {
    let (_d, inp) = inputs();
    // The annual report is disclosed on 2024-03-25 (90 days after the period would have
    // said 2024-03-30; the statutory rule 2024-04-30).
    assert_eq!(
        period(&inp, "2024-03-24", "600028.SH").unwrap(),
        "2023-09-30"
    );
    assert_eq!(
        period(&inp, "2024-03-25", "600028.SH").unwrap(),
        "2023-12-31"
    );
    // The Q1 report is known from 2024-04-28, before its deadline.
    assert_eq!(
        period(&inp, "2024-04-27", "600028.SH").unwrap(),
        "2023-12-31"
    );
    assert_eq!(
        period(&inp, "2024-04-28", "600028.SH").unwrap(),
        "2024-03-31"
    );
    // Before the first disclosure: the reason names the rule and the day.
    let e = period(&inp, "2023-10-27", "600028.SH").unwrap_err();
    assert!(
        matches!(e, Exclusion::NoReport { rule: KnownBy::Disclosed, first: Some(d), .. } if d.to_string() == "2023-10-28"),
        "{e:?}"
    );
    assert!(e.to_string().contains("disclosed"), "{e}");
}

#[test]
fn an_a_share_without_disclosure_dates_is_known_at_the_statutory_deadline() {
    let (_d, inp) = inputs();
    let t = "000001.SZ";
    // Q3 by 31 October.
    let e = period(&inp, "2023-10-30", t).unwrap_err();
    assert!(
        matches!(e, Exclusion::NoReport { rule: KnownBy::Statutory, first: Some(d), .. } if d.to_string() == "2023-10-31"),
        "{e:?}"
    );
    assert_eq!(period(&inp, "2023-10-31", t).unwrap(), "2023-09-30");
    // Annual and Q1 both by 30 April: the Q3 report until then, the Q1 report from then.
    assert_eq!(period(&inp, "2024-04-29", t).unwrap(), "2023-09-30");
    assert_eq!(period(&inp, "2024-04-30", t).unwrap(), "2024-03-31");
    // Half-year by 31 August.
    assert_eq!(period(&inp, "2024-08-30", t).unwrap(), "2024-03-31");
    assert_eq!(period(&inp, "2024-08-31", t).unwrap(), "2024-06-30");
    // Zh names the statutory rule too.
    assert!(
        halo_workbench::i18n::Localize::localize(&e, halo_workbench::i18n::Lang::Zh)
            .contains("法定披露截止日")
    );
}

#[test]
fn other_securities_keep_the_report_lag_and_the_note_counts_each_rule() {
    let (_d, inp) = inputs();
    // 2023-09-30 + 90 days = 2023-12-29.
    let e = period(&inp, "2023-12-28", "AAPL").unwrap_err();
    assert!(
        matches!(e, Exclusion::NoReport { rule: KnownBy::Lag, lag_days: 90, first: Some(d), .. } if d.to_string() == "2023-12-29"),
        "{e:?}"
    );
    assert_eq!(period(&inp, "2023-12-29", "AAPL").unwrap(), "2023-09-30");
    let note = Note::KnownDates {
        disclosed: 3,
        statutory: 4,
        lag: 1,
    };
    assert!(inp.panel.notes.contains(&note), "{:?}", inp.panel.notes);
    // The default as-of is the day the last report is known: 平安银行's half-year, 2024-08-31.
    assert_eq!(
        inp.panel.latest_known(90).unwrap().to_string(),
        "2024-08-31"
    );
}
