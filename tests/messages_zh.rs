//! The Chinese interface covers the messages the loader and the engine produce: every
//! error, load-report line and exclusion reason below comes from the real code on real
//! (bad) input, and each must have a Chinese form that keeps its file, row and column.

use std::path::Path;

use halo_workbench::app::i18n::translate_msg;
use halo_workbench::data::{self, LoadOptions, TableKind};
use halo_workbench::engine::analysis::{self, Inputs};
use halo_workbench::settings::Settings;

/// The Chinese form; it must exist, keep `keep`, and leave no English phrase (three
/// lower-case words in a row) behind.
fn zh(msg: &str, keep: &[&str]) -> String {
    let t = translate_msg(msg).unwrap_or_else(|| panic!("no Chinese for {msg:?}"));
    for k in keep {
        assert!(t.contains(k), "{t:?} lost {k:?} (from {msg:?})");
    }
    let words: Vec<&str> = t.split([' ', '(', ')', ',', '.']).collect();
    for w in words.windows(3) {
        assert!(
            !w.iter()
                .all(|x| x.len() > 1 && x.chars().all(|c| c.is_ascii_lowercase())),
            "English left in {t:?} (from {msg:?})"
        );
    }
    t
}

fn load_err(dir: &Path, name: &str, bytes: &[u8], kind: TableKind) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    let opts = LoadOptions {
        kind: Some(kind),
        ..Default::default()
    };
    data::load_file(&p, &opts).unwrap_err().to_string()
}

#[test]
fn load_errors_read_in_chinese_with_file_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = TableKind::Fundamentals;
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            load_err(d, "empty.csv", b"", f),
            vec!["empty.csv", "0 字节"],
        ),
        (
            load_err(d, "chart.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", f),
            vec!["chart.csv", "PNG"],
        ),
        (
            load_err(d, "blob.csv", b"ab\0cd\x01\x02", f),
            vec!["blob.csv", "偏移 2"],
        ),
        (
            load_err(
                d,
                "colon.csv",
                b"ticker:date:sector\nXOM:2016-12-31:Energy\n",
                f,
            ),
            vec!["colon.csv", "ticker:date:sector", "分隔符"],
        ),
        (
            load_err(
                d,
                "dup.csv",
                b"ticker,date,sector,Total Assets,Total Assets\nXOM,2016-12-31,Energy,1,2\n",
                f,
            ),
            vec!["dup.csv", "第 1 行", "第 4 列", "第 5 列"],
        ),
        (
            load_err(
                d,
                "nosector.csv",
                b"ticker,date,total_assets\nA,2016-12-31,1\n",
                f,
            ),
            vec!["nosector.csv", "基本面表", "sector"],
        ),
        (
            load_err(
                d,
                "noclose.csv",
                b"ticker,date,volume\nA,2016-12-31,1\n",
                TableKind::Prices,
            ),
            vec!["noclose.csv", "价格表", "收盘价或收益率"],
        ),
        (
            load_err(d, "head.csv", b"ticker,date,sector\n", f),
            vec!["head.csv", "没有数据行"],
        ),
    ];
    for (msg, keep) in &cases {
        zh(msg, keep);
    }
    let gone = data::load_file(&d.join("gone.csv"), &LoadOptions::default())
        .unwrap_err()
        .to_string();
    zh(&gone, &["gone.csv", "不存在"]);
}

#[test]
fn load_report_lines_and_excluded_rows_read_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("mixed.csv");
    std::fs::write(
        &p,
        "ticker,date,sector,Total Assets,ppe_net,ai_exposure\n\
         A,2016-12-31,Energy,100,n.a.,0.2\n\
         B,2016-12-31,Energy,-5,inf,1.7\n\
         C,someday,Energy,7,1,0.1\n\
         ,2016-12-31,Energy,7,1,0.1\n\
         D,2016-12-31,,9,2,0.3\n",
    )
    .unwrap();
    let t = data::load_file(
        &p,
        &LoadOptions {
            kind: Some(TableKind::Fundamentals),
            ..Default::default()
        },
    )
    .unwrap();
    let r = &t.report;
    assert!(r.problems.len() >= 3 && !r.excluded.is_empty() && !r.warnings.is_empty());
    for pr in &r.problems {
        // As the load report pane words it.
        let line = format!(
            "Column '{}', {} cell(s): {}; {}. e.g. row {}: {:?}",
            pr.header, pr.count, pr.problem, pr.action, pr.examples[0].0, pr.examples[0].1
        );
        zh(&line, &[&pr.header, &format!("第 {} 行", pr.examples[0].0)]);
    }
    for w in &r.warnings {
        zh(w, &[]);
    }
    for e in &r.excluded {
        zh(
            &format!("row {}: {}", e.row, e.reason),
            &[&format!("第 {} 行", e.row)],
        );
    }
}

#[test]
fn exclusion_reasons_and_engine_errors_read_in_chinese() {
    let ds = data::load_sample().unwrap();
    let inputs = Inputs::new(&ds).unwrap();
    let mut s = Settings::default();
    // Low coverage, no report yet (an early as-of date) and stale reports (a short limit).
    let mut reasons = std::collections::BTreeSet::new();
    for (coverage, as_of, staleness) in [
        (0.9, None, 450),
        (0.5, Some("2014-03-31"), 450),
        (0.5, None, 100),
    ] {
        s.scoring.min_coverage = coverage;
        s.scoring.as_of = as_of.map(|d| d.parse().unwrap());
        s.scoring.max_staleness_days = staleness;
        let (_, sc) = analysis::scores(&inputs, &s).unwrap();
        reasons.extend(sc.excluded_reason.into_iter().filter(|r| !r.is_empty()));
    }
    for start in ["coverage", "no report known", "stale data"] {
        assert!(
            reasons.iter().any(|r| r.starts_with(start)),
            "{start}: {reasons:?}"
        );
    }
    for r in &reasons {
        zh(r, &[]);
    }
    s = Settings::default();
    // A replay window the prices do not cover, and one that ends before it starts.
    let lib = halo_workbench::engine::scenarios::default_library();
    let mut bad = lib
        .iter()
        .find(|x| x.name.contains("replay"))
        .unwrap()
        .clone();
    for (from, to) in [("1990-01-31", "1990-06-30"), ("2016-06-30", "2015-01-31")] {
        bad.kind = halo_workbench::engine::scenarios::ScenarioKind::Historical {
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
        };
        let (prep, sc) = analysis::scores(&inputs, &s).unwrap();
        let out = analysis::run_scenarios(&inputs, &prep, &sc, &s, &[bad.clone()], None);
        let e = out[0].as_ref().unwrap_err();
        zh(e, &[from, to]);
    }
}
