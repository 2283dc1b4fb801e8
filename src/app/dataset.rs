//! The dataset summary at the top of the left panel: the tables loaded, their files, rows,
//! dates and warnings; clicking a table shows its report in the data pane.

use egui::RichText;

use super::panes::data::{file_name, kind_label};
use super::{Command, Purpose, WorkbenchApp};
use crate::data::TableKind;
use crate::i18n::{lang, tr};

pub fn summary(app: &mut WorkbenchApp, ui: &mut egui::Ui) {
    let l = lang();
    ui.heading(tr("Dataset"));
    ui.label(RichText::new(&app.dataset.name).strong());
    ui.horizontal_wrapped(|ui| {
        if ui.button(tr("Open data…")).clicked() {
            app.push(Command::Pick(Purpose::OpenData));
        }
        if ui.button(tr("Open path…")).clicked() {
            app.push(Command::Browse(Purpose::OpenData));
        }
        if ui.button(tr("Load sample")).clicked() {
            app.push(Command::LoadSample);
        }
    });
    ui.label(
        RichText::new(tr("Or drop CSV, Parquet or .xlsx files on the window."))
            .small()
            .weak(),
    );
    ui.separator();
    for kind in TableKind::ALL {
        let selected = app.panes.data.selected == kind;
        match app.dataset.table(kind) {
            Some(t) => {
                let r = &t.report;
                let title = format!("{} — {}", kind_label(kind), file_name(&r.file));
                if ui
                    .selectable_label(selected, RichText::new(title).strong())
                    .clicked()
                {
                    app.panes.data.selected = kind;
                }
                ui.indent(kind.id(), |ui| {
                    let (kept, read) = (r.rows_kept, r.rows_read);
                    ui.label(crate::bi!(
                        l,
                        "{kept} rows kept of {read} read",
                        "保留 {kept} 行，共读取 {read} 行"
                    ));
                    if let Some(n) = r.tickers {
                        ui.label(crate::bi!(l, "{n} securities", "{n} 只证券"));
                    }
                    if let (Some(a), Some(b)) = (&r.first_date, &r.last_date) {
                        ui.label(crate::bi!(l, "{a} to {b}", "{a} 至 {b}"));
                    }
                    ui.label(r.format_summary(l));
                    let w = r.warning_count();
                    if w > 0 {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            crate::bi!(
                                l,
                                "{w} warning(s): see the load report",
                                "{w} 条警告：见载入报告"
                            ),
                        );
                    }
                });
            }
            None => {
                let k = kind_label(kind);
                let label = format!("{k} — {}", tr("not loaded"));
                if ui.selectable_label(selected, label).clicked() {
                    app.panes.data.selected = kind;
                }
            }
        }
        ui.add_space(4.0);
    }
}
