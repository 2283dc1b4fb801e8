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
        egui::ScrollArea::vertical()
            .id_salt("excluded")
            .show(ui, |ui| {
                egui::Grid::new("excluded_grid")
                    .striped(true)
                    .show(ui, |ui| {
                        for h in [tr("Ticker"), tr("Name"), tr("Sector"), tr("Reason")] {
                            ui.strong(h);
                        }
                        ui.end_row();
                        for &s in &out {
                            ui.label(&cs.tickers[s]);
                            ui.label(&cs.names[s]);
                            ui.label(&cs.sectors[s]);
                            ui.label(sc.exclusion[s].as_ref().map(|e| e.text()).unwrap_or_default());
                            ui.end_row();
                        }
                    });
            });
    }
}
