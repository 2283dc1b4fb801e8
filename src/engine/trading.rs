//! A-share trading rules (`docs/methodology.md` §5, trading rules): what the quantile
//! backtest could really have traded at each rebalance. On the last trading day of a month
//! a name at its upper price limit (涨停) cannot be bought, one at its lower limit (跌停)
//! cannot be sold, a suspended one (停牌: no price that day, or zero volume) can be neither
//! and is held at its last price, and an ST name (a flag, or a name starting with ST or
//! *ST) may be left out. The backtest's quantiles stay the factor test alphalens makes;
//! [`effects`] replays its top and bottom quantiles under each rule and reports what the
//! rule does to the Q-top minus Q-bottom spread, in basis points per period.

use chrono::NaiveDate;
use polars::prelude::DataFrame;
use serde::Serialize;

use super::EngineError;
use super::backtest::BacktestResult;
use super::returns::{
    Levels, ReturnPanel, cells, f64_column, month_key, texts, ticker_index, tickers_and_days,
};
use super::settings::{Switch, TradingRules};
use super::universe::{Panel, a_share_code};
use crate::bi;
use crate::data::dates;
use crate::i18n::{Lang, Localize};

/// At its month's last trading day: at the upper price limit.
pub const LIMIT_UP: u8 = 1;
pub const LIMIT_DOWN: u8 = 2;
/// No price that day (the market traded), or zero volume.
pub const SUSPENDED: u8 = 4;
/// Under special treatment (ST, *ST).
pub const ST: u8 = 8;

/// A day's change within this of the limit is at the limit: prices are set in fen, so a
/// limit price is the previous close times 1.1 rounded, which for a close above about
/// three and a half yuan moves the change by less than 0.15 points.
const LIMIT_TOLERANCE: f64 = 0.0015;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Price limits began on this day (none before).
fn limits_began() -> NaiveDate {
    day(1996, 12, 16)
}

/// ChiNext's limits went from 10% to 20% on this day (STAR had 20% from its start).
fn chinext_reform() -> NaiveDate {
    day(2020, 8, 24)
}

/// The main boards' ST limit went from 5% to 10% on this day.
fn st_reform() -> NaiveDate {
    day(2025, 7, 7)
}

/// An A-share's board, which sets its daily price limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Board {
    Main,
    ChiNext,
    Star,
    Beijing,
}

/// A security of the panel: its position, and its board when it is an A-share.
type Security = (usize, Option<Board>);

fn board(ticker: &str) -> Option<Board> {
    let code = a_share_code(ticker)?;
    Some(match &code[..3] {
        "688" | "689" => Board::Star,
        "300" | "301" => Board::ChiNext,
        _ if code.starts_with('4') || code.starts_with('8') || code.starts_with("92") => {
            Board::Beijing
        }
        _ => Board::Main,
    })
}

fn board_limit(board: Board, st: bool, day: NaiveDate) -> Option<f64> {
    if day < limits_began() {
        return None;
    }
    Some(match board {
        Board::Star => 0.20,
        Board::ChiNext if day >= chinext_reform() => 0.20,
        Board::Beijing => 0.30,
        _ if st && day < st_reform() => 0.05,
        _ => 0.10,
    })
}

/// The daily price limit of an A-share (a fraction), by board: 20% on STAR (688, 689) and
/// on ChiNext (300, 301) from 2020-08-24, 30% on the Beijing exchange (4xxxxx, 8xxxxx,
/// 92xxxx), 10% on the main boards, 5% for an ST name there until 2025-07-07. None for
/// other securities, and before limits began (1996-12-16).
pub fn price_limit(ticker: &str, st: bool, day: NaiveDate) -> Option<f64> {
    board_limit(board(ticker)?, st, day)
}

/// A name under special treatment: "ST康美", "*ST海润", "S*ST前锋", "SST华新" (a full-width
/// asterisk too). Read without allocating: this runs per price row.
pub fn st_name(name: &str) -> bool {
    let starts_st = |s: &str| s.len() >= 2 && s.as_bytes()[..2].eq_ignore_ascii_case(b"ST");
    let n = name.trim_start();
    let n = n.strip_prefix(['*', '＊']).unwrap_or(n);
    if starts_st(n) {
        return true;
    }
    match n.strip_prefix(['S', 's']) {
        Some(rest) => starts_st(rest.strip_prefix(['*', '＊']).unwrap_or(rest)),
        None => false,
    }
}

/// What trading allowed at each month's last trading day, per security.
#[derive(Clone, Debug, Default)]
pub struct TradingFlags {
    /// Per month of the return panel, per security: [`LIMIT_UP`], [`LIMIT_DOWN`],
    /// [`SUSPENDED`], [`ST`] bits.
    pub flags: Vec<Vec<u8>>,
    /// The prices are daily (more than ten rows per security-month on average): limit days
    /// and suspensions can be seen. Monthly prices show neither.
    pub daily: bool,
    /// ST status could be read: a 0/1 column (是否ST), or names (the prices', else the
    /// reports').
    pub st_known: bool,
}

impl TradingFlags {
    /// The flags from a canonical prices table (rows sorted by ticker and date), for the
    /// panel's securities and the return panel's months. ST status from a `st` column,
    /// else from the prices' names, else from the name of each security's latest report.
    pub fn from_prices(
        prices: &DataFrame,
        panel: &Panel,
        rp: &ReturnPanel,
    ) -> Result<TradingFlags, EngineError> {
        let tickers = &panel.tickers;
        let (n, nm) = (tickers.len(), rp.months.len());
        let mut out = TradingFlags {
            flags: vec![vec![0u8; n]; nm],
            ..Default::default()
        };
        let Some(&first) = rp.months.first() else {
            return Ok(out);
        };
        let k0 = month_key(first);
        let index = ticker_index(tickers);
        let (tk, dt) = tickers_and_days(prices)?;
        let num = |name: &str| f64_column(prices, name);
        let (ret, close, volume) = (num("return"), num("close"), num("volume"));
        let (limit_col, st_col) = (num("limit_status"), num("st"));
        let names = prices
            .column("name")
            .ok()
            .and_then(|c| c.str().ok().cloned());
        out.st_known =
            st_col.is_some() || names.is_some() || panel.names.iter().any(|x| !x.is_empty());
        // Per month: the market's last trading day; per security: the months its rows
        // span, and the day of its last row in each month.
        let mut market_last = [vec![i32::MIN; nm], vec![i32::MIN; nm]];
        let mut last_day = vec![vec![i32::MIN; n]; nm];
        let mut span = vec![(usize::MAX, 0usize); n];
        let mut prev_close: Vec<f64> = vec![f64::NAN; n];
        let mut rows = 0usize;
        let columns = cells(&ret)
            .zip(cells(&close))
            .zip(cells(&volume))
            .zip(cells(&limit_col))
            .zip(cells(&st_col))
            .zip(texts(&names));
        // The security of the rows being read (looked up when the ticker changes), and its
        // board.
        let mut current: Option<(&str, Option<Security>)> = None;
        for ((t, d), (((((r, c), v), l), st_flag), name)) in tk.iter().zip(dt.iter()).zip(columns) {
            let (Some(t), Some(d)) = (t, d) else { continue };
            let sec = match current {
                Some((prev, sec)) if prev == t => sec,
                _ => {
                    let sec = index.get(t).map(|&s| (s, board(t)));
                    current = Some((t, sec));
                    sec
                }
            };
            let Some((s, board)) = sec else { continue };
            let Some(day) = dates::from_epoch_days(d) else {
                continue;
            };
            let Ok(m) = usize::try_from(month_key(day) - k0) else {
                continue;
            };
            if m >= nm {
                continue;
            }
            rows += 1;
            let (r, c, v) = (
                r.unwrap_or(f64::NAN),
                c.unwrap_or(f64::NAN),
                v.unwrap_or(f64::NAN),
            );
            let change = if r.is_finite() {
                r
            } else if c > 0.0 && prev_close[s] > 0.0 {
                c / prev_close[s] - 1.0
            } else {
                f64::NAN
            };
            if c > 0.0 {
                prev_close[s] = c;
            }
            // ST by name only for an A-share ("Steel Dynamics" is no ST name).
            let st = match (&st_col, &names) {
                (Some(_), _) => st_flag == Some(1.0),
                _ if board.is_none() => false,
                (None, Some(_)) => name.is_some_and(st_name),
                (None, None) => report_name(panel, s, d).is_some_and(st_name),
            };
            let mut f = if st { ST } else { 0 };
            if v == 0.0 || !(r.is_finite() || c > 0.0) {
                f |= SUSPENDED;
            } else if limit_col.is_some() {
                let l = l.unwrap_or(0.0);
                f |= if l >= 1.0 {
                    LIMIT_UP
                } else if l <= -1.0 {
                    LIMIT_DOWN
                } else {
                    0
                };
            } else if let Some(limit) = board.and_then(|b| board_limit(b, st, day)) {
                if change >= limit - LIMIT_TOLERANCE {
                    f |= LIMIT_UP;
                } else if change <= -limit + LIMIT_TOLERANCE {
                    f |= LIMIT_DOWN;
                }
            }
            // The month's last row so far (rows run in date order) sets its flags.
            if d >= last_day[m][s] {
                last_day[m][s] = d;
                out.flags[m][s] = f;
            }
            // The market traded that day: a row with a price and volume, of an A-share
            // (else of any security, for rules asked for on other data).
            if f & SUSPENDED == 0 {
                let k = usize::from(board.is_none());
                market_last[k][m] = market_last[k][m].max(d);
            }
            span[s] = (span[s].0.min(m), span[s].1.max(m));
        }
        let security_months: usize = span
            .iter()
            .filter(|x| x.0 != usize::MAX)
            .map(|x| x.1 - x.0 + 1)
            .sum();
        out.daily = security_months > 0 && rows > 10 * security_months;
        // Between its first and last rows, a security without a row on the market's last
        // trading day of a month was suspended then (its ST status carried on).
        for (s, &(a, b)) in span.iter().enumerate() {
            for m in a..=b.min(nm.saturating_sub(1)) {
                if a == usize::MAX || !out.daily {
                    break;
                }
                let a_shares = market_last[0][m];
                let last = if a_shares != i32::MIN {
                    a_shares
                } else {
                    market_last[1][m]
                };
                if last_day[m][s] < last {
                    let st = if last_day[m][s] == i32::MIN && m > 0 {
                        out.flags[m - 1][s] & ST
                    } else {
                        out.flags[m][s] & ST
                    };
                    out.flags[m][s] = SUSPENDED | st;
                }
            }
        }
        Ok(out)
    }
}

/// The name of the security's latest report with a period on or before `day`.
fn report_name(panel: &Panel, s: usize, day: i32) -> Option<&str> {
    let span = panel.spans.get(s)?.clone();
    let k = panel.dates[span.clone()].partition_point(|&p| p <= day);
    let r = span.start + k.saturating_sub(1);
    panel.names.get(r).map(String::as_str)
}

/// One trading rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// No buy at the upper limit (涨停).
    NoBuyAtLimitUp,
    /// No sell at the lower limit (跌停).
    NoSellAtLimitDown,
    /// Suspended names (停牌) neither bought nor sold, held at their last price.
    Suspensions,
    /// ST names left out of the quantiles (sold when they can be).
    ExcludeSt,
}

impl Rule {
    pub const ALL: [Rule; 4] = [
        Rule::NoBuyAtLimitUp,
        Rule::NoSellAtLimitDown,
        Rule::Suspensions,
        Rule::ExcludeSt,
    ];
}

/// Why a rule's effect cannot be measured on this data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unmeasured {
    /// Limit days and suspensions are days: monthly prices do not show them.
    MonthlyPrices,
    /// Neither a ST column nor names.
    NoNames,
    /// The data has no prices.
    NoPrices,
    /// Asked for on data that is not mostly A-shares, which have no such limits or flags.
    NotAShares,
}

/// One rule replayed alone.
#[derive(Clone, Debug, Serialize)]
pub struct RuleEffect {
    pub rule: Rule,
    /// Whether the settings apply it (the "with the rules" row applies these).
    pub on: bool,
    /// The spread with this rule alone, and its difference from the spread without rules,
    /// in basis points per period; the trades it blocked (buys not made, sells not made,
    /// ST name-dates left out); or why it cannot be measured.
    pub outcome: Result<Replay, Unmeasured>,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Replay {
    pub spread_bps: f64,
    pub effect_bps: f64,
    pub blocked: usize,
}

/// What the trading rules do to the backtest's top-minus-bottom spread.
#[derive(Clone, Debug, Serialize)]
pub struct TradingEffects {
    /// The spread replayed without any rule, on prices at the rebalance dates (a suspended
    /// name's return runs from its last price): the base the effects are measured from.
    pub baseline_bps: f64,
    pub rules: Vec<RuleEffect>,
    /// With every rule the settings apply (None when they apply none).
    pub with_rules: Option<Replay>,
    /// Rebalance periods replayed.
    pub periods: usize,
    /// Name-dates of the top or bottom quantile that were ST (held when the ST rule is off).
    pub st_held: usize,
    /// The rules default to on because most securities are A-shares.
    pub auto: bool,
}

/// Whether the settings apply each rule: `Auto` is on for A-share data.
pub fn applied(rules: &TradingRules, a_shares: bool) -> [bool; 4] {
    let on = |s: Switch| match s {
        Switch::Auto => a_shares,
        Switch::On => true,
        Switch::Off => false,
    };
    [
        on(rules.limits),
        on(rules.limits),
        on(rules.suspensions),
        on(rules.st),
    ]
}

/// The rules' effects on the backtest's spread; None when the settings apply no rule
/// (every switch off, or automatic on data that is not A-shares).
pub fn effects(
    bt: &BacktestResult,
    rp: &ReturnPanel,
    flags: Option<&TradingFlags>,
    rules: &TradingRules,
    a_shares: bool,
) -> Option<TradingEffects> {
    let on = applied(rules, a_shares);
    if !on.iter().any(|&x| x) {
        return None;
    }
    let measured = |k: usize| -> Result<(), Unmeasured> {
        let f = flags.ok_or(if a_shares {
            Unmeasured::NoPrices
        } else {
            Unmeasured::NotAShares
        })?;
        match Rule::ALL[k] {
            Rule::ExcludeSt if !f.st_known => Err(Unmeasured::NoNames),
            Rule::ExcludeSt => Ok(()),
            _ if !f.daily => Err(Unmeasured::MonthlyPrices),
            _ => Ok(()),
        }
    };
    // Replayed together: no rule, each rule alone, and the applied ones that can be
    // measured.
    let with: [bool; 4] = std::array::from_fn(|k| on[k] && measured(k).is_ok());
    let mut variants: Vec<[bool; 4]> = vec![[false; 4]];
    variants.extend((0..4).map(|k| std::array::from_fn(|j| j == k)));
    variants.push(with);
    let months: Vec<Option<usize>> = bt.dates.iter().map(|d| rp.month_at(*d)).collect();
    let q = bt.quantiles.len().max(2) as u8;
    let out = replay(bt, &rp.levels, flags, &months, q, &variants);
    let (baseline, _, st_held) = out[0];
    let bps = |x: f64| x * 1e4;
    let replayed = |(spread, blocked, _): (f64, usize, usize)| Replay {
        spread_bps: bps(spread),
        effect_bps: bps(spread - baseline),
        blocked,
    };
    let rule_effects: Vec<RuleEffect> = (0..4)
        .map(|k| RuleEffect {
            rule: Rule::ALL[k],
            on: on[k],
            outcome: measured(k).map(|()| replayed(out[1 + k])),
        })
        .collect();
    // Said to be the default when every rule applied is on by its automatic switch.
    let switches = [rules.limits, rules.limits, rules.suspensions, rules.st];
    let auto = (0..4)
        .filter(|&k| on[k])
        .all(|k| switches[k] == Switch::Auto);
    Some(TradingEffects {
        baseline_bps: bps(baseline),
        with_rules: with.iter().any(|&x| x).then(|| replayed(out[5])),
        rules: rule_effects,
        periods: bt.dates.len(),
        st_held,
        auto,
    })
}

/// A security's value on or before `day` (None before its first price).
fn value_at(levels: &Levels, s: usize, day: NaiveDate) -> Option<f64> {
    let d = levels.dates.get(s)?;
    let k = d.partition_point(|x| *x <= day);
    levels.values[s].get(k.checked_sub(1)?).copied()
}

/// A name's price at the rebalance (a suspended name's last one), and its return to the
/// period's end: NaN without a price by the rebalance, or with none after it (delisted).
fn priced_return(levels: &Levels, s: usize, from: NaiveDate, to: NaiveDate) -> (bool, f64) {
    let last = levels.dates.get(s).and_then(|d| d.last().copied());
    let a = value_at(levels, s, from);
    let r = match (a, value_at(levels, s, to), last) {
        (Some(a), Some(b), Some(last)) if last > from && a > 0.0 => b / a - 1.0,
        _ => f64::NAN,
    };
    (a.is_some(), r)
}

/// The top and bottom quantiles replayed date by date under each variant's active rules
/// (in [`Rule::ALL`] order), holdings carried over: per variant, the mean spread per
/// period, the trades blocked (for the ST rule, the ST name-dates left out), and the ST
/// name-dates held. A name is bought only once it has a price. Each name's period return
/// is computed once per date, whichever variants hold it.
fn replay(
    bt: &BacktestResult,
    levels: &Levels,
    flags: Option<&TradingFlags>,
    months: &[Option<usize>],
    q: u8,
    variants: &[[bool; 4]],
) -> Vec<(f64, usize, usize)> {
    let n = bt.quantile.first().map_or(0, Vec::len);
    let v = variants.len();
    let mut held: Vec<[Vec<bool>; 2]> = vec![[vec![false; n], vec![false; n]]; v];
    let mut acc = vec![(0.0, 0usize, 0usize, 0usize); v];
    // This date's (priced, return) per name, when asked for.
    let mut memo: Vec<Option<(bool, f64)>> = vec![None; n];
    for (d, labels) in bt.quantile.iter().enumerate() {
        let f: &[u8] = match (flags, months[d]) {
            (Some(f), Some(m)) => f.flags.get(m).map_or(&[][..], Vec::as_slice),
            _ => &[],
        };
        let (from, to) = (bt.dates[d], bt.period_ends[d]);
        memo.iter_mut().for_each(|x| *x = None);
        let mut lookup =
            |s: usize| *memo[s].get_or_insert_with(|| priced_return(levels, s, from, to));
        for k in 0..v {
            let [no_buy_up, no_sell_down, suspensions, exclude_st] = variants[k];
            let (sum, count, blocked, st_held) = &mut acc[k];
            let mut ret = [f64::NAN; 2];
            for (side, label) in [q, 1].into_iter().enumerate() {
                let h = &mut held[k][side];
                let (mut total, mut m) = (0.0, 0usize);
                for s in 0..n {
                    let fs = f.get(s).copied().unwrap_or(0);
                    let st = fs & ST != 0;
                    let wanted = labels[s] == label;
                    let was = h[s];
                    if !wanted && !was {
                        continue;
                    }
                    let target = wanted && !(exclude_st && st);
                    let halted = suspensions && fs & SUSPENDED != 0;
                    let can_buy = !(halted || (no_buy_up && fs & LIMIT_UP != 0));
                    let can_sell = !(halted || (no_sell_down && fs & LIMIT_DOWN != 0));
                    let (priced, r) = lookup(s);
                    h[s] = if target {
                        was || (can_buy && priced)
                    } else {
                        was && !can_sell
                    };
                    *blocked += usize::from(target && !was && priced && !can_buy)
                        + usize::from(!target && was && !can_sell)
                        + usize::from(exclude_st && st && wanted);
                    if h[s] {
                        *st_held += usize::from(st);
                        if r.is_finite() {
                            total += r;
                            m += 1;
                        }
                    }
                }
                if m > 0 {
                    ret[side] = total / m as f64;
                }
            }
            let spread = ret[0] - ret[1];
            if spread.is_finite() {
                *sum += spread;
                *count += 1;
            }
        }
    }
    acc.into_iter()
        .map(|(sum, count, blocked, st_held)| {
            let mean = if count > 0 {
                sum / count as f64
            } else {
                f64::NAN
            };
            (mean, blocked, st_held)
        })
        .collect()
}

impl Localize for Rule {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Rule::NoBuyAtLimitUp => bi!(lang, "no buy at limit-up", "涨停不买入"),
            Rule::NoSellAtLimitDown => bi!(lang, "no sell at limit-down", "跌停不卖出"),
            Rule::Suspensions => bi!(lang, "suspended names not traded", "停牌股票不交易"),
            Rule::ExcludeSt => bi!(lang, "ST names left out", "剔除 ST 股票"),
        }
    }
}

impl Localize for Unmeasured {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Unmeasured::MonthlyPrices => bi!(
                lang,
                "not measured: the prices are not daily, and limit days and suspensions are days",
                "无法衡量：价格不是日度数据，而涨跌停与停牌以日计"
            ),
            Unmeasured::NoNames => bi!(
                lang,
                "not measured: no ST column and no names to read ST from",
                "无法衡量：没有 ST 列，也没有可判断 ST 的名称"
            ),
            Unmeasured::NoPrices => bi!(
                lang,
                "not measured: the data has no prices",
                "无法衡量：数据没有价格"
            ),
            Unmeasured::NotAShares => bi!(
                lang,
                "not measured: these are A-share trading rules, and most securities of the data are not A-shares",
                "无法衡量：这些是 A 股交易规则，而数据中多数证券不是 A 股"
            ),
        }
    }
}

/// The effects as the backtest pane and the command line show them: a headline, then
/// one line per rule.
pub fn lines(t: &TradingEffects, lang: Lang) -> Vec<String> {
    let base = t.baseline_bps;
    let why = if t.auto {
        bi!(lang, "on by default for A-share data", "A 股数据默认开启")
    } else {
        bi!(lang, "your settings", "您的设置")
    };
    let head = match &t.with_rules {
        Some(w) => {
            let (with, effect) = (w.spread_bps, w.effect_bps);
            bi!(
                lang,
                "Trading rules ({why}): top-minus-bottom spread {base:.0} bps per period without them, {with:.0} bps with them ({effect:+.0} bps)",
                "交易规则（{why}）：不计规则时多空价差每期 {base:.0} 个基点，计入规则后 {with:.0} 个基点（{effect:+.0} 个基点）"
            )
        }
        None => bi!(
            lang,
            "Trading rules ({why}): top-minus-bottom spread {base:.0} bps per period; no rule could be measured",
            "交易规则（{why}）：多空价差每期 {base:.0} 个基点；没有可衡量的规则"
        ),
    };
    let mut out = vec![head];
    for r in &t.rules {
        let name = r.rule.localize(lang);
        let state = if r.on {
            bi!(lang, "on", "开")
        } else {
            bi!(lang, "off", "关")
        };
        out.push(match &r.outcome {
            Ok(x) if r.rule == Rule::ExcludeSt => {
                let (effect, blocked) = (x.effect_bps, x.blocked);
                bi!(
                    lang,
                    "{name} ({state}): {effect:+.0} bps, {blocked} ST name-periods left out",
                    "{name}（{state}）：{effect:+.0} 个基点，剔除 {blocked} 个 ST“股票-期”"
                )
            }
            Ok(x) => {
                let (effect, blocked) = (x.effect_bps, x.blocked);
                bi!(
                    lang,
                    "{name} ({state}): {effect:+.0} bps, {blocked} trades blocked",
                    "{name}（{state}）：{effect:+.0} 个基点，阻止 {blocked} 笔交易"
                )
            }
            Err(why) => {
                let why = why.localize(lang);
                bi!(lang, "{name} ({state}): {why}", "{name}（{state}）：{why}")
            }
        });
    }
    if t.st_held > 0 {
        let k = t.st_held;
        out.push(bi!(
            lang,
            "{k} name-periods of the top or bottom quantile were ST",
            "最高或最低分位中有 {k} 个“股票-期”为 ST"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_by_board_and_status() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(price_limit("600028.SH", false, d("2024-01-02")), Some(0.10));
        assert_eq!(price_limit("600028.SH", true, d("2024-01-02")), Some(0.05));
        assert_eq!(price_limit("300750.SZ", false, d("2020-08-21")), Some(0.10));
        assert_eq!(price_limit("300750.SZ", false, d("2020-08-24")), Some(0.20));
        assert_eq!(price_limit("300750.SZ", true, d("2024-01-02")), Some(0.20));
        assert_eq!(price_limit("688981.SH", false, d("2024-01-02")), Some(0.20));
        assert_eq!(price_limit("430047.BJ", false, d("2024-01-02")), Some(0.30));
        assert_eq!(price_limit("920002.BJ", false, d("2024-01-02")), Some(0.30));
        assert_eq!(price_limit("AAPL", false, d("2024-01-02")), None);
        assert_eq!(price_limit("600028.SH", true, d("2025-07-04")), Some(0.05));
        assert_eq!(price_limit("600028.SH", true, d("2025-07-07")), Some(0.10));
        assert_eq!(price_limit("600028.SH", false, d("1996-12-13")), None);
        assert_eq!(price_limit("600028.SH", false, d("1996-12-16")), Some(0.10));
    }

    #[test]
    fn special_treatment_by_name() {
        for n in [
            "ST康美",
            "*ST海润",
            "S*ST前锋",
            "SST华新",
            " st 中安",
            "＊ST大集",
        ] {
            assert!(st_name(n), "{n}");
        }
        for n in ["中国石化", "石化ST", "S康美"] {
            assert!(!st_name(n), "{n}");
        }
    }
}
