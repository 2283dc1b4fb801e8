//! The securities left out of the score, each with its reason.

use super::{PaneCtx, PaneView};
use crate::i18n::{Localize, tr};

#[derive(Default)]
pub struct ExcludedPane;

impl PaneView for ExcludedPane {
    fn title() -> &'static str {
        tr("Excluded")
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneCtx) {
        let Some(r) = ctx.results else {
            ui.label(tr("No results yet."));
            return;
        };
        let (cs, sc) = (&r.prep().cs, r.scores());
        let out: Vec<usize> = (0..cs.len()).filter(|&s| !sc.included[s]).collect();
        ui.label(format!("{}: {}", tr("Excluded"), out.len()));
        // Only the visible rows are laid out: a universe of 10,000 names stays fast.
        use egui_extras::{Column, TableBuilder};
        TableBuilder::new(ui)
            .id_salt("excluded")
            .striped(true)
            .column(Column::auto().at_least(70.0))
            .column(Column::auto().at_least(140.0).clip(true))
            .column(Column::auto().at_least(120.0).clip(true))
            .column(Column::remainder())
            .header(20.0, |mut h| {
                for t in [tr("Ticker"), tr("Name"), tr("Sector"), tr("Reason")] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(18.0, out.len(), |mut row| {
                    let s = out[row.index()];
                    row.col(|ui| {
                        ui.label(&cs.tickers[s]);
                    });
                    row.col(|ui| {
                        ui.label(&cs.names[s]);
                    });
                    row.col(|ui| {
                        ui.label(&cs.sectors[s]);
                    });
                    row.col(|ui| {
                        ui.label(sc.exclusion[s].as_ref().map(|e| e.text()).unwrap_or_default());
                    });
                });
            });
    }
}
