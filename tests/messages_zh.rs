//! The Chinese interface covers the messages the loader and the engine produce: every
//! error, load-report line and exclusion reason below comes from the real code on real
//! (bad) input, and each must have a Chinese form that keeps its file, row and column.
//! Messages are typed: each is written in both languages by the type itself, so a file's
//! path is a field inserted as it is, never parsed back out of English.

use std::path::Path;
use std::sync::Arc;

use halo_workbench::data::{self, LoadError, LoadOptions, TableKind};
use halo_workbench::engine::pipeline::{Inputs, Pipeline};
use halo_workbench::engine::settings::Settings;
use halo_workbench::i18n::{Lang, Localize};

/// The Chinese form: it must keep `keep` and leave no English phrase (three lower-case
/// words in a row) behind.
fn zh(msg: &dyn Localize, keep: &[&str]) -> String {
    let en = msg.localize(Lang::En);
    let t = msg.localize(Lang::Zh);
    assert_ne!(t, en, "no Chinese for {en:?}");
    let msg = &en;
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

fn load_err(dir: &Path, name: &str, bytes: &[u8], kind: TableKind) -> LoadError {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    let opts = LoadOptions {
        kind: Some(kind),
        ..Default::default()
    };
    data::load_file(&p, &opts).unwrap_err()
}

#[test]
fn load_errors_read_in_chinese_with_file_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = TableKind::Fundamentals;
    let cases: Vec<(LoadError, Vec<&str>)> = vec![
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
    let gone = data::load_file(&d.join("gone.csv"), &LoadOptions::default()).unwrap_err();
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
        zh(pr, &[&pr.header, &format!("第 {} 行", pr.examples[0].0)]);
    }
    for w in &r.warnings {
        zh(w, &[]);
    }
    for e in &r.excluded {
        zh(e, &[]);
    }
    // The whole report, as `inspect` prints it.
    zh(r, &["mixed.csv"]);
}

#[test]
fn exclusion_reasons_and_engine_errors_read_in_chinese() {
    let ds = data::load_sample().unwrap();
    let mut p = Pipeline::new(Arc::new(Inputs::new(&ds).unwrap()));
    let mut s = Settings::default();
    // Low coverage, no report yet (an early as-of date) and stale reports (a short limit).
    let mut reasons = Vec::new();
    for (coverage, as_of, staleness) in [
        (0.9, None, 450),
        (0.5, Some("2014-03-31"), 450),
        (0.5, None, 100),
    ] {
        s.scoring.min_coverage = coverage;
        s.scoring.as_of = as_of.map(|d| d.parse().unwrap());
        s.scoring.max_staleness_days = staleness;
        let sc = p.score(&s).unwrap();
        for e in sc.scores.exclusion.iter().flatten() {
            if !reasons.contains(e) {
                reasons.push(e.clone());
            }
        }
    }
    for start in ["coverage", "no report known", "stale data"] {
        assert!(
            reasons.iter().any(|r| r.to_string().starts_with(start)),
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
        let sc = p.score(&s).unwrap();
        let out = p.scenarios(&s, &sc, &[bad.clone()]);
        let e = out[0].as_ref().unwrap_err();
        zh(e, &[from, to]);
    }
}

#[test]
fn paths_with_spaces_for_to_and_chinese_survive_every_message_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["Data for 2024 to 2025", "数据 2024", "a: b; c"] {
        let d = dir.path().join(folder);
        std::fs::create_dir_all(&d).unwrap();
        let file = |name: &str| d.join(name).display().to_string();
        let f = TableKind::Fundamentals;
        let errors = [
            load_err(&d, "empty file.csv", b"", f),
            load_err(&d, "two columns for one.csv", b"a:b\n1:2\n", f),
            load_err(
                &d,
                "no sector to map.csv",
                b"ticker,date,total_assets\nA,2016-12-31,1\n",
                f,
            ),
            data::load_file(&d.join("gone for good.csv"), &LoadOptions::default()).unwrap_err(),
            load_err(&d, "财务 数据.csv", b"ticker,date,sector\n", f),
        ];
        let names = [
            "empty file.csv",
            "two columns for one.csv",
            "no sector to map.csv",
            "gone for good.csv",
            "财务 数据.csv",
        ];
        for (e, name) in errors.iter().zip(names) {
            let path = file(name);
            for lang in [Lang::En, Lang::Zh] {
                let text = e.localize(lang);
                assert!(
                    text.starts_with(&path),
                    "{lang:?}: {text:?} does not start with {path:?}"
                );
            }
        }
    }
}
