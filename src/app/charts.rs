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

/// A stable colour per sector name.
pub fn sector_color(name: &str) -> Color32 {
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

#[cfg(test)]
mod tests {
    use super::*;

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
