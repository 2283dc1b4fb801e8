//! A-share trading rules in the backtest (issue 13, item 6): a hand-made daily price path
//! of ten A-shares with a limit-up day, a limit-down day, a suspension and a name turning
//! ST, where each rule's replayed spread equals the spread worked out by hand below from
//! the prices and the holdings each rule leaves.
//!
//! Ten names A0..A9 (600001.SH..600010.SH) score by PP&E intensity alone; two quantiles.
//! Prices move only on the first trading day of a month, except:
//! - A9 closes +10% on 2024-01-31 (limit-up on the first rebalance: it cannot be bought);
//! - A4 is suspended 2024-02-26..29, the day it moves from the bottom to the top quantile
//!   (a new report, disclosed 2024-02-20, lifts its score);
//! - A5 closes -10% on 2024-02-29, the day its new report drops it from the top to the
//!   bottom (limit-down: it cannot be sold);
//! - A1 is named *ST一号 from March.

use halo_workbench::data::{Dataset, SourceFile};
use halo_workbench::engine::pipeline::Pipeline;
use halo_workbench::engine::settings::{Settings, Switch};
use halo_workbench::engine::trading::{Replay, Rule, Unmeasured};

/// Month-end levels (Jan, Feb, Mar, Apr) of A0..A9, each holding from the month's first
/// trading day; the exceptions are written in `prices`.
const LEVELS: [[f64; 4]; 10] = [
    [10.0, 10.0, 10.0, 10.0],
    [10.0, 10.0, 10.5, 9.0],
    [10.0, 10.2, 10.2, 10.2],
    [10.0, 9.8, 9.8, 9.8],
    [10.0, 10.0, 11.0, 11.0],
    [10.0, 9.0, 9.9, 9.9],
    [10.0, 10.5, 10.5, 11.0],
    [10.0, 10.3, 10.3, 10.3],
    [10.0, 10.1, 10.4, 10.4],
    [11.0, 12.1, 12.1, 12.1],
];

fn code(i: usize) -> String {
    format!("{:06}.SH", 600001 + i)
}

fn fundamentals() -> String {
    let mut s = String::from("证券代码,证券简称,报告期,公告日期,所属行业,总资产,固定资产\n");
    for i in 0..10 {
        let share = 5 + 9 * i;
        s += &format!(
            "{},A{i},2023-09-30,2023-10-28,公用事业,100,{share}\n",
            code(i)
        );
    }
    // New annual reports: A4 to the top (95%), A5 to the bottom (1%).
    s += &format!("{},A4,2023-12-31,2024-02-20,公用事业,100,95\n", code(4));
    s += &format!("{},A5,2023-12-31,2024-02-20,公用事业,100,1\n", code(5));
    s
}

fn prices() -> String {
    let mut s = String::from("证券代码,证券简称,交易日期,收盘价,成交量\n");
    let mut day = chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
    let end = chrono::NaiveDate::from_ymd_opt(2024, 4, 30).unwrap();
    use chrono::Datelike;
    while day <= end {
        if day.weekday().number_from_monday() <= 5 {
            let m = day.month0() as usize;
            let d = day.to_string();
            for (i, levels) in LEVELS.iter().enumerate() {
                let mut close = levels[m];
                if i == 9 && m == 0 && d != "2024-01-31" {
                    close = 10.0;
                }
                if i == 5 && m == 1 && d != "2024-02-29" {
                    close = 10.0;
                }
                if i == 4 && ("2024-02-26".."2024-03-01").contains(&d.as_str()) {
                    continue;
                }
                let name = if i == 1 && m >= 2 {
                    "*ST一号".to_string()
                } else {
                    format!("A{i}")
                };
                s += &format!("{},{name},{d},{close},1000\n", code(i));
            }
        }
        day = day.succ_opt().unwrap();
    }
    s
}

fn pipeline() -> (tempfile::TempDir, Pipeline) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("财务.csv");
    let p = dir.path().join("日行情.csv");
    std::fs::write(&f, fundamentals()).unwrap();
    std::fs::write(&p, prices()).unwrap();
    let files = [f, p].map(|path| SourceFile {
        path,
        options: Default::default(),
    });
    let (ds, skipped) = Dataset::load("trading", &files).expect("loads");
    assert!(skipped.is_empty());
    (dir, Pipeline::from_dataset(&ds).expect("inputs"))
}

fn settings() -> Settings {
    let mut s = Settings::default();
    s.analytics.quantiles = 2;
    s
}

/// A name's return over a period, from its prices at the two dates.
fn ret(i: usize, from: usize, to: usize) -> f64 {
    // A4's February price is its last before the suspension: its January level holds.
    let level = |i: usize, m: usize| LEVELS[i][m];
    level(i, to) / level(i, from) - 1.0
}

fn mean_of(names: &[usize], from: usize) -> f64 {
    names.iter().map(|&i| ret(i, from, from + 1)).sum::<f64>() / names.len() as f64
}

/// The mean over the three periods of top minus bottom, the holdings given per period.
fn spread(periods: [(&[usize], &[usize]); 3]) -> f64 {
    periods
        .iter()
        .enumerate()
        .map(|(p, (top, bottom))| mean_of(top, p) - mean_of(bottom, p))
        .sum::<f64>()
        / 3.0
        * 1e4
}

#[test]
fn each_rule_replayed_alone_and_together_equals_the_hand_computation() {
    let (_d, mut pipe) = pipeline();
    let r = pipe.backtest(&settings()).expect("backtest");
    assert_eq!(
        r.dates.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        ["2024-01-31", "2024-02-29", "2024-03-31"]
    );
    let t = r.trading.as_ref().expect("A-share data: the rules are on");
    assert!(t.auto);
    assert_eq!(t.periods, 3);

    // Targets: January A5..A9 on top, A0..A4 at the bottom; from February A4 and A5 swap.
    let (top1, bot1): (&[usize], &[usize]) = (&[5, 6, 7, 8, 9], &[0, 1, 2, 3, 4]);
    let (top2, bot2): (&[usize], &[usize]) = (&[4, 6, 7, 8, 9], &[0, 1, 2, 3, 5]);
    let baseline = spread([(top1, bot1), (top2, bot2), (top2, bot2)]);
    assert!(
        (t.baseline_bps - baseline).abs() < 1e-9,
        "{} vs {baseline}",
        t.baseline_bps
    );

    let replay = |rule: Rule| -> Replay {
        let e = t.rules.iter().find(|e| e.rule == rule).unwrap();
        assert!(e.on, "{rule:?} on by default");
        e.outcome.expect("measured")
    };
    let check = |x: Replay, expected: f64, blocked: usize| {
        assert!(
            (x.spread_bps - expected).abs() < 1e-9,
            "{} vs {expected}",
            x.spread_bps
        );
        assert!((x.effect_bps - (expected - baseline)).abs() < 1e-9);
        assert_eq!(x.blocked, blocked);
    };
    // A9 cannot be bought at its limit-up on 2024-01-31.
    check(
        replay(Rule::NoBuyAtLimitUp),
        spread([(&[5, 6, 7, 8], bot1), (top2, bot2), (top2, bot2)]),
        1,
    );
    // A5 cannot be sold from the top at its limit-down on 2024-02-29 (it is bought into
    // the bottom: a limit-down day blocks no buy); sold in March.
    check(
        replay(Rule::NoSellAtLimitDown),
        spread([(top1, bot1), (&[4, 5, 6, 7, 8, 9], bot2), (top2, bot2)]),
        1,
    );
    // Suspended on 2024-02-29, A4 is neither bought into the top nor sold from the bottom;
    // it trades again in March.
    check(
        replay(Rule::Suspensions),
        spread([
            (top1, bot1),
            (&[6, 7, 8, 9], &[0, 1, 2, 3, 4, 5]),
            (top2, bot2),
        ]),
        2,
    );
    // ST from March: A1 leaves the bottom at the March rebalance.
    check(
        replay(Rule::ExcludeSt),
        spread([(top1, bot1), (top2, bot2), (top2, &[0, 2, 3, 5])]),
        1,
    );
    // All four: A9 waits a month; in February A5 stays on top, A4 stays at the bottom and
    // A5 joins it; in March everything trades and A1 is left out.
    check(
        t.with_rules.expect("all rules"),
        spread([
            (&[5, 6, 7, 8], bot1),
            (&[5, 6, 7, 8, 9], &[0, 1, 2, 3, 4, 5]),
            (top2, &[0, 2, 3, 5]),
        ]),
        1 + 3 + 1,
    );
    // Said in both languages.
    let en = halo_workbench::engine::trading::lines(t, halo_workbench::i18n::Lang::En);
    let zh = halo_workbench::engine::trading::lines(t, halo_workbench::i18n::Lang::Zh);
    assert!(en[0].contains("bps") && en.iter().any(|l| l.contains("no buy at limit-up")));
    assert!(zh[0].contains("基点") && zh.iter().any(|l| l.contains("涨停不买入")));
}

#[test]
fn rules_switched_off_are_not_replayed_and_monthly_prices_say_why() {
    let (_d, mut pipe) = pipeline();
    let mut s = settings();
    s.analytics.trading.limits = Switch::Off;
    s.analytics.trading.suspensions = Switch::Off;
    s.analytics.trading.st = Switch::Off;
    assert!(pipe.backtest(&s).unwrap().trading.is_none());

    // The same names on month-end prices: limits and suspensions cannot be seen.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("财务.csv");
    let p = dir.path().join("月行情.csv");
    std::fs::write(&f, fundamentals()).unwrap();
    let mut monthly = String::from("证券代码,证券简称,交易日期,收盘价\n");
    for (i, levels) in LEVELS.iter().enumerate() {
        for (m, d) in ["2024-01-31", "2024-02-29", "2024-03-29", "2024-04-30"]
            .iter()
            .enumerate()
        {
            monthly += &format!("{},A{i},{d},{}\n", code(i), levels[m]);
        }
    }
    std::fs::write(&p, monthly).unwrap();
    let files = [f, p].map(|path| SourceFile {
        path,
        options: Default::default(),
    });
    let (ds, _) = Dataset::load("monthly", &files).unwrap();
    let mut pipe = Pipeline::from_dataset(&ds).unwrap();
    let r = pipe.backtest(&settings()).unwrap();
    let t = r.trading.expect("on by default");
    for e in &t.rules {
        match e.rule {
            Rule::ExcludeSt => assert!(e.outcome.is_ok()),
            _ => assert!(matches!(e.outcome, Err(Unmeasured::MonthlyPrices)), "{e:?}"),
        }
    }
}
