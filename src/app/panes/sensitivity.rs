//! How robust is the lens: each pillar's weight swept with the others held, one line per
//! pillar of what the chosen measure does (IC, spread, HALO minus benchmark, the basket
//! kept), the current weights marked; a click on a point sets that weight. Below, today's
//! basket with the share of the settings that keep each name. The sweep runs in the
//! compute worker after the other panes' results, streams in point by point and is
//! stopped by the next change (`engine::sensitivity`).

use std::sync::Arc;

use egui_plot::{Legend, Line, Plot, PlotPoints, Points};

use polars::prelude::DataFrame;

use super::{PaneCtx, PaneView};
use crate::app::chart::{
    ChartCtx, ChartResponse, Lenses, PinResults, pillar_weights, source, title,
};
use crate::app::messages::ExportError;
use crate::engine::pipeline::Results;
use crate::view::ViewState;
use crate::app::chart::{pct, series_color};
use crate::engine::EngineError;
use crate::engine::metrics::Pillar;
use crate::engine::notes::SeriesId;
use crate::engine::sensitivity::{Outcome, Sweep, SweepPoint};
use crate::i18n::{Localize, pick, tr};
use crate::view::SweepMeasure;

/// The sweep of the settings last sent, as far as it has come.
#[derive(Clone, Default)]
pub struct SweepState {
    /// The computation asked to sweep; None when no sweep was asked.
    asked: Option<u64>,
    /// The computation the points held come from.
    shown: Option<u64>,
    pub points: Vec<SweepPoint>,
    /// The whole sweep (with the stability shares), or why it could not run.
    pub done: Option<Result<Arc<Sweep>, EngineError>>,
}

impl SweepState {
    /// Settings sent as computation `generation`; `asked`: with a sweep. The points of
    /// the sweep before stay on screen until the new ones come.
    pub fn expect(&mut self, generation: u64, asked: bool) {
        self.asked = asked.then_some(generation);
        if !asked {
            *self = SweepState::default();
        }
    }

    /// The computation `generation` failed: its sweep will not come (the window says why).
    pub fn fail(&mut self, generation: u64) {
        if self.asked == Some(generation) {
            *self = SweepState::default();
        }
    }

    /// What a figure may show: the sweep when it is finished; while a new one comes in,
    /// one not finished (the last one's points are of other settings).
    pub fn settled(&self) -> SweepState {
        if self.running() {
            SweepState {
                asked: self.asked,
                ..Default::default()
            }
        } else {
            self.clone()
        }
    }

    pub fn point(&mut self, generation: u64, x: SweepPoint) {
        if self.asked != Some(generation) {
            return;
        }
        if self.shown != Some(generation) {
            // The first point of a new sweep replaces the old one.
            self.points.clear();
            self.done = None;
            self.shown = Some(generation);
        }
        self.points.push(x);
    }

    pub fn finish(&mut self, generation: u64, r: Result<Arc<Sweep>, EngineError>) {
        if self.asked == Some(generation) {
            self.points = r.as_ref().map(|s| s.points.clone()).unwrap_or_default();
            self.shown = Some(generation);
            self.done = Some(r);
        }
    }

    /// A finished sweep (or why it could not run), as the command line computes it.
    pub fn finished(r: Result<Arc<Sweep>, EngineError>) -> SweepState {
        let mut s = SweepState::default();
        s.expect(0, true);
        s.finish(0, r);
        s
    }

    /// Still coming in.
    pub fn running(&self) -> bool {
        self.asked.is_some() && (self.shown != self.asked || self.done.is_none())
    }
}

#[derive(Default)]
pub struct SensitivityPane {
    /// The last drawn plot's mapping from weights and values to the screen (where a
    /// click lands; tests click through it).
    pub transform: Option<egui_plot::PlotTransform>,
}

fn measure_label(m: SweepMeasure) -> &'static str {
    match m {
        SweepMeasure::IcMean => tr("IC mean"),
        SweepMeasure::IcT => tr("IC t"),
        SweepMeasure::Spread => tr("Spread (%)"),
        SweepMeasure::HaloMinusBenchmark => tr("HALO minus benchmark (%)"),
        SweepMeasure::NamesKept => tr("Names kept (%)"),
        SweepMeasure::WeightKept => tr("Weight kept (%)"),
    }
}

/// The measure at one setting, where it could be computed.
fn value(o: &Outcome, m: SweepMeasure) -> Option<f64> {
    let bt = o.backtest.as_ref().ok();
    match m {
        SweepMeasure::IcMean => bt.map(|b| b.ic_mean),
        SweepMeasure::IcT => bt.map(|b| b.ic_t),
        SweepMeasure::Spread => bt.map(|b| pct(b.spread)),
        SweepMeasure::HaloMinusBenchmark => o.halo_minus_benchmark.as_ref().ok().map(|v| pct(*v)),
        SweepMeasure::NamesKept => Some(pct(o.names_kept)),
        SweepMeasure::WeightKept => Some(pct(o.weight_kept)),
    }
    .filter(|v| v.is_finite())
}

fn pillar_label(p: Pillar) -> &'static str {
    pick(p.label_en(), p.label_zh())
}

/// A colour per pillar, from the series palette (the quantiles' colours).
fn pillar_color(ui: &egui::Ui, p: Pillar) -> egui::Color32 {
    series_color(ui, &SeriesId::Quantile(p.index() as u8 + 1))
}

impl PaneView for SensitivityPane {
    const FIGURE: bool = true;

    fn title() -> &'static str {
        tr("Sensitivity")
    }

    fn options(
        &mut self,
        ui: &mut egui::Ui,
        view: &mut crate::view::ViewState,
        _settings: &mut crate::engine::settings::Settings,
    ) {
        let v = &mut view.sensitivity;
        ui.checkbox(&mut v.run, tr("Sweep the pillar weights"))
            .on_hover_text(tr(
                "Each pillar's weight from 0 to 3 in 13 steps, the others held: every setting scored, windowed and backtested after each change",
            ));
        ui.add_enabled_ui(v.run, |ui| {
            ui.checkbox(&mut v.metrics, tr("and each metric's"))
                .on_hover_text(tr(
                    "Each metric's weight within its pillar too, 0 to 3 in 13 steps: a dashed line per metric, in its pillar's colour (a sweep several times longer)",
                ));
        });
        for m in SweepMeasure::ALL {
            ui.selectable_value(&mut v.measure, m, measure_label(m));
        }
    }

    fn draw(ui: &mut egui::Ui, ctx: &ChartCtx) -> ChartResponse {
        let v = ctx.view.sensitivity;
        if v.run {
            chart(ui, v.measure, ctx.sweep, Some(ctx.results), ctx.dataset, ctx.lenses);
        } else {
            ui.label(tr(NOT_RUN));
        }
        ChartResponse::default()
    }

    fn table(
        _results: &Results,
        _view: &ViewState,
        sweep: &SweepState,
    ) -> Result<DataFrame, ExportError> {
        match &sweep.done {
            Some(Ok(sw)) => crate::export::SweepRows::new(sw, crate::i18n::lang()).table(sw),
            Some(Err(e)) => Err(ExportError::Chart(e.clone())),
            None => Err(ExportError::SweepNotReady),
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneCtx) {
        let v = ctx.view.sensitivity;
        if !v.run {
            ui.label(tr(NOT_RUN));
            return;
        }
        let results = ctx.results.map(|r| &**r);
        let Some(r) = chart(
            ui,
            v.measure,
            ctx.sweep,
            results,
            &ctx.dataset.name,
            ctx.lenses,
        ) else {
            return;
        };
        self.transform = Some(r.transform);
        // A click sets the pillar weight of the nearest point (in screen distance).
        if r.response.clicked()
            && let Some(at) = r.response.interact_pointer_pos()
        {
            let t = &r.transform;
            let lines = lines(ctx.sweep, v.measure);
            let nearest = lines
                .iter()
                .flat_map(|l| l.points.iter().map(move |q| (l, q)))
                .map(|(l, q)| {
                    let s = t.position_from_point(&egui_plot::PlotPoint::new(q[0], q[1]));
                    (l, q[0], s.distance(at))
                })
                .min_by(|a, b| a.2.total_cmp(&b.2));
            if let Some((l, w, d)) = nearest
                && d < 16.0
            {
                match &l.metric {
                    None => *ctx.settings.weights.pillar_mut(l.pillar) = w,
                    Some(id) => {
                        ctx.settings.weights.metrics.insert(id.clone(), w);
                    }
                }
            }
        }
    }
}

const NOT_RUN: &str =
    "Tick \"Sweep the pillar weights\" to see how the results move with each pillar's weight.";

/// The sweep the view asks for: none when it is off.
pub fn spec(v: crate::view::SensitivityView) -> Option<crate::engine::sensitivity::SweepSpec> {
    v.run.then(|| crate::engine::sensitivity::SweepSpec {
        metrics: v.metrics,
        ..Default::default()
    })
}

/// A swept line's name: its pillar, or its metric (the bundled metric's label, a custom
/// metric's column).
pub fn line_label(x: &SweepPoint) -> String {
    match &x.metric {
        None => pillar_label(x.pillar).to_string(),
        Some(id) => crate::engine::metrics::METRICS
            .iter()
            .find(|m| m.id == id)
            .map(|m| pick(m.label_en, m.label_zh).to_string())
            .unwrap_or_else(|| id.clone()),
    }
}

/// A line of the sweep: what it sweeps (a pillar, or a metric within it), its name, and
/// its points (weight, measure).
struct SweptLine {
    pillar: Pillar,
    metric: Option<String>,
    name: String,
    points: Vec<[f64; 2]>,
}

/// Each swept line of the measure over its weights: the pillars', then the metrics'.
fn lines(sw: &SweepState, m: SweepMeasure) -> Vec<SweptLine> {
    let mut out: Vec<SweptLine> = Vec::new();
    for x in &sw.points {
        let at = value_at(x, m).map(|v| [x.weight, v]);
        match out
            .iter_mut()
            .find(|l| l.pillar == x.pillar && l.metric == x.metric)
        {
            Some(l) => l.points.extend(at),
            None => out.push(SweptLine {
                pillar: x.pillar,
                metric: x.metric.clone(),
                name: line_label(x),
                points: at.into_iter().collect(),
            }),
        }
    }
    out
}

fn value_at(x: &SweepPoint, m: SweepMeasure) -> Option<f64> {
    value(x.outcome.as_ref().ok()?, m)
}

/// The sensitivity chart: its title, what could not be computed, the lines with the
/// current weights marked, and today's basket's least kept names. The pane (which
/// handles a click on it) and the figure draw it; None before there is a point.
fn chart(
    ui: &mut egui::Ui,
    m: SweepMeasure,
    sw: &SweepState,
    results: Option<&Results>,
    dataset: &str,
    lenses: &Lenses,
) -> Option<egui_plot::PlotResponse<()>> {
    title(
        ui,
        &format!("{}: {}", tr("Sensitivity"), measure_label(m)),
    );
    // The sweep moves the live lens's weights; the pinned lenses are named with theirs.
    let lang = crate::i18n::lang();
    let pins: Vec<String> = lenses
        .pins
        .iter()
        .filter_map(|p| match &p.results {
            PinResults::Ready(r) => Some(format!(
                "{} — {}",
                p.name.localize(lang),
                pillar_weights(&r.settings)
            )),
            _ => None,
        })
        .collect();
    if !pins.is_empty() {
        let pins = pins.join("; ");
        let line = crate::bi!(
            lang,
            "The sweep moves the live lens's weights. {pins}",
            "扫描移动的是当前视角的权重。{pins}"
        );
        ui.label(egui::RichText::new(line).small().weak());
    }
    if let Some(Err(e)) = &sw.done {
        ui.colored_label(ui.visuals().error_fg_color, e.text());
        return None;
    }
    if sw.running() {
        ui.horizontal(|ui| {
            ui.spinner();
            let n = sw.points.len();
            ui.label(format!("{} ({n})", tr("Sweeping…")));
        });
    }
    if sw.points.is_empty() {
        return None;
    }
        // What could not be computed at some setting, said once.
        let mut why: Vec<String> = Vec::new();
        for x in &sw.points {
            let e = match &x.outcome {
                Err(e) => Some(e),
                Ok(o) => match m {
                    SweepMeasure::IcMean | SweepMeasure::IcT | SweepMeasure::Spread => {
                        o.backtest.as_ref().err()
                    }
                    SweepMeasure::HaloMinusBenchmark => o.halo_minus_benchmark.as_ref().err(),
                    _ => None,
                },
            };
            if let Some(t) = e.map(|e| e.text()).filter(|t| !why.contains(t)) {
                why.push(t);
            }
        }
        for t in &why {
            ui.colored_label(ui.visuals().warn_fg_color, t);
        }
        let stability_rows = match &sw.done {
            Some(Ok(s)) => s.stability.len().min(12),
            _ => 0,
        };
        let height =
            (ui.available_height() - 44.0 - 20.0 * stability_rows.div_ceil(3) as f32).max(140.0);
        let lines = lines(sw, m);
        // The current setting, on every line: marked once.
        let current: Option<[f64; 2]> = sw
            .points
            .iter()
            .filter(|x| x.current)
            .find_map(|x| Some([x.weight, value_at(x, m)?]));
        let colors = Pillar::ALL.map(|p| pillar_color(ui, p));
        let mark = ui.visuals().strong_text_color();
        // Room on the right for the legend, so it does not sit on the lines' ends.
        let right = sw.points.iter().map(|x| x.weight).fold(0.0, f64::max);
        let r = Plot::new("sensitivity_lines")
            .height(height)
            .include_x(right * 1.3)
            .legend(Legend::default())
            .x_axis_label(if lines.iter().any(|l| l.metric.is_some()) {
                tr("Weight of the pillar or metric (the others held)")
            } else {
                tr("Pillar weight (the others held)")
            })
            .y_axis_label(measure_label(m))
            .show(ui, |pu| {
                for l in &lines {
                    let line = Line::new(l.name.as_str(), PlotPoints::from(l.points.clone()))
                        .color(colors[l.pillar.index()]);
                    // A metric's line: thinner and dashed, in its pillar's colour.
                    pu.line(match l.metric {
                        None => line.width(2.0),
                        Some(_) => line.width(1.2).style(egui_plot::LineStyle::dashed_loose()),
                    });
                }
                if let Some(at) = current {
                    let dot = Points::new(tr("current weights"), vec![at]);
                    pu.points(dot.color(mark).radius(5.0));
                }
            });
        if let Some(Ok(s)) = &sw.done
            && let Some(res) = results
        {
            let tickers = &res.prep().cs.tickers;
            ui.label(tr("Today's basket: share of the swept settings that keep each name"));
            egui::Grid::new("sensitivity_stability").striped(true).show(ui, |ui| {
                let mut names: Vec<&(usize, f64)> = s.stability.iter().collect();
                // The names only some lenses pick first.
                names.sort_by(|a, b| a.1.total_cmp(&b.1));
                for (k, (sec, share)) in names.iter().take(12).enumerate() {
                    ui.label(tickers.get(*sec).map_or("?", |t| t.as_str()));
                    ui.label(format!("{:.0}%", share * 100.0));
                    if k % 3 == 2 {
                        ui.end_row();
                    }
                }
            });
            let (shown, all) = (s.stability.len().min(12), s.stability.len());
            ui.label(
                egui::RichText::new(crate::bi!(
                    crate::i18n::lang(),
                    "{shown} of the basket's {all} names, the least kept first; all of them in `halo-workbench sensitivity --out`",
                    "篮子 {all} 只成分股中留存最少的 {shown} 只；全部见 `halo-workbench sensitivity --out`"
                ))
                .small()
                .weak(),
            );
        }
    if let Some(res) = results {
        let extra = if sw.points.iter().any(|x| x.metric.is_some()) {
            tr("each pillar's and each metric's weight from 0 to 3 in 13 steps, the others held")
        } else {
            tr("each pillar's weight from 0 to 3 in 13 steps, the others held")
        };
        source(ui, dataset, res.as_of(), extra);
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done() -> Result<Arc<Sweep>, EngineError> {
        Ok(Arc::new(Sweep {
            points: Vec::new(),
            stability: Vec::new(),
            complete: true,
        }))
    }

    #[test]
    fn a_figure_never_takes_the_last_settings_sweep_and_a_failed_run_stops_the_spinner() {
        let mut s = SweepState::default();
        s.expect(1, true);
        s.finish(1, done());
        assert!(!s.running() && s.settled().done.is_some());
        // New settings: until their sweep is in, a figure has none (the one shown is the
        // last settings').
        s.expect(2, true);
        assert!(s.running() && s.done.is_some());
        let shown = s.settled();
        assert!(shown.running() && shown.done.is_none());
        // Their computation failed: no sweep is coming, nothing spins.
        s.fail(2);
        assert!(!s.running());
        // A failure of an older computation changes nothing.
        s.expect(3, true);
        s.fail(2);
        assert!(s.running());
    }
}
