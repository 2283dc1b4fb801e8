//! The ranking: every scored security with its pillar scores and basket weight, and, once
//! the weight sweep has run, the share of its settings that keep each basket name (core
//! names at 100%), searched and sorted; a click shows the security's metrics, z-scores and
//! the report they come from.

use std::sync::Arc;

use egui::RichText;

use super::{PaneCtx, PaneView};
use crate::app::chart::fmt_num;
use crate::engine::metrics::Pillar;
use crate::engine::pipeline::Results;
use crate::engine::sensitivity::Sweep;
use crate::engine::universe::Dating;
use crate::i18n::{pick, tr};
use crate::view::{RankingView, SortKey};

/// The table's rows (filtered and sorted) and what they were made from: kept until the
/// results, the search, the sort or the sweep change (not redone every frame).
pub struct RankingRows {
    pub results: Arc<Results>,
    pub view: RankingView,
    pub sweep: Option<Arc<Sweep>>,
    pub rows: Arc<Vec<usize>>,
    /// Per security, the sweep's share of settings keeping it ([`kept_shares`]).
    pub kept: Option<Arc<Vec<f64>>>,
}

#[derive(Default)]
pub struct RankingPane {
    pub rows: Option<RankingRows>,
    /// The security whose details are shown.
    pub selected: Option<String>,
}

/// Per security, the share of the sweep's settings whose basket keeps it (NaN outside
/// today's basket).
pub fn kept_shares(sweep: &Sweep, n: usize) -> Vec<f64> {
    let mut kept = vec![f64::NAN; n];
    for &(s, share) in &sweep.stability {
        if let Some(k) = kept.get_mut(s) {
            *k = share;
        }
    }
    kept
}

/// The scored names matching the search, in the sort's order (`kept`: the sweep's shares,
/// when it has run; names without one sort last).
pub fn ranking_rows(r: &Results, v: &RankingView, kept: Option<&[f64]>) -> Vec<usize> {
    let (cs, sc) = (&r.prep().cs, r.scores());
    let q = v.search.to_lowercase();
    let mut rows: Vec<usize> = (0..cs.len())
        .filter(|&s| sc.rank[s] > 0)
        .filter(|&s| {
            q.is_empty()
                || cs.tickers[s].to_lowercase().contains(&q)
                || cs.names[s].to_lowercase().contains(&q)
                || cs.sectors[s].to_lowercase().contains(&q)
        })
        .collect();
    let pillar = |p: Pillar| &sc.pillars[p.index()];
    rows.sort_by(|&a, &b| {
        let desc = |x: &[f64]| x[b].total_cmp(&x[a]);
        let o = match v.sort {
            SortKey::Rank => sc.rank[a].cmp(&sc.rank[b]),
            SortKey::Ticker => cs.tickers[a].cmp(&cs.tickers[b]),
            SortKey::Name => cs.names[a].cmp(&cs.names[b]),
            SortKey::Sector => cs.sectors[a].cmp(&cs.sectors[b]),
            SortKey::HeavyAssets => desc(pillar(Pillar::HeavyAssets)),
            SortKey::LowObsolescence => desc(pillar(Pillar::LowObsolescence)),
            SortKey::SupplyConstraint => desc(pillar(Pillar::SupplyConstraint)),
            SortKey::CashFlowStability => desc(pillar(Pillar::CashFlowStability)),
            SortKey::Weight => desc(&sc.basket.weights),
            SortKey::Kept => match kept {
                // Higher first; names outside the basket (NaN) after them.
                Some(k) => {
                    let share = |s: usize| if k[s].is_finite() { k[s] } else { -1.0 };
                    share(b).total_cmp(&share(a)).then(sc.rank[a].cmp(&sc.rank[b]))
                }
                None => sc.rank[a].cmp(&sc.rank[b]),
            },
        };
        if v.descending { o.reverse() } else { o }
    });
    rows
}

/// A metric's name in the interface's language (custom metrics by their column).
fn metric_label(id: &str) -> String {
    crate::engine::metrics::metric(id)
        .map_or(id, |m| pick(m.label_en, m.label_zh))
        .to_string()
}

/// Up to this many tickers are listed in a line; the rest are counted (all of them in
/// the line's tooltip).
const LISTED: usize = 12;

/// "AAA, BBB, … and 3 more".
fn ticker_list(tickers: &[String]) -> String {
    let shown = tickers[..tickers.len().min(LISTED)].join(", ");
    match tickers.len().saturating_sub(LISTED) {
        0 => shown,
        more => crate::bi!(
            crate::i18n::lang(),
            "{shown} and {more} more",
            "{shown} 等另 {more} 个"
        ),
    }
}

/// With lenses pinned: per pin, the names entering the basket (live, not pinned), those
/// leaving it, and what both hold.
fn compare(ui: &mut egui::Ui, lenses: &crate::app::chart::Lenses, live: &Results) {
    use crate::app::chart::PinResults;
    use crate::i18n::Localize;
    let lang = crate::i18n::lang();
    for p in &lenses.pins {
        let name = p.name.localize(lang);
        let pinned = match &p.results {
            PinResults::Ready(r) => r,
            PinResults::Computing => {
                ui.label(crate::bi!(lang, "Against {name}: computing…", "对比{name}：计算中……"));
                continue;
            }
            PinResults::Failed(e) => {
                let why = e.localize(lang);
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    crate::bi!(lang, "Against {name}: {why}", "对比{name}：{why}"),
                );
                continue;
            }
        };
        let c = crate::engine::compare::basket_change(live, pinned);
        let (enter, leave, common) = (c.entering.len(), c.leaving.len(), c.common);
        let share = c.weight_common * 100.0;
        let head = crate::bi!(
            lang,
            "Against {name}: {enter} enter, {leave} leave, {common} in both ({share:.0}% of the weight)",
            "对比{name}：调入 {enter}，调出 {leave}，共有 {common}（权重重合 {share:.0}%）"
        );
        let entering = ticker_list(&c.entering);
        let leaving = ticker_list(&c.leaving);
        let all = format!(
            "{}: {}\n{}: {}",
            tr("Enter"),
            c.entering.join(", "),
            tr("Leave"),
            c.leaving.join(", ")
        );
        ui.label(RichText::new(head).strong()).on_hover_text(all);
        if enter > 0 {
            ui.label(RichText::new(format!("+ {entering}")).color(crate::app::chart::HALO));
        }
        if leave > 0 {
            ui.label(RichText::new(format!("− {leaving}")).color(crate::app::chart::ANTI));
        }
    }
}

impl PaneView for RankingPane {
    fn title() -> &'static str {
        tr("Ranking")
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneCtx) {
        use egui_extras::{Column, TableBuilder};
        let Some(r) = ctx.results.cloned() else {
            ui.label(tr("No results yet."));
            return;
        };
        let (cs, sc) = (&r.prep().cs, r.scores());
        let view = &mut ctx.view.ranking;
        ui.horizontal(|ui| {
            let l = ui.label(tr("Search"));
            ui.add(
                egui::TextEdit::singleline(&mut view.search)
                    .desired_width(160.0)
                    .hint_text(tr("XOM, Energy …")),
            )
            .labelled_by(l.id);
        });
        // What scoring had to adjust or leave out (a loosened cap, an empty metric).
        crate::app::chart::notes(ui, "ranking_notes", &sc.notes, false);
        if !sc.included.iter().any(|x| *x) {
            ui.colored_label(
                ui.visuals().error_fg_color,
                tr("No security is scored: the notes above and the Excluded tab say why."),
            );
        }
        compare(ui, ctx.lenses, &r);
        // The sweep's shares once it is done for these settings.
        let sweep = match &ctx.sweep.done {
            Some(Ok(sw)) if !ctx.sweep.running() => Some(sw.clone()),
            _ => None,
        };
        let same = |a: &Option<Arc<Sweep>>| match (a, &sweep) {
            (Some(x), Some(y)) => Arc::ptr_eq(x, y),
            (None, None) => true,
            _ => false,
        };
        let (rows, kept) = match &self.rows {
            Some(x) if Arc::ptr_eq(&x.results, &r) && x.view == *view && same(&x.sweep) => {
                (x.rows.clone(), x.kept.clone())
            }
            _ => {
                let kept = sweep.as_ref().map(|sw| Arc::new(kept_shares(sw, cs.len())));
                let rows = Arc::new(ranking_rows(&r, view, kept.as_ref().map(|k| &k[..])));
                self.rows = Some(RankingRows {
                    results: r.clone(),
                    view: view.clone(),
                    sweep,
                    rows: rows.clone(),
                    kept: kept.clone(),
                });
                (rows, kept)
            }
        };
        let sweeping = ctx.sweep.running();
        let detail_h = if self.selected.is_some() { 150.0 } else { 20.0 };
        let heads = [
            (SortKey::Rank, tr("Rank")),
            (SortKey::Ticker, tr("Ticker")),
            (SortKey::Name, tr("Name")),
            (SortKey::Sector, tr("Sector")),
            (SortKey::HeavyAssets, tr("Heavy assets")),
            (SortKey::LowObsolescence, tr("Low obsolescence")),
            (SortKey::SupplyConstraint, tr("Supply constraint")),
            (SortKey::CashFlowStability, tr("Cash-flow stability")),
            (SortKey::Weight, tr("Weight")),
            (SortKey::Kept, tr("Kept")),
        ];
        let table_h = (ui.available_height() - detail_h).max(80.0);
        let lit = ctx.highlight.lit().map(str::to_string);
        let selected = &mut self.selected;
        let mut hovered = None;
        // Ten columns: a narrow pane scrolls sideways rather than cutting the last ones.
        egui::ScrollArea::horizontal()
            .id_salt("ranking_h")
            .show(ui, |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(table_h)
            .column(Column::auto().at_least(40.0))
            .column(Column::auto().at_least(90.0))
            .column(Column::auto().at_least(120.0).clip(true))
            .column(Column::auto().at_least(120.0))
            .columns(Column::auto().at_least(70.0), 6)
            .header(20.0, |mut h| {
                for (key, name) in heads {
                    h.col(|ui| {
                        let arrow = if view.sort == key {
                            if view.descending { " ▼" } else { " ▲" }
                        } else {
                            ""
                        };
                        let button = ui.button(format!("{name}{arrow}"));
                        let button = if key == SortKey::Kept {
                            button.on_hover_text(tr("The share of the weight sweep's settings whose basket keeps the name: core names at 100%, names only some lenses pick below (tick “Sweep the pillar weights” in the Sensitivity pane)"))
                        } else {
                            button
                        };
                        if button.clicked() {
                            if view.sort == key {
                                view.descending = !view.descending;
                            } else {
                                view.sort = key;
                                view.descending = false;
                            }
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(18.0, rows.len(), |mut row| {
                    let s = rows[row.index()];
                    let strong = lit.as_deref() == Some(cs.sectors[s].as_str())
                        || selected.as_deref() == Some(cs.tickers[s].as_str());
                    let text = |t: String| {
                        if strong {
                            RichText::new(t).strong()
                        } else {
                            RichText::new(t)
                        }
                    };
                    row.col(|ui| {
                        ui.label(text(sc.rank[s].to_string()));
                    });
                    row.col(|ui| {
                        if ui
                            .selectable_label(
                                selected.as_deref() == Some(cs.tickers[s].as_str()),
                                text(cs.tickers[s].clone()),
                            )
                            .clicked()
                        {
                            *selected = Some(cs.tickers[s].clone());
                        }
                    });
                    row.col(|ui| {
                        ui.label(text(cs.names[s].clone()));
                    });
                    row.col(|ui| {
                        if ui.label(text(cs.sectors[s].clone())).hovered() {
                            hovered = Some(cs.sectors[s].clone());
                        }
                    });
                    for k in 0..4 {
                        row.col(|ui| {
                            ui.label(text(fmt_num(sc.pillars[k][s], 2)));
                        });
                    }
                    row.col(|ui| {
                        let w = sc.basket.weights[s];
                        ui.label(text(if w > 0.0 {
                            format!("{:.2}%", w * 100.0)
                        } else {
                            "–".into()
                        }));
                    });
                    row.col(|ui| {
                        let in_basket = sc.basket.weights[s] > 0.0;
                        let cell = match &kept {
                            Some(k) if k[s].is_finite() => format!("{:.0}%", k[s] * 100.0),
                            _ if in_basket && sweeping => "…".into(),
                            // (No sweep: the header says how to run one.)
                            _ if in_basket => String::new(),
                            _ => "–".into(),
                        };
                        ui.label(text(cell));
                    });
                });
            });
            });
        if hovered.is_some() {
            ctx.highlight.hovered = hovered;
        }
        let Some(t) = self.selected.clone() else {
            ui.label(RichText::new(tr("Click a row to see its metrics.")).weak());
            return;
        };
        let Some(s) = cs.tickers.iter().position(|x| *x == t) else {
            return;
        };
        ui.separator();
        let report = cs.rows[s].and_then(|row| {
            let day = ctx.inputs?.panel.dates.get(row).copied()?;
            crate::data::dates::from_epoch_days(day)
        });
        let file = ctx
            .dataset
            .fundamentals
            .as_ref()
            .map(|f| f.report.file.clone())
            .unwrap_or_default();
        ui.label(
            RichText::new(format!(
                "{} — {} — {} {}",
                cs.tickers[s],
                cs.names[s],
                tr("HALO score"),
                fmt_num(sc.halo[s], 2)
            ))
            .strong(),
        );
        let used = match ctx.inputs.map(|i| &i.panel.dating) {
            // No report: the row is the snapshot's figures, dated by the last price.
            Some(Dating::Snapshot { file }) => crate::bi!(
                crate::i18n::lang(),
                "Figures used: {file}, a snapshot with no report date",
                "所用数据：{file}，没有报告期的快照"
            ),
            _ => format!(
                "{}: {} ({})",
                tr("Report used"),
                report.map(|d| d.to_string()).unwrap_or_default(),
                file
            ),
        };
        ui.label(used);
        egui::ScrollArea::horizontal()
            .id_salt("detail")
            .show(ui, |ui| {
                egui::Grid::new("detail_grid").striped(true).show(ui, |ui| {
                    ui.strong(tr("Metric"));
                    for m in &cs.metrics {
                        ui.label(metric_label(&m.id)).on_hover_text(&m.id);
                    }
                    ui.end_row();
                    ui.strong(tr("Value"));
                    for k in 0..cs.metrics.len() {
                        ui.label(fmt_num(cs.raw[k][s], 4));
                    }
                    ui.end_row();
                    ui.strong(tr("z-score"));
                    for k in 0..cs.metrics.len() {
                        ui.label(fmt_num(r.prep().base.z[k][s], 2));
                    }
                    ui.end_row();
                });
            });
    }
}
