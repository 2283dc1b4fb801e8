//! Users' own files: encodings, delimiters, formats, header aliases, date forms and
//! tickers, each checked against values worked out by hand.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use halo_workbench::data::{self, ColumnMapping, LoadOptions, TableKind, Target, dates};
use polars::prelude::*;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn strs(df: &DataFrame, c: &str) -> Vec<Option<String>> {
    df.column(c)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

fn nums(df: &DataFrame, c: &str) -> Vec<Option<f64>> {
    df.column(c).unwrap().f64().unwrap().iter().collect()
}

fn days(df: &DataFrame) -> Vec<NaiveDate> {
    df.column("date")
        .unwrap()
        .date()
        .unwrap()
        .physical()
        .iter()
        .map(|d| dates::from_epoch_days(d.unwrap()).unwrap())
        .collect()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn wind_export_in_gbk_with_chinese_headers() {
    let csv = "证券代码,证券简称,日期,所属行业,总资产(元),固定资产,购建固定资产、无形资产和其他长期资产支付的现金,营业收入,经营活动产生的现金流量净额,总市值\n\
               600028.SH,中国石化,2025/12/31,石油石化,2.1e12,7.9e11,-1.6e11,3.0e12,1.5e11,6.8e11\n\
               000001.SZ,平安银行,2025/12/31,银行,5.8e12,1.1e10,-2.0e9,1.4e11,--,2.1e11\n\
               0857.HK,中国石油股份,2025/12/31,石油石化,2.8e12,1.9e12,-2.5e11,2.9e12,4.0e11,1.4e12\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(csv);
    assert!(!unmappable);
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "wind.csv", &gbk);
    let t = data::load_file(&p, &LoadOptions::default()).unwrap();
    assert_eq!(t.kind, TableKind::Fundamentals, "guessed from the headers");
    assert_eq!(t.report.encoding, "GB18030/GBK");
    // Sorted by ticker; leading zeros and suffixes kept exactly.
    assert_eq!(
        strs(&t.df, "ticker"),
        vec![
            Some("000001.SZ".into()),
            Some("0857.HK".into()),
            Some("600028.SH".into())
        ]
    );
    assert_eq!(strs(&t.df, "name")[2].as_deref(), Some("中国石化"));
    assert_eq!(strs(&t.df, "sector")[0].as_deref(), Some("银行"));
    assert_eq!(days(&t.df), vec![d(2025, 12, 31); 3]);
    assert_eq!(nums(&t.df, "total_assets")[2], Some(2.1e12));
    assert_eq!(nums(&t.df, "ppe_net")[1], Some(1.9e12));
    assert_eq!(nums(&t.df, "capex")[0], Some(-2.0e9));
    assert_eq!(nums(&t.df, "revenue")[2], Some(3.0e12));
    assert_eq!(
        nums(&t.df, "operating_cash_flow"),
        vec![None, Some(4.0e11), Some(1.5e11)],
        "Wind's -- is missing"
    );
    assert_eq!(nums(&t.df, "market_cap")[1], Some(1.4e12));
    let ocf = t
        .report
        .stats
        .iter()
        .find(|s| s.column == "operating_cash_flow")
        .unwrap();
    assert_eq!(
        (ocf.missing, ocf.header.as_str()),
        (1, "经营活动产生的现金流量净额")
    );
}

#[test]
fn bloomberg_style_semicolon_file_with_decimal_commas() {
    let csv = "Ticker;Dates;GICS_SECTOR_NAME;BS_TOT_ASSET;BS_NET_FIX_ASSET;CUR_MKT_CAP\n\
               XOM US Equity;18-Mar-26;Energy;453475,5;252108,25;610000\n\
               NEE US Equity;18-Mar-26;Utilities;190144;151000,5;160000\n";
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "bbg.csv", csv.as_bytes());
    let t = data::load_file(&p, &LoadOptions::default()).unwrap();
    assert_eq!(t.report.delimiter.map(|d| d.id()), Some("semicolon"));
    assert_eq!(
        strs(&t.df, "ticker"),
        vec![Some("NEE US Equity".into()), Some("XOM US Equity".into())]
    );
    assert_eq!(days(&t.df), vec![d(2026, 3, 18); 2]);
    assert_eq!(
        nums(&t.df, "total_assets"),
        vec![Some(190144.0), Some(453475.5)]
    );
    assert_eq!(
        nums(&t.df, "ppe_net"),
        vec![Some(151000.5), Some(252108.25)]
    );
    assert_eq!(
        nums(&t.df, "market_cap"),
        vec![Some(160000.0), Some(610000.0)]
    );
}

#[test]
fn tab_separated_factset_prices_with_yyyymmdd_dates() {
    let tsv = "FSYM_ID\tDATE\tFF_PRICE_CLOSE\tPX_VOLUME\n\
               XOM-US\t20260318\t120.5\t100\n\
               XOM-US\t20260317\t118.0\t90\n";
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "fs.tsv", tsv.as_bytes());
    let t = data::load_file(&p, &LoadOptions::default()).unwrap();
    assert_eq!(t.kind, TableKind::Prices);
    assert_eq!(t.report.delimiter.map(|d| d.id()), Some("tab"));
    // Dates read from integers; rows sorted by date within the ticker.
    assert_eq!(days(&t.df), vec![d(2026, 3, 17), d(2026, 3, 18)]);
    assert_eq!(nums(&t.df, "close"), vec![Some(118.0), Some(120.5)]);
}

#[test]
fn adjusted_close_wins_over_raw_close() {
    let csv = "ticker,timestamp,close,adjusted_close\nA,2021-04-20,10,5\n";
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.csv", csv.as_bytes());
    let t = data::load_file(&p, &LoadOptions::default()).unwrap();
    assert_eq!(nums(&t.df, "close"), vec![Some(5.0)]);
    let raw = t
        .report
        .columns
        .iter()
        .find(|c| c.header == "close")
        .unwrap();
    assert_eq!(raw.target, Target::Ignore);
    assert!(
        raw.how.to_string().contains("adjusted_close"),
        "{}",
        raw.how
    );
}

#[test]
fn every_date_form_in_one_column() {
    // Mixed forms force the per-cell path; each must land on 2026-03-18.
    let csv =
        "date,oil\n2026-03-18,1\n2026/3/18,2\n20260318,3\n18-Mar-26,4\n46099,5\n2026年3月18日,6\n";
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "f.csv", csv.as_bytes());
    let t = data::load_file(
        &p,
        &LoadOptions {
            kind: Some(TableKind::Factors),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        t.report.rows_kept, 1,
        "all six rows share one date: five are duplicates"
    );
    assert_eq!(days(&t.df), vec![d(2026, 3, 18)]);
    assert_eq!(
        nums(&t.df, "oil"),
        vec![Some(6.0)],
        "the last duplicate is kept"
    );
    assert_eq!(t.report.duplicates[0].rows, vec![2, 3, 4, 5, 6, 7]);
}

#[test]
fn xlsx_with_excel_serial_dates() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("choice.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["证券代码", "日期", "所属行业", "总资产"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        ("601857.SH", 2025, 12, 31, "石油石化", 2.7e12),
        ("000002.SZ", 2024, 12, 31, "房地产", -1.0),
    ];
    for (r, (t, y, m, dd, s, ta)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *t).unwrap();
        ws.write_datetime_with_format(
            r,
            1,
            ExcelDateTime::from_ymd(*y, *m, *dd).unwrap(),
            &date_fmt,
        )
        .unwrap();
        ws.write_string(r, 2, *s).unwrap();
        ws.write_number(r, 3, *ta).unwrap();
    }
    wb.save(&p).unwrap();
    let t = data::load_file(&p, &LoadOptions::default()).unwrap();
    assert_eq!(t.report.format, "Excel .xlsx");
    assert_eq!(
        strs(&t.df, "ticker"),
        vec![Some("000002.SZ".into()), Some("601857.SH".into())]
    );
    assert_eq!(days(&t.df), vec![d(2024, 12, 31), d(2025, 12, 31)]);
    assert_eq!(nums(&t.df, "total_assets"), vec![None, Some(2.7e12)]);
    assert_eq!(t.report.problems[0].examples, vec![(3, "-1".to_string())]);
}

#[test]
fn parquet_round_trip_keeps_types() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.parquet");
    let date = Int32Chunked::from_vec(
        "Date".into(),
        vec![
            dates::to_epoch_days(d(2016, 1, 31)),
            dates::to_epoch_days(d(2016, 2, 29)),
        ],
    )
    .into_date();
    let mut df = DataFrame::new(
        2,
        vec![
            Column::new("Symbol".into(), ["600028.SH", "600028.SH"]),
            date.into_column(),
            Column::new("Return".into(), [0.01, -0.02]),
        ],
    )
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&p).unwrap())
        .finish(&mut df)
        .unwrap();
    let t = data::load_file(&p, &LoadOptions::default()).unwrap();
    assert_eq!(t.kind, TableKind::Prices);
    assert_eq!(days(&t.df), vec![d(2016, 1, 31), d(2016, 2, 29)]);
    assert_eq!(nums(&t.df, "return"), vec![Some(0.01), Some(-0.02)]);
}

#[test]
fn user_mapping_overrides_matching_and_custom_columns_are_kept() {
    let csv = "code,when,industry group,Assets,Moat score\nA,2016-12-31,Energy,10,0.7\n";
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "m.csv", csv.as_bytes());
    // Without a mapping "industry group" is read as industry, and there is no sector.
    let e = data::load_file(
        &p,
        &LoadOptions {
            kind: Some(TableKind::Fundamentals),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("sector"), "{e}");
    let mut mapping = ColumnMapping::default();
    mapping
        .overrides
        .insert("industry group".into(), Target::Field("sector".into()));
    mapping
        .overrides
        .insert("when".into(), Target::Field("date".into()));
    let t = data::load_file(
        &p,
        &LoadOptions {
            kind: Some(TableKind::Fundamentals),
            mapping,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(strs(&t.df, "sector"), vec![Some("Energy".into())]);
    assert_eq!(nums(&t.df, "total_assets"), vec![Some(10.0)]);
    assert_eq!(nums(&t.df, "moat_score"), vec![Some(0.7)]);
    assert_eq!(t.custom_columns(), vec!["moat_score".to_string()]);
}

#[test]
fn report_counts_match_a_hand_count() {
    // 5 rows: one duplicate key (rows 2 and 5), one missing ppe_net, one bad date.
    let csv = "ticker,date,sector,total_assets,ppe_net\n\
               B,2015-12-31,Energy,10,5\n\
               A,2015-12-31,Utilities,20,\n\
               A,2014-12-31,Utilities,18,9\n\
               B,2015-12-31,Energy,11,6\n\
               C,31/31/2015,Energy,1,1\n";
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "h.csv", csv.as_bytes());
    let t = data::load_file(&p, &LoadOptions::default()).unwrap();
    let r = &t.report;
    assert_eq!((r.rows_read, r.rows_kept), (5, 3));
    assert_eq!(r.duplicates.len(), 1);
    assert_eq!(
        (
            r.duplicates[0].ticker.as_str(),
            r.duplicates[0].rows.clone()
        ),
        ("B", vec![2, 5])
    );
    assert_eq!(
        r.excluded.iter().map(|e| e.row).collect::<Vec<_>>(),
        vec![2, 6]
    );
    let ppe = r.stats.iter().find(|s| s.column == "ppe_net").unwrap();
    assert_eq!(ppe.missing, 1);
    // Kept rows sorted by (ticker, date); B keeps its later row (11, 6).
    assert_eq!(
        strs(&t.df, "ticker"),
        vec![Some("A".into()), Some("A".into()), Some("B".into())]
    );
    assert_eq!(
        days(&t.df),
        vec![d(2014, 12, 31), d(2015, 12, 31), d(2015, 12, 31)]
    );
    assert_eq!(
        nums(&t.df, "total_assets"),
        vec![Some(18.0), Some(20.0), Some(11.0)]
    );
    assert_eq!(r.tickers, Some(2), "C's only row was excluded");
}
