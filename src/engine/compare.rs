//! Compare mode: settings pinned as reference lenses beside the live one, each lens's
//! name (its preset's, or "pinned"), and how two lenses' baskets differ.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::pipeline::Results;
use super::presets::preset;
use super::settings::Settings;
use crate::i18n::{Lang, Localize};

/// At most this many lenses are pinned beside the live one.
pub const MAX_PINS: usize = 3;

/// Settings kept as a reference lens: every pane shows its results beside the live ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    pub settings: Settings,
}

/// Which lens: the live settings, or the pin at this index (0 first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lens {
    Live,
    Pinned(usize),
}

/// A lens's name in legends: which lens, and the preset its weights are (when they are
/// one), `modified` when they were moved since the preset was applied.
#[derive(Clone, Debug, PartialEq)]
pub struct LensName {
    pub lens: Lens,
    pub preset: Option<PresetName>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PresetName {
    pub name: String,
    pub name_zh: String,
    pub modified: bool,
}

impl LensName {
    pub fn of(lens: Lens, settings: &Settings) -> LensName {
        let preset = preset(&settings.preset).map(|p| {
            let mut applied = settings.clone();
            p.apply(&mut applied);
            PresetName {
                modified: applied != *settings,
                name: short(&p.name),
                name_zh: short(&p.name_zh),
            }
        });
        LensName { lens, preset }
    }
}

/// A preset's name up to its colon ("Goldman Sachs", "高盛"): the legends' short name.
fn short(name: &str) -> String {
    name.split([':', '：'])
        .next()
        .unwrap_or(name)
        .trim()
        .to_string()
}

impl Localize for LensName {
    fn localize(&self, lang: Lang) -> String {
        let head = match self.lens {
            Lens::Live => crate::bi!(lang, "Live", "当前"),
            Lens::Pinned(i) => {
                let k = i + 1;
                crate::bi!(lang, "Pinned {k}", "参照 {k}")
            }
        };
        match &self.preset {
            None => head,
            Some(p) => {
                let name = match lang {
                    Lang::Zh if !p.name_zh.is_empty() => &p.name_zh,
                    _ => &p.name,
                };
                match p.modified {
                    false => crate::bi!(lang, "{head}: {name}", "{head}：{name}"),
                    true => {
                        crate::bi!(lang, "{head}: {name}, modified", "{head}：{name}（已调整）")
                    }
                }
            }
        }
    }
}

/// How the live basket differs from a pinned lens's, matched by ticker (the two lenses
/// may score different dates, so different cross-sections).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BasketChange {
    /// In the live basket, not in the pinned one: tickers, the live basket's order.
    pub entering: Vec<String>,
    /// In the pinned basket, not in the live one: tickers, the pinned basket's order.
    pub leaving: Vec<String>,
    /// Names in both.
    pub common: usize,
    /// Σ min(w_live, w_pinned) over the names in both.
    pub weight_common: f64,
}

pub fn basket_change(live: &Results, pinned: &Results) -> BasketChange {
    let members = |r: &Results| -> Vec<(String, f64)> {
        let (cs, b) = (&r.prep().cs, &r.scores().basket);
        b.members
            .iter()
            .map(|&s| (cs.tickers[s].clone(), b.weights[s]))
            .collect()
    };
    let (a, b) = (members(live), members(pinned));
    let index = |set: &[(String, f64)]| -> HashMap<String, f64> { set.iter().cloned().collect() };
    let (in_a, in_b) = (index(&a), index(&b));
    let mut change = BasketChange::default();
    for (t, w) in &a {
        match in_b.get(t) {
            Some(v) => {
                change.common += 1;
                change.weight_common += w.min(*v);
            }
            None => change.entering.push(t.clone()),
        }
    }
    change.leaving = b
        .into_iter()
        .filter(|(t, _)| !in_a.contains_key(t))
        .map(|(t, _)| t)
        .collect();
    change
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_preset(id: &str) -> Settings {
        let mut s = Settings::default();
        preset(id).unwrap().apply(&mut s);
        s
    }

    #[test]
    fn a_lens_is_named_by_its_preset_short_name_and_says_when_moved() {
        let gs = with_preset("goldman_sachs");
        let name = LensName::of(Lens::Pinned(0), &gs);
        assert_eq!(name.localize(Lang::En), "Pinned 1: Goldman Sachs");
        assert_eq!(name.localize(Lang::Zh), "参照 1：高盛");
        let mut moved = gs.clone();
        moved.weights.heavy_assets += 0.5;
        let name = LensName::of(Lens::Live, &moved);
        assert_eq!(name.localize(Lang::En), "Live: Goldman Sachs, modified");
        assert_eq!(name.localize(Lang::Zh), "当前：高盛（已调整）");
        // A preset id that is not one (a settings file's own): the lens alone.
        let own = Settings {
            preset: "mine".into(),
            ..Default::default()
        };
        assert_eq!(
            LensName::of(Lens::Pinned(2), &own).localize(Lang::En),
            "Pinned 3"
        );
        // The defaults are the HALO preset's.
        let default = LensName::of(Lens::Live, &Settings::default());
        assert_eq!(default.localize(Lang::En), "Live: HALO (default)");
    }
}
