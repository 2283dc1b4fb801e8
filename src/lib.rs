//! HALO Workbench: a research workbench for the HALO equity strategy (Heavy Assets, Low
//! Obsolescence).
//!
//! Data flows one way: files -> [`data`] (canonical tables with load reports) -> the
//! engine -> results -> the [`app`] panes and the [`cli`]. The data layer and engine never
//! import egui; the UI never computes finance.

// The numeric code indexes several parallel arrays (securities x metrics x months) with
// one index; an index loop says that more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

#[cfg(feature = "gui")]
pub mod app;
pub mod atomic;
#[cfg(feature = "gui")]
pub mod cli;
pub mod data;
pub mod engine;
pub mod export;
pub mod i18n;
pub mod prep;
pub mod project;
pub mod view;

/// The layers import downward only, so no module imports one that imports it back.
#[cfg(test)]
mod layering {
    /// Each layer and the layers it may import.
    const ALLOWED: &[(&str, &[&str])] = &[
        ("i18n", &[]),
        ("view", &["engine"]),
        ("atomic", &[]),
        ("data", &["i18n", "atomic"]),
        ("engine", &["i18n", "data"]),
        ("export", &["i18n", "atomic", "data", "engine"]),
        ("project", &["atomic", "data", "engine", "view"]),
        ("prep", &["atomic", "data", "engine"]),
        (
            "app",
            &[
                "i18n", "atomic", "data", "engine", "export", "project", "view",
            ],
        ),
        (
            "cli",
            &[
                "i18n", "atomic", "data", "engine", "export", "project", "view", "app", "prep",
            ],
        ),
    ];

    fn sources(layer: &str) -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut out = Vec::new();
        let file = root.join(format!("{layer}.rs"));
        if file.is_file() {
            out.push(std::fs::read_to_string(file).unwrap());
        }
        let mut dirs = vec![root.join(layer)];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(std::fs::read_to_string(p).unwrap());
                }
            }
        }
        out
    }

    #[test]
    fn layers_import_downward_only() {
        let names: Vec<&str> = ALLOWED.iter().map(|(n, _)| *n).collect();
        for (layer, allowed) in ALLOWED {
            for text in sources(layer) {
                for other in &names {
                    let uses = text.contains(&format!("crate::{other}::"))
                        || text.contains(&format!("crate::{other};"))
                        || text.contains(&format!("crate::{other}}}"));
                    if other != layer && uses {
                        assert!(allowed.contains(other), "{layer} imports {other}");
                    }
                }
            }
        }
    }
}
