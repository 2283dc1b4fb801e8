//! The left panel's controls: pillar and metric weights, scoring options, the basket rule,
//! lens presets and the scenario list with its editor. Controls change the settings
//! directly; the app notices the change and recomputes (there is no "apply").

use egui::{RichText, Slider};

/// A slider that writes its value only when the user moves it: egui's default clamping
/// re-rounds an existing value to the step on every frame (1.7 became
/// 1.7000000000000002), which changed the settings by merely drawing them.
fn slider<'a>(value: &'a mut f64, range: std::ops::RangeInclusive<f64>) -> Slider<'a> {
    Slider::new(value, range).clamping(egui::SliderClamping::Edits)
}

use super::{Command, WorkbenchApp};
use crate::engine::metrics::{CustomMetric, METRICS, MetricDef, Pillar, metric};
use crate::engine::presets::presets;
use crate::engine::scenarios::{Scenario, ScenarioKind};
use crate::engine::settings::{Financials, Selection, Standardize, Weighting, Winsorize};
use crate::i18n::{Lang, Localize, lang, pick, tr};

fn pillar_label(p: Pillar) -> &'static str {
    match p {
        Pillar::HeavyAssets => tr("Heavy assets"),
        Pillar::LowObsolescence => tr("Low obsolescence"),
        Pillar::SupplyConstraint => tr("Supply constraint"),
        Pillar::CashFlowStability => tr("Cash-flow stability"),
    }
}

fn metric_tooltip(id: &str) -> String {
    match metric(id) {
        Some(m) => format!(
            "{} / {}\n{}: {}\n\n{}",
            m.label_en,
            m.label_zh,
            tr("Metric"),
            m.formula_text,
            if lang() == Lang::Zh {
                m.explanation_zh
            } else {
                m.explanation
            }
        ),
        None => id.to_string(),
    }
}

pub fn weights(app: &mut WorkbenchApp, ui: &mut egui::Ui) {
    ui.heading(tr("Pillar weights"));
    // A ratio-level metric is offered only when the data has its column.
    let panel = app.inputs.as_ref().map(|i| &i.panel);
    let offered = |m: &MetricDef| {
        !m.ratio_level
            || panel.is_none_or(|p| m.formula.inputs().iter().all(|f| p.fields.contains_key(*f)))
    };
    let s = &mut app.state.settings;
    for p in Pillar::ALL {
        let w = s.weights.pillar_mut(p);
        ui.add(slider(w, 0.0..=3.0).step_by(0.05).text(pillar_label(p)))
            .on_hover_text(format!("{} / {}", p.label_en(), p.label_zh()));
    }
    egui::CollapsingHeader::new(tr("Metric weights"))
        .id_salt("metric_weights")
        .show(ui, |ui| {
            for p in Pillar::ALL {
                ui.label(RichText::new(pillar_label(p)).strong());
                for m in METRICS.iter().filter(|m| m.pillar == p && offered(m)) {
                    // Drawing changes nothing: a weight is written only when it is moved.
                    let mut w = s.weights.metric(m.id);
                    if ui
                        .add(
                            slider(&mut w, 0.0..=3.0)
                                .step_by(0.05)
                                .text(pick(m.label_en, m.label_zh)),
                        )
                        .on_hover_text(metric_tooltip(m.id))
                        .changed()
                    {
                        s.weights.metrics.insert(m.id.to_string(), w);
                    }
                }
            }
        });
    custom_metrics(app, ui);
}

/// Add, edit and remove custom metrics: a numeric column of the user's fundamentals (by
/// its header as the file writes it), its pillar, its direction and its weight.
fn custom_metrics(app: &mut WorkbenchApp, ui: &mut egui::Ui) {
    let inputs = app.inputs.clone();
    let s = &mut app.state.settings;
    let (scoring, weights) = (&mut s.scoring, &mut s.weights);
    egui::CollapsingHeader::new(tr("Custom metrics"))
        .id_salt("custom_metrics")
        .show(ui, |ui| {
            // Listed only while the section is open.
            let candidates: Vec<String> = inputs
                .as_ref()
                .map(|i| i.panel.custom_candidates())
                .unwrap_or_default();
            ui.label(
                RichText::new(tr(
                    "Any numeric column of your fundamentals, as a metric of a pillar.",
                ))
                .small()
                .weak(),
            );
            let mut remove = None;
            for (k, m) in scoring.custom_metrics.iter_mut().enumerate() {
                ui.push_id(k, |ui| {
                    ui.horizontal_wrapped(|ui| {
                        egui::ComboBox::new("column", tr("Column"))
                            .selected_text(&m.column)
                            .show_ui(ui, |ui| {
                                for c in &candidates {
                                    ui.selectable_value(&mut m.column, c.clone(), c);
                                }
                            });
                        egui::ComboBox::new("pillar", tr("Pillar"))
                            .selected_text(pillar_label(m.pillar))
                            .show_ui(ui, |ui| {
                                for p in Pillar::ALL {
                                    ui.selectable_value(&mut m.pillar, p, pillar_label(p));
                                }
                            });
                        let up = m.direction > 0.0;
                        if ui.selectable_label(up, tr("higher is HALO")).clicked() {
                            m.direction = 1.0;
                        }
                        if ui.selectable_label(!up, tr("lower is HALO")).clicked() {
                            m.direction = -1.0;
                        }
                        if ui.button(tr("Delete")).clicked() {
                            remove = Some(k);
                        }
                    });
                    let mut w = weights.metric(&m.column);
                    if ui
                        .add(slider(&mut w, 0.0..=3.0).step_by(0.05).text(tr("Weight")))
                        .changed()
                    {
                        weights.metrics.insert(m.column.clone(), w);
                    }
                });
            }
            if let Some(k) = remove {
                scoring.custom_metrics.remove(k);
            }
            let add = ui
                .add_enabled(
                    !candidates.is_empty(),
                    egui::Button::new(tr("Add a custom metric")),
                )
                .on_disabled_hover_text(tr(
                    "The fundamentals have no numeric column of their own.",
                ));
            if add.clicked() {
                let used = |c: &String| scoring.custom_metrics.iter().any(|m| &m.column == c);
                let column = candidates
                    .iter()
                    .find(|c| !used(c))
                    .or(candidates.first())
                    .cloned()
                    .unwrap_or_default();
                scoring.custom_metrics.push(CustomMetric {
                    column,
                    pillar: Pillar::HeavyAssets,
                    direction: 1.0,
                });
            }
        });
}

pub fn options(app: &mut WorkbenchApp, ui: &mut egui::Ui) {
    let latest = app.results.as_ref().map(|r| r.as_of());
    let s = &mut app.state.settings;
    egui::CollapsingHeader::new(tr("Scoring options")).id_salt("scoring_options").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(tr("Winsorise")).on_hover_text(tr("Clip each metric before standardising: at the 1st and 99th percentiles of the cross-section, or at the mean +/- 3 sd. Keeps one extreme company from dominating a z-score."));
            ui.selectable_value(&mut s.scoring.winsorize, Winsorize::Percentile, tr("1st / 99th percentile"));
            ui.selectable_value(&mut s.scoring.winsorize, Winsorize::ThreeSd, tr("mean ± 3 sd"));
        });
        ui.horizontal(|ui| {
            ui.label(tr("Standardise")).on_hover_text(tr("z = (x - centre) / sd. Sector-neutral subtracts each sector's mean (sectors under 3 names use the overall mean) and divides by the overall sd (MSCI FaCS practice): it compares a utility with utilities. Cap-weighted centres on the market-cap-weighted mean."));
            ui.selectable_value(&mut s.scoring.standardize, Standardize::Plain, tr("plain"));
            ui.selectable_value(&mut s.scoring.standardize, Standardize::SectorNeutral, tr("sector-neutral"));
            ui.selectable_value(&mut s.scoring.standardize, Standardize::CapWeighted, tr("cap-weighted mean"));
        });
        ui.horizontal_wrapped(|ui| {
            ui.label(tr("Financials")).on_hover_text(tr("Banks, brokers and insurers (申万 银行 and 非银金融, GICS Financials): their asset and cash-flow ratios mean something else, and mixed in they fill one end of the ranking. Automatic leaves them out of A-share data and keeps them otherwise; scored apart standardises each metric among the financials on their own."));
            let f = &mut s.scoring.financials;
            ui.selectable_value(f, Financials::Auto, tr("automatic"));
            ui.selectable_value(f, Financials::Keep, tr("keep"));
            ui.selectable_value(f, Financials::Exclude, tr("exclude"));
            ui.selectable_value(f, Financials::Apart, tr("score apart"));
        });
        ui.add(slider(&mut s.scoring.min_coverage, 0.0..=1.0).step_by(0.05).text(tr("Minimum coverage")))
            .on_hover_text(tr("A security needs at least this share of the weighted metrics to be scored; the others are listed as excluded with the reason."));
        ui.horizontal(|ui| {
            let l = ui.label(tr("As-of date")).on_hover_text(tr("The cross-section's date: each company's latest report known by then (period end + 90 days), never a later one."));
            let mut text = s.scoring.as_of.map(|d| d.to_string()).unwrap_or_default();
            let hint = latest.map(|d| d.to_string()).unwrap_or_else(|| tr("latest").to_string());
            let r = ui.add(egui::TextEdit::singleline(&mut text).desired_width(90.0).hint_text(hint)).labelled_by(l.id);
            if r.changed() {
                s.scoring.as_of = crate::data::dates::parse_any(&text);
            }
            if ui.small_button(tr("latest")).clicked() {
                s.scoring.as_of = None;
            }
        });
    });
}

pub fn basket(app: &mut WorkbenchApp, ui: &mut egui::Ui) {
    let s = &mut app.state.settings;
    egui::CollapsingHeader::new(tr("Basket")).id_salt("basket").show(ui, |ui| {
        ui.horizontal(|ui| {
            let is_q = matches!(s.basket.selection, Selection::TopQuantile(_));
            if ui.selectable_label(is_q, tr("Top quintile")).clicked() {
                s.basket.selection = Selection::TopQuantile(5);
            }
            if ui.selectable_label(!is_q, tr("Top N")).clicked() {
                s.basket.selection = Selection::TopN(50);
            }
            if let Selection::TopN(n) = &mut s.basket.selection {
                let l = ui.label("N");
                ui.add(egui::DragValue::new(n).range(1..=1000)).labelled_by(l.id);
            }
        });
        ui.horizontal(|ui| {
            ui.label(tr("Weighting")).on_hover_text(tr("Equal; market cap; or score-tilted: (1 + z) x cap for z > 0."));
            ui.selectable_value(&mut s.basket.weighting, Weighting::Equal, tr("equal"));
            ui.selectable_value(&mut s.basket.weighting, Weighting::MarketCap, tr("market cap"));
            ui.selectable_value(&mut s.basket.weighting, Weighting::ScoreTilted, tr("score-tilted"));
        });
        ui.add(slider(&mut s.basket.name_cap, 0.01..=1.0).step_by(0.01).text(tr("Name cap")))
            .on_hover_text(tr("Largest weight of one name; the excess is spread pro rata over the others."));
        let mut capped = s.basket.sector_cap.is_some();
        ui.horizontal(|ui| {
            if ui.checkbox(&mut capped, tr("Sector cap")).changed() {
                s.basket.sector_cap = capped.then_some(0.3);
            }
            if let Some(c) = &mut s.basket.sector_cap {
                ui.add(slider(c, 0.05..=1.0).step_by(0.01));
            }
        });
        ui.add(slider(&mut s.blend.mix, 0.0..=1.0).step_by(0.05).text(tr("Blend with growth basket")))
            .on_hover_text(tr("Chen and Ma's (2026) 'old and new dancing together': the share of a growth / AI basket blended with the HALO basket."));
    });
}

pub fn lens_presets(app: &mut WorkbenchApp, ui: &mut egui::Ui) {
    ui.heading(tr("Lens presets"));
    ui.horizontal_wrapped(|ui| {
        for p in presets() {
            let selected = app.state.settings.preset == p.id;
            if ui
                .selectable_label(selected, pick(&p.name, &p.name_zh))
                .on_hover_text(pick(&p.note, &p.note_zh))
                .clicked()
            {
                app.push(Command::ApplyPreset(p.id.clone()));
            }
        }
    });
}

/// Compare lenses: pin the current settings as a reference (every chart then draws it
/// beside the live lens), the pins with their marks, and unpinning.
pub fn compare(app: &mut WorkbenchApp, ui: &mut egui::Ui) {
    use crate::app::chart::{PinResults, lens_mark, pin_style};
    use crate::engine::compare::MAX_PINS;
    ui.heading(tr("Compare lenses"));
    let pins = app.pin_views();
    let shortcut = ui.ctx().format_shortcut(&super::PIN_SHORTCUT);
    let full = pins.len() >= MAX_PINS;
    let pin = ui
        .add_enabled(
            !full,
            egui::Button::new(tr("Pin the current lens")).shortcut_text(shortcut),
        )
        .on_hover_text(tr(
            "Keep the current settings as a reference: every chart draws it beside the live lens, muted and dashed, and the ranking lists the names entering and leaving the basket",
        ))
        .on_disabled_hover_text(crate::bi!(
            crate::i18n::lang(),
            "At most {MAX_PINS} lenses are pinned: unpin one first",
            "最多固定 {MAX_PINS} 个参照视角：请先取消一个"
        ));
    if pin.clicked() {
        app.push(Command::Pin);
    }
    let lang = crate::i18n::lang();
    for (k, p) in pins.iter().enumerate() {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(24.0, 12.0), egui::Sense::hover());
            let text = ui.visuals().text_color();
            lens_mark(ui.painter(), rect, Some(pin_style(k)), text);
            let state = match &p.results {
                PinResults::Ready(_) => String::new(),
                PinResults::Computing => format!(" {}", tr("(computing…)")),
                PinResults::Failed(_) => format!(" {}", tr("(not computed)")),
            };
            let label = ui.label(format!("{}{state}", p.name.localize(lang)));
            if let PinResults::Failed(e) = &p.results {
                label.on_hover_text(e.localize(lang));
            }
            if ui
                .small_button("×")
                .on_hover_text(tr("Unpin this lens"))
                .clicked()
            {
                app.push(Command::Unpin(k));
            }
        });
    }
    if pins.len() > 1 && ui.small_button(tr("Unpin all")).clicked() {
        app.push(Command::UnpinAll);
    }
}

/// The scenario list, and an editor for the selected one: a slider per shock. The list
/// shown is the settings' own or, while that is empty, the default library; drawing it
/// changes nothing, and an edit writes the whole list into the settings.
pub fn scenarios(app: &mut WorkbenchApp, ui: &mut egui::Ui) {
    ui.heading(tr("Scenarios"));
    let shown = crate::engine::pipeline::scenario_list(&app.state.settings);
    let mut list = shown.clone();
    let view = &mut app.state.view;
    let n = list.len();
    let mut selected = view
        .scenario
        .as_deref()
        .and_then(|name| list.iter().position(|s| s.name == name))
        .unwrap_or(0);
    egui::ScrollArea::vertical()
        .id_salt("scenario_list")
        .max_height(160.0)
        .show(ui, |ui| {
            for (i, sc) in list.iter().enumerate() {
                if ui
                    .selectable_label(selected == i, pick(&sc.name, &sc.name_zh))
                    .on_hover_text(pick(&sc.source, &sc.source_zh))
                    .clicked()
                {
                    selected = i;
                }
            }
        });
    ui.horizontal(|ui| {
        if ui.button(tr("Add")).clicked() {
            list.push(Scenario {
                name: format!("{} {}", tr("My scenario"), n + 1),
                name_zh: String::new(),
                source: "user".into(),
                source_zh: String::new(),
                kind: ScenarioKind::Factor {
                    shocks: [("wti".to_string(), 0.1)].into_iter().collect(),
                },
            });
            selected = list.len() - 1;
        }
        if ui.button(tr("Duplicate")).clicked()
            && let Some(sc) = list.get(selected).cloned()
        {
            list.push(Scenario {
                name: format!("{} (2)", sc.name),
                ..sc
            });
            selected = list.len() - 1;
        }
        if ui
            .add_enabled(n > 1, egui::Button::new(tr("Delete")))
            .clicked()
        {
            list.remove(selected);
            selected = selected.saturating_sub(1);
        }
    });
    if let Some(sc) = list.get_mut(selected) {
        ui.horizontal(|ui| {
            let l = ui.label(tr("Name"));
            // The name in the interface's language: a Chinese name where there is one.
            let name = if lang() == Lang::Zh && !sc.name_zh.is_empty() {
                &mut sc.name_zh
            } else {
                &mut sc.name
            };
            ui.add(egui::TextEdit::singleline(name).desired_width(f32::INFINITY))
                .labelled_by(l.id);
        });
        match &mut sc.kind {
            ScenarioKind::Factor { shocks } => {
                for (f, v) in shocks.iter_mut() {
                    let range = if f.contains("10y") || f.contains("yield") {
                        -2.0..=2.0
                    } else {
                        -0.6..=0.6
                    };
                    ui.add(
                        slider(v, range)
                            .step_by(0.01)
                            .text(format!("{} {f}", tr("Shock"))),
                    );
                }
            }
            ScenarioKind::Characteristic {
                metric,
                shock_per_sd,
            } => {
                ui.add(
                    slider(shock_per_sd, -0.3..=0.3)
                        .step_by(0.005)
                        .text(format!("{} / sd {metric}", tr("Shock"))),
                );
            }
            ScenarioKind::Historical { from, to } => {
                ui.label(format!("{from} – {to}"));
            }
        }
    }
    // The view names the scenario shown; an edit makes the list the settings' own.
    let name = list.get(selected).map(|s| s.name.clone());
    if view.scenario != name && (view.scenario.is_some() || selected != 0) {
        view.scenario = name;
    }
    if list != shown {
        app.state.settings.scenarios = list;
    }
}
