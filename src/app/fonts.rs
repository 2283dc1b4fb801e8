//! Fonts: egui's defaults have no Chinese glyphs, so a GB2312 subset of Noto Sans SC
//! (SIL OFL 1.1, see assets/fonts/README.md) is added as a fallback to every family. It is
//! compiled in, so the window, kittest and off-screen rendering all draw Chinese alike.

use std::sync::Arc;

pub const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-HALO-subset.otf");

/// egui's fonts with the Chinese fallback: what every window and figure draws with.
pub fn definitions() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "noto_sans_sc".into(),
        Arc::new(egui::FontData::from_static(CJK_FONT)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("noto_sans_sc".into());
    }
    fonts
}

pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
}
