//! Chart helpers shared by the panes: the palette, the source line every chart carries,
//! and decimation of long series for drawing.

use egui::{Color32, RichText};

use super::i18n::tr;

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

/// A stable colour per sector name: the GICS sectors' own, others hashed into the palette.
pub fn sector_color(name: &str) -> Color32 {
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
