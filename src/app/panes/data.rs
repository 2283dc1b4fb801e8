//! The selected table's load report, column mapping editor and data preview.

use egui::RichText;

use super::{PaneCtx, PaneView};
use crate::app::Command;
use crate::data::report::target_text;
use crate::data::schema::{self, FIELDS, Target};
use crate::data::{ColumnMapping, LoadReport, Table, TableKind};
use crate::i18n::{Localize, lang, tr};

#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Report,
    Mapping,
    Preview,
}

#[derive(Default)]
pub struct DataPane {
    /// The table shown (the dataset summary selects it too).
    pub selected: TableKind,
    pub tab: Tab,
    /// A mapping being edited, before it is applied.
    pub pending: Option<(TableKind, ColumnMapping)>,
}

/// At most this many columns are listed or previewed: a file of 20,000 columns stays fast
/// to draw (the rest are counted).
const MAX_LISTED: usize = 300;

/// At most this many characters of a cell or header are drawn (a 10 MB cell would
/// otherwise be laid out every frame).
const MAX_CELL_CHARS: usize = 200;

fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

pub fn kind_label(k: TableKind) -> &'static str {
    match k {
        TableKind::Fundamentals => tr("Fundamentals"),
        TableKind::Prices => tr("Prices"),
        TableKind::Factors => tr("Factors"),
        TableKind::Attributes => tr("Attributes"),
    }
}

pub fn file_name(s: &str) -> String {
    crate::data::file_name(std::path::Path::new(s))
}

impl PaneView for DataPane {
    fn title() -> &'static str {
        tr("Data")
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneCtx) {
        let Some(table) = ctx.dataset.table(self.selected).cloned() else {
            ui.heading(kind_label(self.selected));
            ui.label(tr("No table of this kind is loaded. Open a file: its kind is recognised from its columns."));
            return;
        };
        ui.horizontal(|ui| {
            ui.heading(format!(
                "{} — {}",
                kind_label(table.kind),
                file_name(&table.report.file)
            ));
            ui.separator();
            ui.selectable_value(&mut self.tab, Tab::Report, tr("Load report"));
            ui.selectable_value(&mut self.tab, Tab::Mapping, tr("Column mapping"));
            ui.selectable_value(&mut self.tab, Tab::Preview, tr("Preview"));
        });
        ui.separator();
        match self.tab {
            Tab::Report => report(ui, &table.report),
            Tab::Mapping => self.mapping(ui, &table, ctx.commands),
            Tab::Preview => preview(ui, &table.df),
        }
    }
}

fn report(ui: &mut egui::Ui, r: &LoadReport) {
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
                    ui.label(r.format_summary(lang()));
                    ui.end_row();
                    ui.label(tr("Rows read / kept"));
                    ui.label(format!("{} / {}", r.rows_read, r.rows_kept));
                    ui.end_row();
                    ui.label(tr("Duplicate keys"));
                    ui.label(r.duplicates.len().to_string());
                    ui.end_row();
                    ui.label(tr("Excluded rows"));
                    ui.label(r.excluded_total.to_string());
                    ui.end_row();
                });
            ui.add_space(6.0);
            ui.strong(tr("Missing values per column"));
            egui::Grid::new("report_missing")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    ui.label(RichText::new(tr("Column")).strong());
                    ui.label(RichText::new(tr("From header")).strong());
                    ui.label(RichText::new(tr("Missing")).strong());
                    ui.end_row();
                    for s in r.stats.iter().take(MAX_LISTED) {
                        ui.label(schema::field_name(&s.column, lang()));
                        ui.label(clip(&s.header.replace('\n', " ")));
                        ui.label(s.missing.to_string());
                        ui.end_row();
                    }
                });
            if r.stats.len() > MAX_LISTED {
                let more = r.stats.len() - MAX_LISTED;
                ui.label(crate::bi!(
                    lang(),
                    "… and {more} more columns",
                    "……另有 {more} 列"
                ));
            }
            if !r.problems.is_empty() || !r.warnings.is_empty() || !r.duplicates.is_empty() {
                ui.add_space(6.0);
                ui.strong(tr("Warnings"));
                let warn = ui.visuals().warn_fg_color;
                for p in &r.problems {
                    ui.colored_label(warn, p.text());
                }
                for d in r.duplicates.iter().take(20) {
                    ui.colored_label(warn, d.text());
                }
                for w in &r.warnings {
                    ui.colored_label(warn, w.text());
                }
            }
            if r.excluded_total > 0 {
                ui.add_space(6.0);
                let n = r.excluded_total;
                egui::CollapsingHeader::new(format!("{} ({n})", tr("Excluded rows"))).show(
                    ui,
                    |ui| {
                        for e in r.excluded.iter().take(2000) {
                            ui.label(format!("{}: {}", e.place(lang()), e.text()));
                        }
                        if n > 2000 {
                            let more = n - 2000;
                            ui.label(crate::bi!(
                                lang(),
                                "… and {more} more (halo-workbench inspect lists up to 100,000)",
                                "……另有 {more} 行（halo-workbench inspect 最多列出 100,000 行）"
                            ));
                        }
                    },
                );
            }
        });
}

impl DataPane {
    fn mapping(&mut self, ui: &mut egui::Ui, table: &Table, commands: &mut Vec<Command>) {
        let kind = table.kind;
        let mut edit: ColumnMapping = match &self.pending {
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
                        ui.label(RichText::new(tr("Column in the file")).strong());
                        ui.label(RichText::new(tr("Read as")).strong());
                        ui.label(RichText::new(tr("Why")).strong());
                        ui.end_row();
                        for c in table.report.columns.iter().take(MAX_LISTED) {
                            let header_label = ui.label(clip(&c.header.replace('\n', " ")));
                            let current = edit
                                .overrides
                                .get(&c.header)
                                .cloned()
                                .unwrap_or_else(|| c.target.clone());
                            let mut choice = current.clone();
                            egui::ComboBox::from_id_salt(("map", &c.header))
                                .selected_text(target_text(&choice, lang()))
                                .width(200.0)
                                .show_ui(ui, |ui| {
                                    ui.selectable_value(&mut choice, Target::Ignore, tr("(not used)"));
                                    ui.selectable_value(
                                        &mut choice,
                                        Target::Custom(schema::custom_name(&c.header)),
                                        tr("custom metric / factor"),
                                    );
                                    for f in FIELDS.iter().filter(|f| schema::allowed(kind, f.id)) {
                                        // The id is what settings and projects name.
                                        let label = match lang() {
                                            crate::i18n::Lang::En => {
                                                format!("{} — {}", f.id, f.label_en)
                                            }
                                            crate::i18n::Lang::Zh => f.label_zh.to_string(),
                                        };
                                        ui.selectable_value(
                                            &mut choice,
                                            Target::Field(f.id.into()),
                                            label,
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
                                tr("your mapping").to_string()
                            } else {
                                c.how.text()
                            };
                            ui.label(how);
                            ui.end_row();
                        }
                    });
            });
        if table.report.columns.len() > MAX_LISTED {
            let more = table.report.columns.len() - MAX_LISTED;
            ui.label(crate::bi!(
                lang(),
                "… and {more} more columns (map them in the project file)",
                "……另有 {more} 列（请在项目文件中映射）"
            ));
        }
        if changed {
            self.pending = Some((kind, edit.clone()));
        }
        ui.horizontal(|ui| {
            let dirty = edit != table.mapping;
            if ui
                .add_enabled(dirty, egui::Button::new(tr("Reload with this mapping")))
                .clicked()
            {
                commands.push(Command::Remap(kind, edit.clone()));
            }
            if ui
                .add_enabled(
                    !edit.overrides.is_empty(),
                    egui::Button::new(tr("Back to automatic matching")),
                )
                .clicked()
            {
                self.pending = None;
                commands.push(Command::Remap(kind, ColumnMapping::default()));
            }
        });
    }
}

fn preview(ui: &mut egui::Ui, df: &polars::prelude::DataFrame) {
    use egui_extras::{Column, TableBuilder};
    let all = df.columns();
    let cols = &all[..all.len().min(MAX_LISTED)];
    let rows = df.height().min(500);
    let total = df.height();
    ui.label(crate::bi!(
        lang(),
        "First {rows} of {total} rows",
        "前 {rows} 行，共 {total} 行"
    ));
    if all.len() > cols.len() {
        let (shown, n) = (cols.len(), all.len());
        ui.label(crate::bi!(
            lang(),
            "First {shown} of {n} columns",
            "前 {shown} 列，共 {n} 列"
        ));
    }
    egui::ScrollArea::horizontal().show(ui, |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .columns(Column::auto().at_least(60.0).resizable(true), cols.len())
            .header(20.0, |mut h| {
                for c in cols {
                    h.col(|ui| {
                        ui.strong(schema::field_name(c.name().as_str(), lang()))
                            .on_hover_text(c.name().as_str());
                    });
                }
            })
            .body(|body| {
                body.rows(18.0, rows, |mut row| {
                    let i = row.index();
                    for c in cols {
                        row.col(|ui| {
                            let v = c.get(i).map(|v| v.to_string()).unwrap_or_default();
                            ui.label(clip(v.trim_matches('"')));
                        });
                    }
                });
            });
    });
}
