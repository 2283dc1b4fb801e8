//! One test per kind of bad input the foundation issue lists. Each checks that the message
//! names the file and, where one applies, the row and column, and that nothing panics.

use std::path::{Path, PathBuf};

use halo_workbench::data::{self, Dataset, LoadError, LoadOptions, Progress, TableKind};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn fundamentals() -> LoadOptions {
    LoadOptions {
        kind: Some(TableKind::Fundamentals),
        ..Default::default()
    }
}

const GOOD: &str = "ticker,date,sector,total_assets,ppe_net\nXOM,2016-12-31,Energy,330314,244224\nMSFT,2016-06-30,Information Technology,193694,18356\n";

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "empty.csv", b"");
    let e = data::load_file(&p, &fundamentals()).unwrap_err();
    assert!(matches!(e, LoadError::Empty { .. }), "{e}");
    assert!(
        e.to_string().contains("empty.csv") && e.to_string().contains("empty"),
        "{e}"
    );
    // Whitespace only is empty too.
    let p = write(dir.path(), "blank.csv", b"\n \n");
    assert!(matches!(
        data::load_file(&p, &fundamentals()),
        Err(LoadError::Empty { .. })
    ));
}

#[test]
fn binary_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "chart.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let e = data::load_file(&p, &fundamentals()).unwrap_err();
    assert!(matches!(e, LoadError::Binary { .. }), "{e}");
    assert!(
        e.to_string().contains("chart.csv") && e.to_string().contains("PNG"),
        "{e}"
    );
    // Unknown binary: NUL bytes, with the offset named.
    let p = write(dir.path(), "blob.csv", b"ab\0cd\x01\x02");
    let e = data::load_file(&p, &fundamentals()).unwrap_err();
    assert!(e.to_string().contains("NUL byte at offset 2"), "{e}");
}

#[test]
fn wrong_delimiter() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "colon.csv",
        b"ticker:date:sector\nXOM:2016-12-31:Energy\n",
    );
    let e = data::load_file(&p, &fundamentals()).unwrap_err();
    assert!(matches!(e, LoadError::OneColumn { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("colon.csv")
            && msg.contains("delimiter")
            && msg.contains("ticker:date:sector"),
        "{msg}"
    );
}

#[test]
fn duplicate_headers() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "dup.csv",
        b"ticker,date,sector,Total Assets,Total Assets\nXOM,2016-12-31,Energy,1,2\n",
    );
    let e = data::load_file(&p, &fundamentals()).unwrap_err();
    match &e {
        LoadError::DuplicateHeader {
            header,
            first,
            second,
            ..
        } => {
            assert_eq!((header.as_str(), *first, *second), ("Total Assets", 4, 5));
        }
        other => panic!("{other}"),
    }
    assert!(
        e.to_string().contains("dup.csv") && e.to_string().contains("row 1"),
        "{e}"
    );
}

#[test]
fn text_in_a_numeric_column() {
    let dir = tempfile::tempdir().unwrap();
    // The text sits past polars' 1000-row inference window, the hard case.
    let mut csv = String::from("ticker,date,sector,total_assets\n");
    for i in 0..1500 {
        let v = if i == 1200 {
            "n.a.".to_string()
        } else {
            format!("{}", 100 + i)
        };
        csv.push_str(&format!("T{i},2016-12-31,Energy,{v}\n"));
    }
    let p = write(dir.path(), "text.csv", csv.as_bytes());
    let t = data::load_file(&p, &fundamentals()).unwrap();
    let prob = t
        .report
        .problems
        .iter()
        .find(|p| p.problem.to_string() == "text in a numeric column")
        .expect("reported");
    assert_eq!(prob.header, "total_assets");
    assert_eq!(prob.count, 1);
    // Data row 1200 is file row 1202 (header is row 1).
    assert_eq!(prob.examples, vec![(1202, "n.a.".to_string())]);
    assert_eq!(
        t.report.rows_kept, 1500,
        "the row stays; only the cell is missing"
    );
    assert_eq!(t.df.column("total_assets").unwrap().null_count(), 1);
    assert!(t.report.to_string().contains("row 1202: \"n.a.\""));
}

#[test]
fn inf_or_nan() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "nan.csv", b"ticker,date,sector,total_assets,ppe_net\nA,2016-12-31,Energy,NaN,1\nB,2016-12-31,Energy,5,inf\nC,2016-12-31,Energy,7,-inf\n");
    let t = data::load_file(&p, &fundamentals()).unwrap();
    let nf: Vec<_> = t
        .report
        .problems
        .iter()
        .filter(|p| p.problem.to_string().contains("finite"))
        .collect();
    assert_eq!(nf.len(), 2);
    assert_eq!(
        (nf[0].header.as_str(), nf[0].examples[0].0),
        ("total_assets", 2)
    );
    assert_eq!((nf[1].header.as_str(), nf[1].count), ("ppe_net", 2));
    assert_eq!(
        nf[1].examples.iter().map(|e| e.0).collect::<Vec<_>>(),
        vec![3, 4]
    );
    assert_eq!(t.df.column("ppe_net").unwrap().null_count(), 2);
}

#[test]
fn negative_total_assets() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "neg.csv",
        b"ticker,date,sector,Total Assets\nA,2016-12-31,Energy,100\nB,2016-12-31,Energy,-5\n",
    );
    let t = data::load_file(&p, &fundamentals()).unwrap();
    let prob = &t.report.problems[0];
    assert_eq!(prob.header, "Total Assets");
    assert!(
        prob.problem.to_string().contains("negative")
            && prob.problem.to_string().contains("total_assets"),
        "{}",
        prob.problem
    );
    assert_eq!(prob.examples, vec![(3, "-5".to_string())]);
    let ta = t.df.column("total_assets").unwrap().f64().unwrap().clone();
    assert_eq!(ta.get(0), Some(100.0));
    assert_eq!(ta.get(1), None);
}

#[test]
fn missing_required_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "nosector.csv",
        b"ticker,date,total_assets\nA,2016-12-31,1\n",
    );
    let e = data::load_file(&p, &fundamentals()).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, LoadError::MissingColumns { .. }));
    assert!(
        msg.contains("nosector.csv") && msg.contains("sector") && msg.contains("\"total_assets\""),
        "{msg}"
    );
    // Prices need close or return.
    let p = write(
        dir.path(),
        "noclose.csv",
        b"ticker,date,volume\nA,2016-12-31,1\n",
    );
    let e = data::load_file(
        &p,
        &LoadOptions {
            kind: Some(TableKind::Prices),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("close or return"), "{e}");
}

/// A reader that fails part-way, as a network share or USB stick does when it drops.
struct Dropping {
    left: usize,
}

impl std::io::Read for Dropping {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "stale file handle",
            ));
        }
        let n = buf.len().min(self.left);
        buf[..n].fill(b'a');
        self.left -= n;
        Ok(n)
    }
}

#[test]
fn file_vanishes_mid_read() {
    let e = data::read::read_source(
        "/mnt/share/prices.csv",
        Dropping { left: 1000 },
        Some(5000),
        &Progress::default(),
    )
    .unwrap_err();
    assert!(matches!(e, LoadError::Vanished { .. }), "{e}");
    assert!(
        e.to_string().contains("/mnt/share/prices.csv")
            && e.to_string().contains("after 1000 bytes"),
        "{e}"
    );
    // Truncated while reading: fewer bytes than the size seen when opening.
    let e = data::read::read_source("p.csv", &b"short"[..], Some(50), &Progress::default())
        .unwrap_err();
    assert!(e.to_string().contains("expected 50 bytes, got 5"), "{e}");
    // Gone before it could be read: the dataset loaded before is untouched.
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.csv", GOOD.as_bytes());
    let (before, _) = Dataset::load(
        "mine",
        &[data::SourceFile {
            path: good.clone(),
            options: fundamentals(),
        }],
    )
    .unwrap();
    let gone = write(dir.path(), "gone.csv", GOOD.as_bytes());
    std::fs::remove_file(&gone).unwrap();
    let e = data::load_file(&gone, &fundamentals()).unwrap_err();
    assert!(
        e.to_string().contains("gone.csv") && e.to_string().contains("does not exist"),
        "{e}"
    );
    assert_eq!(before.fundamentals.as_ref().unwrap().df.height(), 2);
}

#[test]
fn file_too_large_for_memory() {
    let dir = tempfile::tempdir().unwrap();
    // A sparse 64 GB file: more than this 24 GB machine has, yet it takes no disk space.
    let p = dir.path().join("huge.csv");
    std::fs::File::create(&p)
        .unwrap()
        .set_len(64 << 30)
        .unwrap();
    let e = data::load_file(&p, &fundamentals()).unwrap_err();
    assert!(matches!(e, LoadError::TooLarge { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("huge.csv") && msg.contains("68719 MB"),
        "{msg}"
    );
    // With an explicit budget, a small file over it is refused the same way.
    let small = write(dir.path(), "small.csv", GOOD.as_bytes());
    let opts = LoadOptions {
        memory_budget: Some(100),
        ..fundamentals()
    };
    assert!(matches!(
        data::load_file(&small, &opts),
        Err(LoadError::TooLarge { .. })
    ));
}

#[test]
fn ragged_row_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "ragged.csv",
        b"ticker,date,sector\nA,2016-12-31,Energy\nB,2016-12-31,Energy,extra,more\n",
    );
    let e = data::load_file(&p, &fundamentals()).unwrap_err();
    assert!(
        e.to_string()
            .contains("row 3 has 5 fields but the header has 3"),
        "{e}"
    );
}

#[test]
fn unreadable_dates_and_missing_tickers_exclude_rows_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "d.csv", b"ticker,date,sector\nA,2016-12-31,Energy\nB,not a date,Energy\n,2016-12-31,Energy\nD,,Energy\n");
    let t = data::load_file(&p, &fundamentals()).unwrap();
    assert_eq!(t.report.rows_read, 4);
    assert_eq!(t.report.rows_kept, 1);
    let reasons: Vec<(usize, String)> = t
        .report
        .excluded
        .iter()
        .map(|e| (e.row, e.to_string()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (
                3,
                "date \"not a date\" in column 'date' is not a date".to_string()
            ),
            (4, "no ticker".to_string()),
            (5, "no date".to_string())
        ]
    );
}
