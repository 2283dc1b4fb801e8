//! The drawing every chart shares: what a chart is drawn from ([`ChartCtx`]), the palette
//! and a colour per series identity, titles, legends and the source line, sorted bar
//! charts, cumulative-return lines, and decimation of long series. A pane, presentation
//! mode and an exported figure all draw a chart with the same function and these parts.

use std::sync::Arc;

use egui::{Color32, RichText};
use egui_plot::{Bar, BarChart, Legend, Line, LineStyle, Plot, PlotPoints, VLine};

use super::messages::AppError;
use crate::engine::compare::{Lens, LensName};
use crate::engine::notes::SeriesId;
use crate::engine::pipeline::Results;
use crate::i18n::{Localize, tr};
use crate::view::ViewState;

/// What a chart is drawn from: one set of results, and how to draw them.
pub struct ChartCtx<'a> {
    pub results: &'a Results,
    /// The backtest shown is from earlier settings; the new one is on its way.
    pub backtest_pending: bool,
    /// The dataset's name, for the source line.
    pub dataset: &'a str,
    /// What the charts show (scenario, bars or lines).
    pub view: &'a ViewState,
    /// The weight sweep, as far as it has come (the sensitivity figure's).
    pub sweep: &'a super::panes::sensitivity::SweepState,
    /// The sector lit in every chart (hovered, or clicked).
    pub lit: Option<&'a str>,
    /// A figure for export: bar charts fit their cell (a figure cannot scroll).
    pub figure: bool,
    /// Line widths are multiplied by this (2 in presentation mode).
    pub line_scale: f32,
    /// The live lens's name and the pinned lenses drawn beside it.
    pub lenses: &'a Lenses,
}

/// A pinned lens's results: computed, on their way, or why they could not be.
#[derive(Clone)]
pub enum PinResults {
    Ready(Arc<Results>),
    Computing,
    Failed(AppError),
}

/// A pinned lens as the charts draw it.
#[derive(Clone)]
pub struct Pinned {
    pub name: LensName,
    pub results: PinResults,
}

/// The lenses on screen: the live one's name and the pins (none: one lens, no legend).
#[derive(Clone)]
pub struct Lenses {
    pub live: LensName,
    pub pins: Vec<Pinned>,
}

impl Default for Lenses {
    fn default() -> Self {
        Lenses {
            live: LensName {
                lens: Lens::Live,
                preset: None,
            },
            pins: Vec::new(),
        }
    }
}

impl ChartCtx<'_> {
    /// The pinned lenses' results that are in, with their pin's index.
    pub fn ready_pins(&self) -> impl Iterator<Item = (usize, &Results)> {
        self.lenses
            .pins
            .iter()
            .enumerate()
            .filter_map(|(k, p)| match &p.results {
                PinResults::Ready(r) => Some((k, &**r)),
                _ => None,
            })
    }

    /// `f` of the live results and of each pinned lens's that are in (those it gives
    /// nothing for left out), the live lens first.
    pub fn per_lens<T>(&self, f: impl Fn(&Results) -> Option<T>) -> Vec<(Lens, T)> {
        let live = f(self.results).map(|t| (Lens::Live, t));
        live.into_iter()
            .chain(
                self.ready_pins()
                    .filter_map(|(k, r)| f(r).map(|t| (Lens::Pinned(k), t))),
            )
            .collect()
    }

    /// The live lens's bars, each with its value under every pinned lens as a ghost
    /// (`None`: the pin's results are not in, the pin has no such bar, or the value is the
    /// same); bars are matched by name. `absent`: what the live lens's value is for a bar
    /// only a pin has (a sector outside the live basket contributes 0), which is then
    /// added after the live bars; `None`: there is no such value, and the bar is left out.
    pub fn with_ghosts(
        &self,
        absent: Option<f64>,
        build: impl Fn(&Results) -> Vec<Row>,
    ) -> Vec<Row> {
        let mut rows = build(self.results);
        let pins = self.lenses.pins.len();
        for r in &mut rows {
            r.ghosts = vec![None; pins];
        }
        let differs = |a: f64, b: f64| (a - b).abs() > 1e-9 * b.abs().max(1.0);
        for (k, pinned) in self.ready_pins() {
            for g in build(pinned) {
                match rows.iter_mut().find(|r| r.name == g.name) {
                    Some(r) if differs(g.value, r.value) => r.ghosts[k] = Some(g.value),
                    Some(_) => {}
                    None => {
                        if let Some(live) = absent.filter(|&v| differs(g.value, v)) {
                            let mut row = Row::new(g.name, live, g.color, g.group);
                            row.ghosts = vec![None; pins];
                            row.ghosts[k] = Some(g.value);
                            rows.push(row);
                        }
                    }
                }
            }
        }
        rows
    }
}

/// How a pinned lens's lines are drawn: dashed, dotted, or short dashes (the live lens's
/// are solid).
pub fn pin_style(k: usize) -> LineStyle {
    match k % 3 {
        0 => LineStyle::Dashed { length: 10.0 },
        1 => LineStyle::Dotted { spacing: 5.0 },
        _ => LineStyle::Dashed { length: 4.0 },
    }
}

/// A pinned lens's colour: the live one's, muted.
pub fn ghost_color(c: Color32) -> Color32 {
    c.gamma_multiply(0.45)
}

/// A pinned lens's bar fill: the live bar's colour, muted the more the later the pin (bars
/// have no dashes to tell pins apart; their order under the live bar does too).
pub fn ghost_fill(c: Color32, k: usize) -> Color32 {
    c.gamma_multiply([0.5, 0.3, 0.16][k % 3])
}

/// A lens's mark across `rect`: a solid line in `color` for the live lens (`None`), else
/// the pin's dashes or dots, muted.
pub fn lens_mark(p: &egui::Painter, rect: egui::Rect, style: Option<LineStyle>, color: Color32) {
    let y = rect.center().y;
    let (on, gap, stroke) = match style {
        None | Some(LineStyle::Solid) => (rect.width(), 0.0, egui::Stroke::new(3.0, color)),
        Some(LineStyle::Dashed { length }) => (
            length * 0.6,
            length * 0.4,
            egui::Stroke::new(2.5, ghost_color(color)),
        ),
        Some(LineStyle::Dotted { spacing }) => {
            (1.5, spacing, egui::Stroke::new(2.5, ghost_color(color)))
        }
    };
    let mut x = rect.left();
    while x < rect.right() {
        let e = (x + on).min(rect.right());
        p.line_segment([egui::pos2(x, y), egui::pos2(e, y)], stroke);
        x = e + gap.max(0.5);
    }
}

/// "Heavy assets 1.00, Low obsolescence 1.00, …": a lens's pillar weights.
pub fn pillar_weights(s: &crate::engine::settings::Settings) -> String {
    crate::engine::metrics::Pillar::ALL
        .map(|p| {
            let label = crate::i18n::pick(p.label_en(), p.label_zh());
            format!("{label} {:.2}", s.weights.pillar(p))
        })
        .join(", ")
}

/// Under a chart's title, when lenses are pinned: a line naming each lens with the mark
/// it is drawn with (solid: live; dashed, dotted: the pins, muted), a pin still computing
/// or failed said so, and how to read the ghosts.
pub fn lens_legend(ui: &mut egui::Ui, ctx: &ChartCtx) {
    let lenses = ctx.lenses;
    if lenses.pins.is_empty() {
        return;
    }
    let lang = crate::i18n::lang();
    ui.horizontal_wrapped(|ui| {
        let font = egui::TextStyle::Small.resolve(ui.style());
        let text = ui.visuals().text_color();
        let entry = |ui: &mut egui::Ui, name: String, style: Option<LineStyle>| {
            let galley = ui
                .painter()
                .layout_no_wrap(name.clone(), font.clone(), text);
            let size = egui::vec2(28.0 + galley.size().x, galley.size().y.max(10.0));
            let (rect, resp) = ui.allocate_exact_size(size, egui::Sense::hover());
            // Read out (and found by tests) as the lens's name.
            resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, name.clone()));
            let mark = egui::Rect::from_min_size(rect.min, egui::vec2(24.0, rect.height()));
            lens_mark(ui.painter(), mark, style, text);
            ui.painter()
                .galley(egui::pos2(rect.left() + 28.0, rect.top()), galley, text);
        };
        entry(ui, lenses.live.localize(lang), None);
        for (k, pin) in lenses.pins.iter().enumerate() {
            let name = pin.name.localize(lang);
            let name = match &pin.results {
                PinResults::Ready(_) => name,
                PinResults::Computing => {
                    crate::bi!(lang, "{name} (computing…)", "{name}（计算中……）")
                }
                PinResults::Failed(e) => {
                    let why = e.localize(lang);
                    crate::bi!(
                        lang,
                        "{name} (not computed: {why})",
                        "{name}（未能计算：{why}）"
                    )
                }
            };
            entry(ui, name, Some(pin_style(k)));
        }
    });
}

/// What the pointer did on a chart: the sector under it, and whether it was clicked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartResponse {
    pub hovered: Option<String>,
    pub clicked: bool,
}

impl ChartResponse {
    pub fn sector(ui: &egui::Ui, hovered: Option<String>) -> ChartResponse {
        let clicked = hovered.is_some() && ui.input(|i| i.pointer.primary_clicked());
        ChartResponse { hovered, clicked }
    }
}

/// Colours that read well projected, in light and dark themes; no pure red or green, which
/// mark the anti-HALO and HALO baskets.
pub const PALETTE: [Color32; 10] = [
    Color32::from_rgb(31, 119, 180),
    Color32::from_rgb(255, 127, 14),
    Color32::from_rgb(148, 103, 189),
    Color32::from_rgb(140, 86, 75),
    Color32::from_rgb(227, 119, 194),
    Color32::from_rgb(127, 127, 127),
    Color32::from_rgb(188, 189, 34),
    Color32::from_rgb(23, 190, 207),
    Color32::from_rgb(57, 59, 121),
    Color32::from_rgb(173, 73, 74),
];

pub const HALO: Color32 = Color32::from_rgb(0, 128, 96);
pub const ANTI: Color32 = Color32::from_rgb(200, 60, 60);
pub const BENCH: Color32 = Color32::from_rgb(110, 110, 110);

/// The GICS sectors (and the sample's older "Telecommunications Services"), each with its
/// own colour: hashing eleven names into ten colours gave several sectors one colour.
const SECTOR_COLORS: [(&str, Color32); 12] = [
    ("Information Technology", Color32::from_rgb(255, 127, 14)),
    ("Consumer Discretionary", Color32::from_rgb(227, 119, 194)),
    ("Industrials", Color32::from_rgb(31, 119, 180)),
    ("Utilities", Color32::from_rgb(23, 190, 207)),
    ("Energy", Color32::from_rgb(140, 86, 75)),
    ("Materials", Color32::from_rgb(188, 189, 34)),
    ("Real Estate", Color32::from_rgb(148, 103, 189)),
    ("Consumer Staples", Color32::from_rgb(214, 164, 0)),
    ("Health Care", Color32::from_rgb(57, 59, 121)),
    ("Financials", Color32::from_rgb(99, 110, 250)),
    ("Communication Services", Color32::from_rgb(128, 0, 128)),
    (
        "Telecommunications Services",
        Color32::from_rgb(128, 0, 128),
    ),
];

/// The GICS sectors' Chinese names (as Wind, Choice and iFinD export them): the colour of
/// the English name.
const SECTOR_NAMES_ZH: [(&str, &str); 14] = [
    ("信息技术", "Information Technology"),
    ("可选消费", "Consumer Discretionary"),
    ("非日常生活消费品", "Consumer Discretionary"),
    ("工业", "Industrials"),
    ("公用事业", "Utilities"),
    ("能源", "Energy"),
    ("原材料", "Materials"),
    ("材料", "Materials"),
    ("房地产", "Real Estate"),
    ("日常消费", "Consumer Staples"),
    ("主要消费", "Consumer Staples"),
    ("医疗保健", "Health Care"),
    ("金融", "Financials"),
    ("通信服务", "Communication Services"),
];

/// A stable colour per sector name: the GICS sectors' own (by their English or Chinese
/// names), others hashed into the palette.
pub fn sector_color(name: &str) -> Color32 {
    let name = SECTOR_NAMES_ZH
        .iter()
        .find(|(zh, _)| *zh == name)
        .map_or(name, |(_, en)| en);
    if let Some((_, c)) = SECTOR_COLORS.iter().find(|(n, _)| *n == name) {
        return *c;
    }
    let h = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
    PALETTE[(h as usize) % PALETTE.len()]
}

/// A legend above a chart, outside the plot so it never covers the data: a line in each
/// series' colour and its name, wrapped to the pane's width.
pub fn legend_strip(ui: &mut egui::Ui, entries: &[(String, Color32)]) {
    ui.horizontal_wrapped(|ui| {
        let font = egui::TextStyle::Small.resolve(ui.style());
        let text = ui.visuals().text_color();
        for (name, color) in entries {
            // One widget per entry (mark and name), so the row wraps between entries.
            let galley = ui
                .painter()
                .layout_no_wrap(name.clone(), font.clone(), text);
            let size = egui::vec2(20.0 + galley.size().x, galley.size().y.max(10.0));
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            let y = rect.center().y;
            ui.painter().line_segment(
                [
                    egui::pos2(rect.left(), y),
                    egui::pos2(rect.left() + 16.0, y),
                ],
                egui::Stroke::new(3.0, *color),
            );
            ui.painter()
                .galley(egui::pos2(rect.left() + 20.0, rect.top()), galley, text);
        }
    });
}

/// Title above a chart.
pub fn title(ui: &mut egui::Ui, text: &str) {
    ui.label(RichText::new(text).heading().strong());
}

/// Up to this many notes are listed line by line; more collapse to one line with a count.
const NOTES_LISTED: usize = 3;

/// What an analysis had to adjust or leave out, in the warning colour. A long list is one
/// line with the count, opened by a click; a figure (which cannot be clicked) lists the
/// first notes and says how many more there are.
pub fn notes(ui: &mut egui::Ui, id: &str, notes: &[impl Localize], figure: bool) {
    let warn = ui.visuals().warn_fg_color;
    if notes.len() <= NOTES_LISTED {
        for n in notes {
            ui.colored_label(warn, n.text());
        }
        return;
    }
    let count = notes.len();
    if figure {
        for n in &notes[..NOTES_LISTED - 1] {
            ui.colored_label(warn, n.text());
        }
        let more = count - (NOTES_LISTED - 1);
        ui.colored_label(
            warn,
            crate::bi!(
                crate::i18n::lang(),
                "… and {more} more notes",
                "……另有 {more} 条说明"
            ),
        );
        return;
    }
    let head = crate::bi!(crate::i18n::lang(), "{count} notes", "{count} 条说明");
    egui::CollapsingHeader::new(RichText::new(head).color(warn))
        .id_salt(id)
        .show(ui, |ui| {
            for n in notes {
                ui.colored_label(warn, n.text());
            }
        });
}

/// The colour of a series: the baskets and the benchmark their own, sectors theirs, and
/// quantiles from the palette (the long-short spread in the text colour).
pub fn series_color(ui: &egui::Ui, id: &SeriesId) -> Color32 {
    match id {
        SeriesId::HaloBasket => HALO,
        SeriesId::AntiBasket => ANTI,
        SeriesId::Benchmark => BENCH,
        SeriesId::LongShort => Color32::from_rgb(90, 90, 200),
        SeriesId::Blend => Color32::from_rgb(200, 140, 0),
        SeriesId::Quantile(k) => PALETTE[(*k as usize).saturating_sub(1) % PALETTE.len()],
        SeriesId::Spread { .. } => ui.visuals().strong_text_color(),
        SeriesId::Sector(name) => sector_color(name),
        // A relative line in its first series' colour.
        SeriesId::Relative { of, .. } => series_color(ui, of),
    }
}

/// A series' name in the interface's language.
pub fn series_name(id: &SeriesId) -> String {
    id.text()
}

/// The source line under every chart: dataset and as-of date.
pub fn source(ui: &mut egui::Ui, dataset: &str, as_of: chrono::NaiveDate, extra: &str) {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!("; {extra}")
    };
    ui.label(
        RichText::new(format!(
            "{}: {dataset}, {} {as_of}{extra}",
            tr("Source"),
            tr("as of")
        ))
        .small()
        .weak(),
    );
}

/// At most `max` points: each bucket keeps its minimum and maximum, so spikes survive.
pub fn decimate(points: &[[f64; 2]], max: usize) -> Vec<[f64; 2]> {
    if points.len() <= max || max < 4 {
        return points.to_vec();
    }
    let buckets = max / 2;
    let size = points.len().div_ceil(buckets);
    let mut out = Vec::with_capacity(max);
    for chunk in points.chunks(size) {
        let lo = chunk.iter().min_by(|a, b| a[1].total_cmp(&b[1])).copied();
        let hi = chunk.iter().max_by(|a, b| a[1].total_cmp(&b[1])).copied();
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo[0] <= hi[0] {
                out.extend([lo, hi]);
            } else {
                out.extend([hi, lo]);
            }
        }
    }
    out
}

/// Months as x values: years with a fraction.
pub fn year_fraction(d: chrono::NaiveDate) -> f64 {
    use chrono::Datelike;
    d.year() as f64 + (d.month0() as f64 + 0.5) / 12.0
}

/// Grid marks at month centres (where [`year_fraction`] puts a month's point), every 1, 2,
/// 3, 6 or 12 months or whole years, so that at most about eight are in view.
pub fn month_grid(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    let months = ((hi - lo) * 12.0).max(1.0);
    // 1, 2, 3, 6 months, then 1, 2, 5, 10, 20, 50 ... years.
    let years = (0..).flat_map(|e| [1i64, 2, 5].map(|k| 12 * k * 10i64.pow(e)));
    let step = [1i64, 2, 3, 6]
        .into_iter()
        .chain(years.take_while(|s| *s < i64::MAX / 100))
        .find(|s| months / *s as f64 <= 8.0)
        .unwrap_or(i64::MAX / 100);
    // Month index a = year * 12 + month0 sits at x = (a + 0.5) / 12.
    let first = (lo * 12.0 - 0.5).ceil() as i64;
    let last = (hi * 12.0 - 0.5).floor() as i64;
    let start = first + (step - first.rem_euclid(step)) % step;
    (start..=last)
        .step_by(step as usize)
        .map(|a| egui_plot::GridMark {
            value: (a as f64 + 0.5) / 12.0,
            step_size: step as f64 / 12.0,
        })
        .collect()
}

/// The label of a [`month_grid`] mark: "2017-04", or "2017" when marks are a year or more
/// apart.
pub fn month_label(mark: egui_plot::GridMark, _: &std::ops::RangeInclusive<f64>) -> String {
    let a = (mark.value * 12.0 - 0.5).round() as i64;
    let (year, month0) = (a.div_euclid(12), a.rem_euclid(12));
    if mark.step_size >= 1.0 - 1e-9 {
        format!("{year}")
    } else {
        format!("{year}-{:02}", month0 + 1)
    }
}

/// A number with `digits` decimals, or a dash when there is none (never "NaN").
pub fn fmt_num(x: f64, digits: usize) -> String {
    if x.is_finite() {
        format!("{x:.digits$}")
    } else {
        "–".into()
    }
}

pub fn pct(x: f64) -> f64 {
    x * 100.0
}

/// One bar: its label, value, colour, and the legend entry it belongs to; with lenses
/// pinned, its value under each pin where that differs ([`ChartCtx::with_ghosts`]).
pub struct Row {
    pub name: String,
    pub value: f64,
    pub color: Color32,
    pub group: String,
    pub ghosts: Vec<Option<f64>>,
}

impl Row {
    pub fn new(name: String, value: f64, color: Color32, group: String) -> Row {
        Row {
            name,
            value,
            color,
            group,
            ghosts: Vec::new(),
        }
    }
}

/// Below this width a bar chart's legend goes above the plot rather than inside it.
const NARROW_BARS: f32 = 560.0;

/// A pinned lens's entry in a bar chart's legend ("Pinned 1").
fn pin_legend(k: usize) -> String {
    LensName {
        lens: Lens::Pinned(k),
        preset: None,
    }
    .text()
}

/// Horizontal bars, the first row at the top; returns the row under the pointer. `fit`:
/// squeeze the rows into the space there is (a figure cannot scroll).
pub fn bar_rows(
    ui: &mut egui::Ui,
    id: &str,
    x_label: &str,
    rows: &[Row],
    highlight: Option<&str>,
    threshold: Option<f64>,
    fit: bool,
) -> Option<usize> {
    let n = rows.len();
    let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
    // With lenses pinned, each row has a slot per lens: the live bar on top, a pin's
    // (muted, outlined) under it where its value differs.
    let pins = rows.iter().map(|r| r.ghosts.len()).max().unwrap_or(0);
    let slot = 0.8 / (pins + 1) as f64;
    let at = |i: usize, lens: usize| match pins {
        0 => (n - 1 - i) as f64,
        _ => (n - 1 - i) as f64 + 0.4 - slot * (lens as f64 + 0.5),
    };
    let width = if pins == 0 { 0.7 } else { slot * 0.9 };
    let mut ghosts: Vec<Vec<Bar>> = vec![Vec::new(); pins];
    // One bar chart per legend group, so the legend says what the colours mean.
    let mut groups: Vec<(&str, Color32, Vec<Bar>)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        for (k, g) in r.ghosts.iter().enumerate() {
            if let Some(v) = g {
                ghosts[k].push(
                    Bar::new(at(i, k + 1), *v)
                        .name(&r.name)
                        .width(width)
                        .fill(ghost_fill(r.color, k))
                        .stroke(egui::Stroke::new(1.0, r.color)),
                );
            }
        }
        let lit = highlight == Some(r.name.as_str());
        let bar = Bar::new(at(i, 0), r.value)
            .width(width)
            .name(&r.name)
            .fill(if lit {
                r.color
            } else {
                r.color.gamma_multiply(0.75)
            })
            .stroke(egui::Stroke::new(
                if lit { 2.5 } else { 0.0 },
                Color32::BLACK,
            ));
        match groups.iter_mut().find(|g| g.0 == r.group) {
            Some(g) => {
                // A group of many colours (the sectors) gets a neutral legend mark.
                if g.1 != r.color {
                    g.1 = Color32::GRAY;
                }
                g.2.push(bar)
            }
            None => groups.push((r.group.as_str(), r.color, vec![bar])),
        }
    }
    let label_names = names;
    // A narrow chart (a small window, a pane beside three others) has no room for the
    // legend inside the plot: it goes above, as the line charts' does.
    let narrow = ui.available_width() < NARROW_BARS;
    if narrow {
        let pinned = ghosts.iter().enumerate().filter(|(_, b)| !b.is_empty());
        let entries: Vec<(String, Color32)> = groups
            .iter()
            .map(|(g, c, _)| (g.to_string(), *c))
            .chain(pinned.map(|(k, _)| (pin_legend(k), ghost_fill(Color32::GRAY, k))))
            .chain(threshold.map(|_| ("±2/√EN".to_string(), Color32::GRAY)))
            .collect();
        legend_strip(ui, &entries);
    }
    // Room on the right for the legend inside the plot, so it never sits on a bar.
    let (lo, hi) = rows
        .iter()
        .flat_map(|r| std::iter::once(r.value).chain(r.ghosts.iter().flatten().copied()))
        .fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let room = hi + if narrow { 0.05 } else { 0.45 } * (hi - lo).max(1e-9);
    // Rows tall enough for every label; the chart scrolls when the pane is shorter.
    let max_h = (ui.available_height() - 20.0).max(120.0);
    let height = if fit {
        max_h
    } else {
        // A row holds a bar per lens: taller with lenses pinned.
        let row = 17.0 * (1.0 + 0.5 * pins as f32);
        (n as f32 * row + 50.0).max((ui.available_height() - 24.0).max(120.0))
    };
    let resp = egui::ScrollArea::vertical()
        .id_salt(id)
        .max_height(max_h)
        .show(ui, |ui| {
            let plot = Plot::new(id)
                .height(height)
                .allow_scroll(false)
                .allow_zoom(false)
                .allow_drag(false)
                .x_axis_label(x_label)
                .custom_y_axes(vec![
                    egui_plot::AxisHints::new_y()
                        .formatter(move |m, _| {
                            let i = m.value.round() as i64;
                            if (m.value - i as f64).abs() < 1e-6 && i >= 0 && (i as usize) < n {
                                label_names[n - 1 - i as usize].clone()
                            } else {
                                String::new()
                            }
                        })
                        .min_thickness(150.0)
                        // Every bar's label stays visible down to tight rows.
                        .label_spacing(6.0..=10.0),
                ])
                // A mark (and so a label) at every bar.
                .y_grid_spacer(move |_| {
                    (0..n)
                        .map(|i| egui_plot::GridMark {
                            value: i as f64,
                            step_size: 1.0,
                        })
                        .collect()
                })
                .include_x(room);
            let plot = if narrow {
                plot
            } else {
                plot.legend(Legend::default().position(egui_plot::Corner::RightBottom))
            };
            plot.show(ui, |p| {
                for (k, bars) in ghosts.into_iter().enumerate() {
                    if bars.is_empty() {
                        continue;
                    }
                    p.bar_chart(
                        BarChart::new(pin_legend(k), bars)
                            .color(ghost_fill(Color32::GRAY, k))
                            .horizontal(),
                    );
                }
                for (group, color, bars) in groups {
                    p.bar_chart(BarChart::new(group, bars).color(color).horizontal());
                }
                if let Some(t) = threshold {
                    p.vline(VLine::new("±2/√EN", t).color(Color32::GRAY));
                    p.vline(VLine::new("±2/√EN", -t).color(Color32::GRAY));
                }
                p.pointer_coordinate()
            })
        })
        .inner;
    let at = resp.inner?;
    if !resp.response.hovered() {
        return None;
    }
    let i = at.y.round();
    (i >= 0.0 && (i as usize) < n).then(|| n - 1 - i as usize)
}

/// One line of a cumulative-return chart.
pub struct CumLine {
    pub name: String,
    pub color: Color32,
    /// Cumulative return per point of the x axis (0.05 = +5%).
    pub cumulative: Vec<f64>,
    /// Line width before presentation mode's scaling.
    pub width: f32,
}

/// One lens's lines of a cumulative-return chart, on its own x axis (lenses may differ in
/// the dates they cover).
pub struct LensLines {
    pub x: Vec<f64>,
    pub lines: Vec<CumLine>,
}

/// Cumulative returns (%) over time, the legend above the plot so it never covers a line;
/// long series are decimated for drawing. `lenses`: the live lens's lines first, a pinned
/// lens's drawn under them, muted and dashed or dotted. `below`: the height to leave
/// under the chart (for what the pane draws there).
pub fn cumulative_chart(
    ui: &mut egui::Ui,
    ctx: &ChartCtx,
    id: &str,
    lenses: &[(Lens, LensLines)],
    below: f32,
) {
    let entries: Vec<(String, Color32)> = lenses
        .iter()
        .filter(|(l, _)| *l == Lens::Live)
        .flat_map(|(_, s)| s.lines.iter().map(|l| (l.name.clone(), l.color)))
        .collect();
    legend_strip(ui, &entries);
    let lang = crate::i18n::lang();
    Plot::new(id)
        .height((ui.available_height() - 24.0 - below).max(120.0))
        .x_axis_label(tr("Month"))
        .y_axis_label(tr("Cumulative return (%)"))
        .x_grid_spacer(month_grid)
        .x_axis_formatter(month_label)
        .show(ui, |p| {
            // The pins' lines first, so the live ones are drawn over them.
            for (lens, set) in lenses.iter().rev() {
                for l in &set.lines {
                    let pts: Vec<[f64; 2]> = set
                        .x
                        .iter()
                        .zip(&l.cumulative)
                        .map(|(a, v)| [*a, pct(*v)])
                        .collect();
                    let pts = PlotPoints::from(decimate(&pts, 2000));
                    let line = match lens {
                        Lens::Live => Line::new(l.name.as_str(), pts)
                            .color(l.color)
                            .width(l.width * ctx.line_scale),
                        Lens::Pinned(k) => {
                            let of = LensName {
                                lens: *lens,
                                preset: None,
                            }
                            .localize(lang);
                            Line::new(format!("{} ({of})", l.name), pts)
                                .color(ghost_color(l.color))
                                .style(pin_style(*k))
                                .width(l.width.min(2.0) * ctx.line_scale)
                        }
                    };
                    p.line(line);
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_axis_marks_month_centres_and_labels_them() {
        let d = chrono::NaiveDate::from_ymd_opt(2017, 4, 30).unwrap();
        let mark = |value, months: f64| egui_plot::GridMark {
            value,
            step_size: months / 12.0,
        };
        assert_eq!(
            month_label(mark(year_fraction(d), 1.0), &(0.0..=1.0)),
            "2017-04"
        );
        assert_eq!(
            month_label(mark(year_fraction(d), 12.0), &(0.0..=1.0)),
            "2017"
        );
        // A year in view: every second month, January first, each at a month's centre.
        let bounds = (year_fraction(d) - 3.0 / 12.0, year_fraction(d) + 8.6 / 12.0);
        let input = |bounds| egui_plot::GridInput {
            bounds,
            base_step_size: 0.01,
        };
        let labels: Vec<String> = month_grid(input(bounds))
            .into_iter()
            .map(|m| month_label(m, &(0.0..=1.0)))
            .collect();
        assert_eq!(
            labels,
            [
                "2017-01", "2017-03", "2017-05", "2017-07", "2017-09", "2017-11"
            ]
        );
        // Twenty years: whole years, five apart at most eight marks; no hang far out.
        assert!(month_grid(input((1990.0, 2010.0))).len() <= 8);
        assert!(month_grid(input((-1e9, 1e9))).len() <= 9);
    }

    #[test]
    fn the_gics_sectors_have_distinct_colours_apart_from_the_baskets() {
        let gics = &SECTOR_COLORS[..11];
        for (i, (a, ca)) in gics.iter().enumerate() {
            assert!(![HALO, ANTI, BENCH].contains(ca), "{a}");
            assert!(gics[..i].iter().all(|(_, c)| c != ca), "{a}");
            assert_eq!(sector_color(a), *ca);
        }
    }

    #[test]
    fn a_bar_only_a_pin_has_is_drawn_at_the_absent_value_with_its_ghost() {
        let ds = crate::engine::synth::generate(60, 24, 5)
            .expect("synthetic")
            .dataset("synthetic");
        let mut p = crate::engine::pipeline::Pipeline::from_dataset(&ds).expect("inputs");
        let settings = crate::engine::settings::Settings::default();
        let live = p
            .run(&settings, &|| false, &|_| true)
            .expect("not stale")
            .expect("results");
        let name = |lens| LensName { lens, preset: None };
        let lenses = Lenses {
            live: name(Lens::Live),
            pins: vec![Pinned {
                name: name(Lens::Pinned(0)),
                results: PinResults::Ready(Arc::new(live.clone())),
            }],
        };
        let (view, sweep) = (ViewState::default(), Default::default());
        let ctx = ChartCtx {
            results: &live,
            backtest_pending: false,
            dataset: "synthetic",
            view: &view,
            sweep: &sweep,
            lit: None,
            figure: false,
            line_scale: 1.0,
            lenses: &lenses,
        };
        // The live lens has A 2 and B 1; the pin has A 2, B 3 and C -1.
        let build = |r: &Results| {
            let row = |n: &str, v| Row::new(n.into(), v, Color32::RED, String::new());
            if std::ptr::eq(r, &live) {
                vec![row("A", 2.0), row("B", 1.0)]
            } else {
                vec![row("A", 2.0), row("B", 3.0), row("C", -1.0)]
            }
        };
        let seen = |rows: Vec<Row>| -> Vec<(String, f64, Vec<Option<f64>>)> {
            rows.into_iter()
                .map(|r| (r.name, r.value, r.ghosts))
                .collect()
        };
        // A is the same under both (no ghost); B differs; C is the pin's alone, at 0 live.
        assert_eq!(
            seen(ctx.with_ghosts(Some(0.0), build)),
            [
                ("A".to_string(), 2.0, vec![None]),
                ("B".to_string(), 1.0, vec![Some(3.0)]),
                ("C".to_string(), 0.0, vec![Some(-1.0)]),
            ]
        );
        // With no value for a bar the live lens lacks, that bar is left out.
        assert_eq!(
            seen(ctx.with_ghosts(None, build)),
            [
                ("A".to_string(), 2.0, vec![None]),
                ("B".to_string(), 1.0, vec![Some(3.0)]),
            ]
        );
    }

    #[test]
    fn decimation_keeps_extremes_and_bounds_size() {
        let pts: Vec<[f64; 2]> = (0..10_000)
            .map(|i| [i as f64, if i == 5_003 { 100.0 } else { (i % 7) as f64 }])
            .collect();
        let d = decimate(&pts, 500);
        assert!(d.len() <= 500);
        assert!(d.iter().any(|p| p[1] == 100.0), "the spike survives");
        assert!(d.windows(2).all(|w| w[0][0] <= w[1][0]), "x stays ordered");
    }
}
