//! The dataset summary at the top of the left panel: the tables loaded, their files, rows,
//! dates and warnings; clicking a table shows its report in the data pane.

use egui::RichText;

use super::panes::data::{file_name, kind_label};
use super::{Command, Purpose, WorkbenchApp};
use crate::data::TableKind;
use crate::engine::universe::Dating;
use crate::i18n::{Localize, lang, tr};

pub fn summary(app: &mut WorkbenchApp, ui: &mut egui::Ui) {
    let l = lang();
    ui.heading(tr("Dataset"));
    ui.label(RichText::new(&app.dataset.name).strong());
    ui.horizontal_wrapped(|ui| {
        if let Some(cmd) = open_buttons(ui) {
            app.push(cmd);
        }
        if ui.button(tr("Load sample")).clicked() {
            app.push(Command::LoadSample);
        }
    });
    ui.label(
        RichText::new(tr(
            "Or drop CSV, Parquet or .xlsx files on the window: a new dataset (hold Shift to add them).",
        ))
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
                        let noun = crate::i18n::plural(n, "security", "securities");
                        ui.label(crate::bi!(l, "{n} {noun}", "{n} 只证券"));
                    }
                    if let (Some(a), Some(b)) = (&r.first_date, &r.last_date) {
                        ui.label(crate::bi!(l, "{a} to {b}", "{a} 至 {b}"));
                    }
                    ui.label(r.format_summary(l));
                    ui.label(RichText::new(enables(kind, app)).small().weak());
                    if kind == TableKind::Attributes
                        && let Some(j) = app.inputs.as_ref().and_then(|i| i.attributes.as_ref())
                    {
                        ui.label(RichText::new(j.localize(l)).small());
                    }
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
                // Prices with an undated table of figures: the engine scores those.
                let text = match (kind, snapshot(app)) {
                    (TableKind::Fundamentals, Some(file)) => crate::bi!(
                        l,
                        "Scored instead: the figures of {file}, as a snapshot (they have no report dates, so there is no backtest).",
                        "改为计分：{file} 的数据，作为快照（没有报告期，因此不运行回测）。"
                    ),
                    _ => missing(kind).to_string(),
                };
                ui.indent(kind.id(), |ui| {
                    ui.label(RichText::new(text).small().weak());
                });
            }
        }
        ui.add_space(4.0);
    }
}

/// The undated table of figures the engine scores as a snapshot, if it does.
fn snapshot(app: &WorkbenchApp) -> Option<String> {
    app.inputs.as_ref().and_then(|i| match &i.panel.dating {
        Dating::Snapshot { file } => Some(file.clone()),
        _ => None,
    })
}

/// What a loaded table lets the workbench compute, given the others loaded.
fn enables(kind: TableKind, app: &WorkbenchApp) -> String {
    let ds = &app.dataset;
    let has = |k| ds.table(k).is_some();
    if let (TableKind::Prices, Some(file)) = (kind, snapshot(app)) {
        return crate::bi!(
            lang(),
            "Enables: sector performance, the market factor, the regression and scenarios, and the score of {file}'s snapshot at the prices' last date (no backtest: it has no report dates).",
            "可用于：行业表现、市场因子、回归与情景，以及在价格最后日期为 {file} 的快照计分（无报告期，不运行回测）。"
        );
    }
    let text = match kind {
        TableKind::Fundamentals if has(TableKind::Prices) => {
            tr("Enables: the score, ranking, baskets and characteristic exposures.")
        }
        TableKind::Fundamentals => tr(
            "Enables: the score, ranking, baskets and characteristic exposures; performance needs prices.",
        ),
        TableKind::Prices if has(TableKind::Fundamentals) => tr(
            "Enables: sector performance, the backtest, the market factor, the regression and scenarios.",
        ),
        TableKind::Prices => tr(
            "Enables: performance of each group (the prices' sector column, else each ticker); the score needs fundamentals.",
        ),
        TableKind::Factors if has(TableKind::Prices) => {
            tr("Enables: these factors in the regression and the factor scenarios.")
        }
        TableKind::Factors => tr("Factors are used with prices: load a prices table."),
        TableKind::Attributes => tr(
            "Enables: its columns on every security whose ticker, industry or sector it lists (metrics, groups, names).",
        ),
    };
    text.to_string()
}

/// What is missing without a table of this kind.
fn missing(kind: TableKind) -> &'static str {
    match kind {
        TableKind::Fundamentals => tr("Without it nothing can be scored."),
        TableKind::Prices => {
            tr("Without it: no performance, backtest, regression or scenarios from returns.")
        }
        TableKind::Factors => {
            tr("Without it the regression and the scenarios use the market factor alone.")
        }
        TableKind::Attributes => tr(
            "A lookup table (a value per ticker, industry or sector, such as an AI-exposure score per industry) adds its columns to the securities.",
        ),
    }
}

/// The ways to open data, each saying what it does: in the File menu and the dataset panel.
pub fn open_buttons(ui: &mut egui::Ui) -> Option<Command> {
    let items = [
        (
            tr("Open data…"),
            tr("The files you pick become a new dataset."),
            Command::Pick(Purpose::OpenData),
        ),
        (
            tr("Add to dataset…"),
            tr("The files you pick join the tables loaded (a table of the same kind is replaced)."),
            Command::Pick(Purpose::AddData),
        ),
        (
            tr("Open folder…"),
            tr(
                "Every data file in a folder (a file per ticker, say): the files of one kind become one table.",
            ),
            Command::Pick(Purpose::OpenFolder),
        ),
        (
            tr("Open path…"),
            tr("Type or paste a path, or browse the folders."),
            Command::Browse(Purpose::OpenData),
        ),
    ];
    let mut picked = None;
    for (label, tip, cmd) in items {
        if ui.button(label).on_hover_text(tip).clicked() {
            picked = Some(cmd);
        }
    }
    picked
}
