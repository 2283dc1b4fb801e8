//! The point-in-time quantile backtest: cumulative returns of each quantile, the
//! top-minus-bottom spread, the benchmark and the HALO basket, with the IC in the title;
//! under them the signal's decay (the IC and the spread at each forward horizon).

use polars::prelude::DataFrame;

use super::PaneView;
use super::sensitivity::SweepState;
use egui::Color32;
use egui_plot::{Bar, BarChart, GridMark, Line, Plot, PlotPoints};

use crate::app::chart::{
    ChartCtx, ChartResponse, CumLine, LensLines, PALETTE, cumulative_chart, ghost_color, ghost_fill,
    lens_legend, pct, series_color, series_name, source, title, year_fraction,
};
use crate::app::messages::ExportError;
use crate::bi;
use crate::engine::EngineError;
use crate::engine::backtest::HorizonStat;
use crate::engine::notes::SeriesId;
use crate::engine::pipeline::Results;
use crate::engine::settings::{MAX_HORIZON_MONTHS, MAX_HORIZONS, Rebalance, Settings, Switch};
use crate::i18n::{Lang, Localize, lang, tr};
use crate::view::ViewState;

#[derive(Default)]
pub struct BacktestPane {
    /// The horizons as typed (kept while they do not parse), and the settings' horizons
    /// they were last in step with.
    horizons_text: String,
    horizons_shown: Option<Vec<u32>>,
}

/// Why a list of horizons typed in the options row cannot be used.
#[derive(Clone, Debug, PartialEq)]
pub enum HorizonsError {
    /// An entry that is not a whole number of months from 1 to the longest.
    NotMonths(String),
    TooMany(usize),
}

impl Localize for HorizonsError {
    fn localize(&self, lang: Lang) -> String {
        let (hi, most) = (MAX_HORIZON_MONTHS, MAX_HORIZONS);
        match self {
            HorizonsError::NotMonths(t) => bi!(
                lang,
                "“{t}” is not a whole number of months from 1 to {hi}",
                "“{t}”不是 1 到 {hi} 之间的整月数"
            ),
            HorizonsError::TooMany(n) => bi!(
                lang,
                "{n} horizons: at most {most}",
                "{n} 个区间：最多 {most} 个"
            ),
        }
    }
}

/// Horizons typed as months separated by commas, spaces or 、(an empty list: none).
pub fn parse_horizons(text: &str) -> Result<Vec<u32>, HorizonsError> {
    let h = text
        .split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<u32>()
                .ok()
                .filter(|m| (1..=MAX_HORIZON_MONTHS).contains(m))
                .ok_or_else(|| HorizonsError::NotMonths(t.to_string()))
        })
        .collect::<Result<Vec<u32>, _>>()?;
    if h.len() > MAX_HORIZONS {
        return Err(HorizonsError::TooMany(h.len()));
    }
    Ok(h)
}

impl PaneView for BacktestPane {
    const CHART: bool = true;

    fn title() -> &'static str {
        tr("Backtest")
    }

    fn options(&mut self, ui: &mut egui::Ui, _view: &mut ViewState, settings: &mut Settings) {
        let a = &mut settings.analytics;
        let l = ui.label(tr("Quantiles"));
        ui.add(egui::DragValue::new(&mut a.quantiles).range(2..=10))
            .labelled_by(l.id);
        ui.selectable_value(&mut a.rebalance, Rebalance::Monthly, tr("monthly"));
        ui.selectable_value(&mut a.rebalance, Rebalance::Quarterly, tr("quarterly"));
        let l = ui.label(tr("Cost (bps)"));
        ui.add(egui::DragValue::new(&mut a.cost_bps).range(0.0..=200.0))
            .labelled_by(l.id);
        ui.checkbox(&mut a.within_sector, tr("Within sector"));
        // The text follows the settings when they change elsewhere (undo, a project
        // opened) and it is not being edited; what is typed applies on Enter or when the
        // field is left (one change, one undo step), and an entry that is not a horizon is
        // named and not applied.
        let id = ui.make_persistent_id("backtest_horizons");
        let editing = ui.memory(|m| m.has_focus(id));
        if !editing && self.horizons_shown.as_ref() != Some(&a.horizons) {
            let shown: Vec<String> = a.horizons.iter().map(|h| h.to_string()).collect();
            self.horizons_text = shown.join(", ");
            self.horizons_shown = Some(a.horizons.clone());
        }
        let l = ui.label(tr("Horizons (months)"));
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut self.horizons_text)
                    .id(id)
                    .desired_width(90.0),
            )
            .labelled_by(l.id)
            .on_hover_text(tr("Forward horizons at which the IC and the quantiles' returns are also measured, in months, separated by commas; Enter applies them"));
        match parse_horizons(&self.horizons_text) {
            Ok(h) if edit.lost_focus() && h != a.horizons => {
                a.horizons = h.clone();
                self.horizons_shown = Some(h);
            }
            Ok(_) => {}
            Err(e) => {
                ui.colored_label(ui.visuals().error_fg_color, e.text());
            }
        }
        ui.menu_button(tr("Trading rules"), |ui| {
            ui.label(
                egui::RichText::new(tr("A-share rules replayed on the top and bottom quantiles; automatic: on for A-share data."))
                    .small()
                    .weak(),
            );
            let t = &mut a.trading;
            for (label, switch) in [
                (tr("Price limits (涨停 / 跌停)"), &mut t.limits),
                (tr("Suspensions (停牌)"), &mut t.suspensions),
                (tr("ST names"), &mut t.st),
            ] {
                ui.horizontal(|ui| {
                    ui.label(label);
                    ui.selectable_value(switch, Switch::Auto, tr("automatic"));
                    ui.selectable_value(switch, Switch::On, tr("on"));
                    ui.selectable_value(switch, Switch::Off, tr("off"));
                });
            }
        });
    }

    fn draw(ui: &mut egui::Ui, ctx: &ChartCtx) -> ChartResponse {
        let r = ctx.results;
        let Some(bt) = r.backtest.as_deref() else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr("Computing…"));
            });
            return ChartResponse::default();
        };
        // A figure shows what it has; the window says when newer settings are on the way.
        if ctx.backtest_pending && !ctx.figure {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr("Computing…"));
            });
        }
        let b = match bt {
            Err(e) => {
                ui.colored_label(ui.visuals().error_fg_color, e.text());
                return ChartResponse::default();
            }
            Ok(b) => b,
        };
        title(
            ui,
            &format!(
                "{}: {} {:.3} (t {:.2}), {} {:.2}%",
                tr("Backtest"),
                tr("IC mean"),
                b.ic_mean,
                b.ic_t,
                tr("Spread"),
                pct(b.spread_mean)
            ),
        );
        // What the A-share trading rules do to the spread (part of the figure too), above
        // the chart, which takes the height left.
        if let Some(t) = &b.trading {
            let lines = crate::engine::trading::lines(t, crate::i18n::lang());
            if let Some((head, rest)) = lines.split_first() {
                ui.label(egui::RichText::new(head).small().strong());
                ui.label(egui::RichText::new(rest.join(" · ")).small());
            }
        }
        lens_legend(ui, ctx);
        let lenses = ctx.per_lens(|r| {
            let b = r.backtest.as_deref()?.as_ref().ok()?;
            let lines = b
                .series
                .iter()
                .map(|s| CumLine {
                    name: series_name(&s.id),
                    color: series_color(ui, &s.id),
                    cumulative: s.curve(),
                    width: if s.id == SeriesId::HaloBasket {
                        3.0
                    } else {
                        1.5
                    },
                })
                .collect();
            let x = b.curve_dates().iter().map(|d| year_fraction(*d)).collect();
            Some(LensLines { x, lines })
        });
        // The decay charts where the pane has room for both charts, else their numbers
        // in a line.
        let roomy = ui.available_height() >= 420.0;
        let strip = decay_height(ui);
        let below = match (b.horizons.is_empty(), roomy) {
            (false, true) => strip + 48.0,
            _ => 20.0,
        };
        cumulative_chart(ui, ctx, "backtest_lines", &lenses, below);
        if b.horizons.is_empty() {
            let off = tr("No forward horizons set: no decay charts (the Horizons field sets them)");
            ui.label(egui::RichText::new(off).small().weak());
        } else if roomy {
            decay_strip(ui, ctx, &b.horizons, r.settings.analytics.quantiles, strip);
        } else {
            decay_line(ui, &b.horizons);
        }
        source(
            ui,
            ctx.dataset,
            r.as_of(),
            tr("point in time; survivorship-biased prices overstate returns"),
        );
        ChartResponse::default()
    }

    fn table(r: &Results, _view: &ViewState, _: &SweepState) -> Result<DataFrame, ExportError> {
        let b = r
            .backtest
            .as_deref()
            .ok_or(ExportError::BacktestNotReady)?
            .as_ref()
            .map_err(|e| ExportError::Chart(e.clone()))?;
        let curves: Vec<Vec<f64>> = b.series.iter().map(|s| s.curve()).collect();
        crate::export::cumulative_table(
            &b.curve_dates(),
            b.series.iter().zip(&curves).map(|(s, c)| (&s.id, &c[..])),
        )
    }
}

/// The height of the decay charts under the cumulative one (from the pane's height above
/// both).
fn decay_height(ui: &egui::Ui) -> f32 {
    (ui.available_height() * 0.3).clamp(110.0, 260.0)
}

/// A horizon's label on the decay charts' axis: its months, starred when its periods
/// overlap.
fn horizon_label(months: u32, overlapping: bool) -> String {
    let star = if overlapping { "*" } else { "" };
    bi!(lang(), "{months} m{star}", "{months} 个月{star}")
}

/// The signal's decay: at each forward horizon the IC mean and the top-minus-bottom
/// spread per month, bars with whiskers of ±1.96 standard errors, side by side; under
/// them what they are, and what a horizon could not measure and why.
fn decay_strip(
    ui: &mut egui::Ui,
    ctx: &ChartCtx,
    horizons: &[(u32, Result<HorizonStat, EngineError>)],
    quantiles: u32,
    height: f32,
) {
    let labels: Vec<String> = horizons
        .iter()
        .map(|(m, h)| horizon_label(*m, matches!(h, Ok(h) if h.overlapping)))
        .collect();
    let ic: Vec<Option<(f64, f64)>> = horizons
        .iter()
        .map(|(_, h)| {
            let h = h.as_ref().ok()?;
            Some((h.ic_mean, h.ic_std / (h.dates as f64).sqrt()))
        })
        .collect();
    let spread: Vec<Option<(f64, f64)>> = horizons
        .iter()
        .map(|(_, h)| {
            let h = h.as_ref().ok()?;
            Some((pct(h.spread_mean), pct(h.spread_se)))
        })
        .collect();
    // Each pinned lens's values at the live lens's horizons (by months).
    let pinned = |f: &dyn Fn(&HorizonStat) -> f64| -> Vec<Vec<Option<f64>>> {
        let mut out = vec![Vec::new(); ctx.lenses.pins.len()];
        for (k, r) in ctx.ready_pins() {
            let theirs = r
                .backtest
                .as_deref()
                .and_then(|b| b.as_ref().ok())
                .map_or(&[][..], |b| &b.horizons[..]);
            out[k] = horizons
                .iter()
                .map(|(m, _)| {
                    let (_, h) = theirs.iter().find(|(n, _)| n == m)?;
                    h.as_ref().ok().map(f)
                })
                .collect();
        }
        out
    };
    let ic_pinned = pinned(&|h| h.ic_mean);
    let spread_pinned = pinned(&|h| pct(h.spread_mean));
    let q = quantiles;
    let spread_title = bi!(
        lang(),
        "Q{q}−Q1 spread per month (%)",
        "Q{q}−Q1 月均价差（%）"
    );
    let spread_color = ui.visuals().strong_text_color();
    ui.columns(2, |cols| {
        decay_bars(
            &mut cols[0],
            ctx,
            "decay_ic",
            tr("IC mean by horizon"),
            &labels,
            (&ic, &ic_pinned),
            PALETTE[0],
            height,
        );
        decay_bars(
            &mut cols[1],
            ctx,
            "decay_spread",
            &spread_title,
            &labels,
            (&spread, &spread_pinned),
            spread_color,
            height,
        );
    });
    let caption = decay_caption(horizons);
    ui.label(egui::RichText::new(caption.join(" · ")).small().weak());
}

/// What the decay charts are, and what each horizon was measured on: its dates, the names
/// a date, the dates past the prices or not measured, or why it could not be.
fn decay_caption(horizons: &[(u32, Result<HorizonStat, EngineError>)]) -> Vec<String> {
    let mut caption = vec![tr("Signal decay: from each rebalance date, the returns over each horizon; rates per month, whiskers ±1.96 standard errors").to_string()];
    if horizons.iter().any(|(_, h)| matches!(h, Ok(h) if h.overlapping)) {
        caption.push(
            tr("* longer than the rebalance period: the periods overlap and the t overstates")
                .to_string(),
        );
    }
    for (m, h) in horizons {
        caption.push(match h {
            Ok(h) => {
                let coverage = h.coverage(lang());
                bi!(lang(), "{m} m: {coverage}", "{m} 个月：{coverage}")
            }
            Err(e) => e.text(),
        });
    }
    caption
}

/// The decay in one line, for a pane too small for its charts: each horizon's IC mean
/// (what they were measured on in its tooltip).
fn decay_line(ui: &mut egui::Ui, horizons: &[(u32, Result<HorizonStat, EngineError>)]) {
    let items: Vec<String> = horizons
        .iter()
        .map(|(m, h)| match h {
            Ok(h) => format!("{} {:.3}", horizon_label(*m, h.overlapping), h.ic_mean),
            Err(_) => format!("{} –", horizon_label(*m, false)),
        })
        .collect();
    let head = tr("IC mean by horizon");
    let more = tr("(maximise the pane for the decay charts)");
    let text = format!("{head}: {} {more}", items.join(" · "));
    ui.label(egui::RichText::new(text).small())
        .on_hover_text(decay_caption(horizons).join("\n"));
}

/// Each pinned lens's value at each horizon (None: not measured, or no such horizon).
type PinnedValues = [Vec<Option<f64>>];

/// One decay chart: a bar per horizon (none where it could not be measured) with its
/// ±1.96 standard-error whisker; beside it each pinned lens's bar, muted.
#[allow(clippy::too_many_arguments)]
fn decay_bars(
    ui: &mut egui::Ui,
    ctx: &ChartCtx,
    id: &str,
    name: &str,
    labels: &[String],
    (values, pinned): (&[Option<(f64, f64)>], &PinnedValues),
    color: Color32,
    height: f32,
) {
    ui.label(egui::RichText::new(name).small().strong());
    let n = labels.len();
    // The live bar left, each pin's to its right, in one horizon's slot.
    let slot = 0.7 / (pinned.len() + 1) as f64;
    let x = |i: usize, lens: usize| i as f64 - 0.35 + slot * (lens as f64 + 0.5);
    let bar = slot * 6.0 / 7.0;
    let bars: Vec<Bar> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let (m, _) = (*v)?;
            Some(Bar::new(x(i, 0), m).name(&labels[i]).width(bar))
        })
        .collect();
    let ghosts: Vec<Bar> = pinned
        .iter()
        .enumerate()
        .flat_map(|(k, vs)| {
            vs.iter().enumerate().filter_map(move |(i, v)| {
                Some(Bar::new(x(i, k + 1), (*v)?).width(bar).fill(ghost_fill(color, k)).stroke(
                    egui::Stroke::new(1.0, color),
                ))
            })
        })
        .collect();
    let labels = labels.to_vec();
    let whisker = ui.visuals().text_color();
    Plot::new(id)
        .height(height)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .show_x(false)
        .include_y(0.0)
        .include_x(-0.6)
        .include_x(n as f64 - 0.4)
        .x_grid_spacer(move |_| {
            (0..n)
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .x_axis_formatter(move |m, _| {
            let i = m.value.round();
            if (m.value - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
                labels[i as usize].clone()
            } else {
                String::new()
            }
        })
        .show(ui, |p| {
            p.bar_chart(BarChart::new(name, bars).color(color));
            if !ghosts.is_empty() {
                p.bar_chart(BarChart::new(tr("Pinned"), ghosts).color(ghost_color(color)));
            }
            for (i, v) in values.iter().enumerate() {
                let Some((m, se)) = *v else { continue };
                if !se.is_finite() {
                    continue;
                }
                let (x, lo, hi) = (x(i, 0), m - 1.96 * se, m + 1.96 * se);
                let seg = |a: [f64; 2], b: [f64; 2]| {
                    Line::new("±1.96 se", PlotPoints::from(vec![a, b]))
                        .color(whisker)
                        .width(1.2 * ctx.line_scale)
                };
                p.line(seg([x, lo], [x, hi]));
                p.line(seg([x - 0.12, lo], [x + 0.12, lo]));
                p.line(seg([x - 0.12, hi], [x + 0.12, hi]));
            }
        });
}
