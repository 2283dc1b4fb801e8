//! A synthetic universe for benchmarks and scale tests: deterministic for a seed, up to
//! 10,000 securities x 240 months, with an S&P-like sector mix, sector-typical
//! fundamentals and missing values. Tables come out in the loader's canonical form.

use polars::prelude::{Column, DataFrame, IntoColumn, PolarsResult};

use crate::data::dates;

/// splitmix64: tiny, fast, and its stream never changes with a crate upgrade, so a seed
/// names the same universe forever (and the Python fixture scripts can draw it too).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(1e-300);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// (sector, share of names, PP&E / assets, AI exposure, regulated share, EBITDA margin)
const SECTORS: &[(&str, f64, f64, f64, f64, f64)] = &[
    ("Information Technology", 0.14, 0.08, 0.85, 0.0, 0.28),
    ("Health Care", 0.12, 0.10, 0.70, 0.0, 0.22),
    ("Financials", 0.13, 0.01, 0.95, 0.0, 0.35),
    ("Consumer Discretionary", 0.12, 0.20, 0.45, 0.0, 0.14),
    ("Industrials", 0.14, 0.15, 0.35, 0.0, 0.16),
    ("Consumer Staples", 0.06, 0.21, 0.30, 0.0, 0.17),
    ("Energy", 0.05, 0.73, 0.40, 0.1, 0.30),
    ("Utilities", 0.06, 0.71, 0.50, 0.8, 0.35),
    ("Real Estate", 0.06, 0.81, 0.55, 0.0, 0.55),
    ("Materials", 0.05, 0.33, 0.25, 0.0, 0.20),
    ("Communication Services", 0.07, 0.30, 0.75, 0.1, 0.30),
];

/// Share of a field's cells left empty.
const MISSING: f64 = 0.05;

pub struct Universe {
    pub fundamentals: DataFrame,
    pub prices: DataFrame,
    pub factors: DataFrame,
}

impl Universe {
    /// The three tables as a dataset, as if loaded from files.
    pub fn dataset(self, name: &str) -> crate::data::Dataset {
        use crate::data::{Table, TableKind};
        crate::data::Dataset {
            name: name.into(),
            fundamentals: Some(Table::from_frame(
                TableKind::Fundamentals,
                self.fundamentals,
            )),
            prices: Some(Table::from_frame(TableKind::Prices, self.prices)),
            factors: Some(Table::from_frame(TableKind::Factors, self.factors)),
            attributes: None,
            sources: Vec::new(),
        }
    }
}

fn month_end(start_year: i32, m: usize) -> chrono::NaiveDate {
    let k = start_year * 12 + m as i32 + 1;
    let (y, mo) = (k.div_euclid(12), k.rem_euclid(12) as u32 + 1);
    chrono::NaiveDate::from_ymd_opt(y, mo, 1)
        .and_then(|d| d.pred_opt())
        .expect("valid month")
}

fn date_col(name: &str, d: Vec<i32>) -> Column {
    polars::prelude::Int32Chunked::from_vec(name.into(), d)
        .into_date()
        .into_column()
}

/// `n` securities over `months` months from 2006-01, annual reports each December.
pub fn generate(n: usize, months: usize, seed: u64) -> PolarsResult<Universe> {
    let mut rng = Rng(seed);
    let years = months.div_ceil(12).max(1);
    let start_year = 2006;
    // Sector of each security, in proportion to the shares above.
    let sector_of: Vec<usize> = (0..n)
        .map(|_| {
            let u = rng.uniform();
            let mut acc = 0.0;
            SECTORS
                .iter()
                .position(|s| {
                    acc += s.1;
                    u < acc
                })
                .unwrap_or(SECTORS.len() - 1)
        })
        .collect();

    let (mut t, mut nm, mut dt, mut sec, mut ind, mut mk) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let cols = [
        "market_cap",
        "total_assets",
        "ppe_net",
        "ppe_gross",
        "capex",
        "depreciation",
        "revenue",
        "intangibles",
        "goodwill",
        "operating_cash_flow",
        "dividends",
        "ebitda",
        "total_debt",
        "cash",
        "ai_exposure",
        "regulated",
    ];
    let mut num: Vec<Vec<Option<f64>>> = vec![Vec::new(); cols.len()];
    let mut exposure = Vec::with_capacity(n);
    for i in 0..n {
        let (sname, _, ppe_mu, ai_mu, reg_p, margin_mu) = SECTORS[sector_of[i]];
        let size = (rng.normal() * 1.2 + 9.5f64).exp(); // total assets, lognormal (millions)
        let ppe_share = (ppe_mu + 0.08 * rng.normal()).clamp(0.0, 0.95);
        let ai = (ai_mu + 0.15 * rng.normal()).clamp(0.0, 1.0);
        let regulated = if rng.uniform() < reg_p { 1.0 } else { 0.0 };
        let sub = (rng.uniform() * 4.0) as usize;
        exposure.push(ppe_share);
        for y in 0..years {
            let grow = (0.05 * y as f64 + 0.1 * rng.normal()).exp();
            let ta = size * grow;
            let revenue = ta * (0.4 + 0.4 * rng.uniform());
            let ppe = ta * ppe_share;
            let life = 10.0 + 30.0 * ppe_share + 5.0 * rng.normal().abs();
            let values = [
                ta * (0.8 + 1.2 * rng.uniform()),
                ta,
                ppe,
                ppe * 1.6,
                -revenue * (0.02 + 0.25 * ppe_share) * (0.7 + 0.6 * rng.uniform()),
                ppe * 1.6 / life,
                revenue,
                ta * (0.3 - 0.25 * ppe_share) * rng.uniform(),
                ta * (0.3 - 0.25 * ppe_share) * rng.uniform(),
                revenue * (margin_mu * 0.8 + 0.05 * rng.normal()),
                ta * 0.02 * ppe_share * rng.uniform(),
                revenue * (margin_mu + 0.05 * rng.normal()),
                ta * 0.3 * rng.uniform(),
                ta * 0.1 * rng.uniform(),
                ai,
                regulated,
            ];
            for (k, v) in values.iter().enumerate() {
                num[k].push((rng.uniform() >= MISSING).then_some(*v));
            }
            t.push(format!("S{i:05}"));
            nm.push(format!("Synthetic {i}"));
            dt.push(dates::to_epoch_days(month_end(start_year, y * 12 + 11)));
            sec.push(sname);
            ind.push(format!("{sname} {sub}"));
            mk.push(if i % 10 == 0 { "HK" } else { "US" });
        }
    }
    let rows = t.len();
    let mut fcols = vec![
        Column::new("ticker".into(), t),
        Column::new("name".into(), nm),
        date_col("date", dt),
        Column::new("sector".into(), sec),
        Column::new("industry".into(), ind),
        Column::new("market".into(), mk),
    ];
    for (k, c) in cols.iter().enumerate() {
        fcols.push(Column::new((*c).into(), std::mem::take(&mut num[k])));
    }
    let fundamentals = DataFrame::new(rows, fcols)?;

    // Monthly factor moves, returns driven by them, and the factors table as users have it:
    // levels (an index, oil and gold prices, a 10-year yield in percent).
    let fnames = ["sp500", "wti", "gold", "us10y", "usd"];
    let mut f: Vec<Vec<f64>> = vec![Vec::with_capacity(months); fnames.len()];
    for _ in 0..months {
        for (k, v) in f.iter_mut().enumerate() {
            v.push(
                [0.045, 0.09, 0.045, 0.002, 0.02][k] * rng.normal()
                    + [0.006, 0.0, 0.003, 0.0, 0.0][k],
            );
        }
    }
    let month_days: Vec<i32> = (0..months)
        .map(|m| dates::to_epoch_days(month_end(start_year, m)))
        .collect();
    let (mut pt, mut pd, mut pr) = (
        Vec::with_capacity(n * months),
        Vec::with_capacity(n * months),
        Vec::with_capacity(n * months),
    );
    for i in 0..n {
        let beta = 0.6 + 0.8 * rng.uniform();
        let oil_beta = if SECTORS[sector_of[i]].0 == "Energy" {
            0.5
        } else {
            0.05 * rng.normal()
        };
        for m in 0..months {
            // A small premium for heavy-asset names, so backtests have a signal to find.
            let r = beta * f[0][m]
                + oil_beta * f[1][m]
                + 0.002 * (exposure[i] - 0.3)
                + 0.06 * rng.normal();
            pt.push(format!("S{i:05}"));
            pd.push(month_days[m]);
            pr.push(r.max(-0.95));
        }
    }
    let prices = DataFrame::new(
        pt.len(),
        vec![
            Column::new("ticker".into(), pt),
            date_col("date", pd),
            Column::new("return".into(), pr),
        ],
    )?;
    let mut fc = vec![date_col("date", month_days)];
    for (k, name) in fnames.iter().enumerate() {
        let start = [1000.0, 60.0, 1200.0, 2.5, 95.0][k];
        let level: Vec<f64> = f[k]
            .iter()
            .scan(start, |l, x| {
                // The yield moves in points (scaled to about 20 bp a month); the rest compound.
                *l = if k == 3 {
                    (*l + x * 100.0).max(0.1)
                } else {
                    *l * (1.0 + x)
                };
                Some(*l)
            })
            .collect();
        fc.push(Column::new((*name).into(), level));
    }
    let factors = DataFrame::new(months, fc)?;
    Ok(Universe {
        fundamentals,
        prices,
        factors,
    })
}
