//! The dataset summary (left panel) and the selected table's load report, column mapping
//! editor and data preview (central area).

use egui::RichText;

use super::i18n::{tr, tr_msg};
use super::{Command, Purpose, WorkbenchApp};
use crate::data::schema::{self, FIELDS, Target};
use crate::data::{ColumnMapping, TableKind};

pub fn summary(app: &mut WorkbenchApp, ui: &mut egui::Ui) {
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
        let selected = app.selected == kind;
        match app.dataset.table(kind) {
            Some(t) => {
                let r = &t.report;
                let title = format!("{} — {}", kind_label(kind), file_name(&r.file));
                if ui
                    .selectable_label(selected, RichText::new(title).strong())
                    .clicked()
                {
                    app.selected = kind;
                }
                ui.indent(kind.id(), |ui| {
                    ui.label(tr_msg(&format!(
                        "{} rows kept of {} read",
                        r.rows_kept, r.rows_read
                    )));
                    if let Some(n) = r.tickers {
                        ui.label(tr_msg(&format!("{n} securities")));
                    }
                    if let (Some(a), Some(b)) = (&r.first_date, &r.last_date) {
                        ui.label(tr_msg(&format!("{a} to {b}")));
                    }
                    let parts: Vec<String> = r.format_parts().iter().map(|p| tr_msg(p)).collect();
                    ui.label(parts.join(", "));
                    let w = r.warning_count();
                    if w > 0 {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            tr_msg(&format!("{w} warning(s): see the load report")),
                        );
                    }
                });
            }
            None => {
                if ui
                    .selectable_label(
                        selected,
                        tr_msg(&format!("{} — not loaded", kind_label(kind))),
                    )
                    .clicked()
                {
                    app.selected = kind;
                }
            }
        }
        ui.add_space(4.0);
    }
}

fn kind_label(k: TableKind) -> &'static str {
    match k {
        TableKind::Fundamentals => tr("Fundamentals"),
        TableKind::Prices => tr("Prices"),
        TableKind::Factors => tr("Factors"),
    }
}

fn file_name(s: &str) -> String {
    std::path::Path::new(s)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| s.to_string())
}

#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum Tab {
    #[default]
    Report,
    Mapping,
    Preview,
}

pub fn details(app: &mut WorkbenchApp, ui: &mut egui::Ui) {
    let Some(table) = app.dataset.table(app.selected).cloned() else {
        ui.heading(kind_label(app.selected));
        ui.label(tr("No table of this kind is loaded. Open a file: its kind is recognised from its columns."));
        return;
    };
    let tab_id = ui.scope_id().with("dataset_tab");
    let mut tab: Tab = ui.data(|d| d.get_temp(tab_id)).unwrap_or_default();
    ui.horizontal(|ui| {
        ui.heading(format!(
            "{} — {}",
            kind_label(table.kind),
            file_name(&table.report.file)
        ));
        ui.separator();
        ui.selectable_value(&mut tab, Tab::Report, tr("Load report"));
        ui.selectable_value(&mut tab, Tab::Mapping, tr("Column mapping"));
        ui.selectable_value(&mut tab, Tab::Preview, tr("Preview"));
    });
    ui.data_mut(|d| d.insert_temp(tab_id, tab));
    ui.separator();
    match tab {
        Tab::Report => report(ui, &table.report),
        Tab::Mapping => mapping(app, ui, &table),
        Tab::Preview => preview(ui, &table.df),
    }
}

fn report(ui: &mut egui::Ui, r: &crate::data::LoadReport) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("report_head")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    ui.label(tr("File"));
                    ui.label(&r.file);
                    ui.end_row();
                    ui.label(tr("Format"));
                    ui.label(r.format_summary());
                    ui.end_row();
                    ui.label(tr("Rows read / kept"));
                    ui.label(format!("{} / {}", r.rows_read, r.rows_kept));
                    ui.end_row();
                    ui.label(tr("Duplicate keys"));
                    ui.label(r.duplicates.len().to_string());
                    ui.end_row();
                    ui.label(tr("Excluded rows"));
                    ui.label(r.excluded.len().to_string());
                    ui.end_row();
                });
            ui.add_space(6.0);
            ui.strong(tr("Missing values per column"));
            egui::Grid::new("report_missing")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    ui.label(RichText::new("column").strong());
                    ui.label(RichText::new("from header").strong());
                    ui.label(RichText::new("missing").strong());
                    ui.end_row();
                    for s in &r.stats {
                        ui.label(&s.column);
                        ui.label(s.header.replace('\n', " "));
                        ui.label(s.missing.to_string());
                        ui.end_row();
                    }
                });
            if !r.problems.is_empty() || !r.warnings.is_empty() || !r.duplicates.is_empty() {
                ui.add_space(6.0);
                ui.strong(tr("Warnings"));
                let warn = ui.visuals().warn_fg_color;
                for p in &r.problems {
                    let ex: Vec<String> = p
                        .examples
                        .iter()
                        .map(|(row, v)| format!("row {row}: {v:?}"))
                        .collect();
                    ui.colored_label(
                        warn,
                        tr_msg(&format!(
                            "Column '{}', {} cell(s): {}; {}. e.g. {}",
                            p.header,
                            p.count,
                            p.problem,
                            p.action,
                            ex.join("; ")
                        )),
                    );
                }
                for d in r.duplicates.iter().take(20) {
                    ui.colored_label(
                        warn,
                        tr_msg(&format!(
                            "Duplicate key ({}, {}) in rows {:?}; the last is kept",
                            d.ticker, d.date, d.rows
                        )),
                    );
                }
                for w in &r.warnings {
                    ui.colored_label(warn, tr_msg(w));
                }
            }
            if !r.excluded.is_empty() {
                ui.add_space(6.0);
                egui::CollapsingHeader::new(tr_msg(&format!(
                    "Excluded rows ({})",
                    r.excluded.len()
                )))
                .show(ui, |ui| {
                    for e in r.excluded.iter().take(2000) {
                        ui.label(tr_msg(&format!("row {}: {}", e.row, e.reason)));
                    }
                    if r.excluded.len() > 2000 {
                        ui.label(tr_msg(&format!(
                            "… and {} more (halo-workbench inspect lists them all)",
                            r.excluded.len() - 2000
                        )));
                    }
                });
            }
        });
}

fn target_text(t: &Target) -> String {
    match t {
        Target::Field(f) => f.clone(),
        Target::Custom(n) => format!("custom: {n}"),
        Target::Ignore => "(not used)".into(),
    }
}

fn mapping(app: &mut WorkbenchApp, ui: &mut egui::Ui, table: &crate::data::Table) {
    let kind = table.kind;
    let mut edit: ColumnMapping = match &app.pending_mapping {
        Some((k, m)) if *k == kind => m.clone(),
        _ => table.mapping.clone(),
    };
    ui.label(tr("Each column of your file and the field it is read as. Change a row, then reload; the project file saves your choices."));
    let mut changed = false;
    egui::ScrollArea::vertical()
        .max_height(ui.available_height() - 40.0)
        .show(ui, |ui| {
            egui::Grid::new("mapping")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    ui.label(RichText::new("column in the file").strong());
                    ui.label(RichText::new("read as").strong());
                    ui.label(RichText::new("why").strong());
                    ui.end_row();
                    for c in &table.report.columns {
                        let header_label = ui.label(c.header.replace('\n', " "));
                        let current = edit
                            .overrides
                            .get(&c.header)
                            .cloned()
                            .unwrap_or_else(|| c.target.clone());
                        let mut choice = current.clone();
                        egui::ComboBox::from_id_salt(("map", &c.header))
                            .selected_text(target_text(&choice))
                            .width(200.0)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut choice, Target::Ignore, "(not used)");
                                ui.selectable_value(
                                    &mut choice,
                                    Target::Custom(schema::custom_name(&c.header)),
                                    "custom metric / factor",
                                );
                                for f in FIELDS.iter().filter(|f| schema::allowed(kind, f.id)) {
                                    ui.selectable_value(
                                        &mut choice,
                                        Target::Field(f.id.into()),
                                        format!("{} — {} {}", f.id, f.label_en, f.label_zh),
                                    );
                                }
                            })
                            .response
                            .labelled_by(header_label.id);
                        if choice != current {
                            edit.overrides.insert(c.header.clone(), choice);
                            changed = true;
                        }
                        let how = if edit.overrides.contains_key(&c.header) {
                            "your mapping"
                        } else {
                            c.how.as_str()
                        };
                        ui.label(how);
                        ui.end_row();
                    }
                });
        });
    if changed {
        app.pending_mapping = Some((kind, edit.clone()));
    }
    ui.horizontal(|ui| {
        let dirty = edit != table.mapping;
        if ui
            .add_enabled(dirty, egui::Button::new(tr("Reload with this mapping")))
            .clicked()
        {
            app.push(Command::Remap(kind, edit.clone()));
        }
        if ui
            .add_enabled(
                !edit.overrides.is_empty(),
                egui::Button::new(tr("Back to automatic matching")),
            )
            .clicked()
        {
            app.pending_mapping = None;
            app.push(Command::Remap(kind, ColumnMapping::default()));
        }
    });
}

fn preview(ui: &mut egui::Ui, df: &polars::prelude::DataFrame) {
    use egui_extras::{Column, TableBuilder};
    let cols = df.columns();
    let rows = df.height().min(500);
    ui.label(tr_msg(&format!("First {rows} of {} rows", df.height())));
    egui::ScrollArea::horizontal().show(ui, |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .columns(Column::auto().at_least(60.0).resizable(true), cols.len())
            .header(20.0, |mut h| {
                for c in cols {
                    h.col(|ui| {
                        ui.strong(c.name().as_str());
                    });
                }
            })
            .body(|body| {
                body.rows(18.0, rows, |mut row| {
                    let i = row.index();
                    for c in cols {
                        row.col(|ui| {
                            let v = c.get(i).map(|v| v.to_string()).unwrap_or_default();
                            ui.label(v.trim_matches('"').to_string());
                        });
                    }
                });
            });
    });
}
