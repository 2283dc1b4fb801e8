//! Lens presets: data files in `assets/presets/` (compiled in), one click to set the
//! weights, sector tilts and blend of a bank's HALO lens (SPDB International 2026-03-20, figure 5; see `docs/methodology.md`).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::engine::settings::{BlendSettings, Settings, Weights};

#[derive(Clone, Debug, Deserialize)]
pub struct Preset {
    pub id: String,
    pub name: String,
    pub name_zh: String,
    /// Why: which lens of the source report, and how it maps to weights and tilts.
    pub note: String,
    pub note_zh: String,
    pub weights: Weights,
    #[serde(default)]
    pub sector_tilts: BTreeMap<String, f64>,
    #[serde(default)]
    pub exclude_sectors: Vec<String>,
    /// Only the "old and new" preset blends; the others set the mix to 0.
    #[serde(default)]
    pub blend: Option<BlendSettings>,
}

const FILES: &[&str] = &[
    include_str!("../../assets/presets/halo.toml"),
    include_str!("../../assets/presets/goldman_sachs.toml"),
    include_str!("../../assets/presets/morgan_stanley.toml"),
    include_str!("../../assets/presets/jpmorgan.toml"),
    include_str!("../../assets/presets/old_and_new.toml"),
];

/// The bundled presets, in display order, parsed once (every frame names the lenses on
/// screen by their presets). A file that does not parse is a build defect, caught by the
/// test below; it is skipped rather than taking the app down.
pub fn presets() -> &'static [Preset] {
    static PRESETS: std::sync::OnceLock<Vec<Preset>> = std::sync::OnceLock::new();
    PRESETS.get_or_init(|| {
        FILES
            .iter()
            .filter_map(|f| toml::from_str(f).ok())
            .collect()
    })
}

pub fn preset(id: &str) -> Option<Preset> {
    presets().iter().find(|p| p.id == id).cloned()
}

impl Preset {
    /// Set the lens's weights, tilts, exclusions and blend; other settings are kept.
    pub fn apply(&self, s: &mut Settings) {
        s.weights = self.weights.clone();
        s.basket.sector_tilts = self.sector_tilts.clone();
        s.basket.exclude_sectors = self.exclude_sectors.clone();
        match &self.blend {
            Some(b) => s.blend = b.clone(),
            None => s.blend.mix = 0.0,
        }
        s.preset = self.id.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_preset_parses_and_says_why() {
        let p = presets();
        assert_eq!(p.len(), FILES.len());
        for x in p {
            assert!(x.note.len() > 100, "{} needs a note", x.id);
            assert!(!x.name_zh.is_empty() && !x.note_zh.is_empty());
        }
        let ids: Vec<&str> = p.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "halo",
                "goldman_sachs",
                "morgan_stanley",
                "jpmorgan",
                "old_and_new"
            ]
        );
    }

    /// What the interface shows (preset notes, scenario sources, metric explanations,
    /// labels and tooltips) cites the published reports, never a file of the project's
    /// working notes.
    #[test]
    fn user_facing_text_cites_no_internal_document() {
        let mut texts: Vec<String> = Vec::new();
        for p in presets() {
            texts.extend([&p.name, &p.name_zh, &p.note, &p.note_zh].map(String::clone));
        }
        for s in super::super::scenarios::default_library() {
            texts.extend([s.name, s.name_zh, s.source, s.source_zh]);
        }
        for m in super::super::metrics::METRICS {
            texts.extend([m.explanation, m.explanation_zh].map(String::from));
        }
        for (en, zh) in crate::i18n::TABLE {
            texts.extend([en, zh].map(|t| t.to_string()));
        }
        for t in &texts {
            let l = t.to_lowercase();
            for bad in ["seed", "种子", "文献0", ".md", "shared/"] {
                assert!(!l.contains(bad), "{t:?} cites {bad:?}");
            }
        }
    }

    #[test]
    fn applying_a_preset_sets_its_weights_and_tilts() {
        let mut s = Settings::default();
        s.basket.name_cap = 0.08;
        preset("jpmorgan").unwrap().apply(&mut s);
        assert_eq!(s.weights.heavy_assets, 2.0);
        assert_eq!(s.basket.sector_tilts.get("Industrials"), Some(&0.5));
        assert_eq!(s.basket.name_cap, 0.08, "other settings are kept");
        assert_eq!(s.weights.metric("ppe_intensity"), 1.0);
        preset("old_and_new").unwrap().apply(&mut s);
        assert_eq!(s.blend.mix, 0.3);
        assert!(s.basket.sector_tilts.is_empty());
    }
}
