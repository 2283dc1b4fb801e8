//! The point-in-time quantile backtest: cumulative returns of each quantile, the
//! top-minus-bottom spread, the benchmark and the HALO basket, with the IC in the title.

use polars::prelude::DataFrame;

use super::PaneView;
use crate::app::chart::{
    ChartCtx, ChartResponse, CumLine, cumulative_chart, pct, series_color, series_name, source,
    title, year_fraction,
};
use crate::app::messages::ExportError;
use crate::engine::notes::SeriesId;
use crate::engine::pipeline::Results;
use crate::engine::settings::{Rebalance, Settings, Switch};
use crate::i18n::{Localize, tr};
use crate::view::ViewState;

#[derive(Default)]
pub struct BacktestPane;

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
        let x: Vec<f64> = b.curve_dates().iter().map(|d| year_fraction(*d)).collect();
        let curves: Vec<Vec<f64>> = b.series.iter().map(|s| s.curve()).collect();
        let lines: Vec<CumLine> = b
            .series
            .iter()
            .zip(&curves)
            .map(|(s, curve)| CumLine {
                name: series_name(&s.id),
                color: series_color(ui, &s.id),
                cumulative: curve,
                width: if s.id == SeriesId::HaloBasket {
                    3.0
                } else {
                    1.5
                },
            })
            .collect();
        cumulative_chart(ui, ctx, "backtest_lines", &x, &lines);
        source(
            ui,
            ctx.dataset,
            r.as_of(),
            tr("point in time; survivorship-biased prices overstate returns"),
        );
        ChartResponse::default()
    }

    fn table(r: &Results, _view: &ViewState) -> Result<DataFrame, ExportError> {
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
