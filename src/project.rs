//! The project file (TOML): the dataset's files, with paths relative to the project file
//! so a project folder can be moved or shared, each file's column mapping, and every
//! setting of the scoring run (`[settings]`, the same struct `--config` reads).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic::write_atomic;
use crate::data::SourceFile;
use crate::engine::compare::{MAX_PINS, Pin};
use crate::engine::settings::{Allowed, ConfigError, Settings};
use crate::view::ViewState;

pub const VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Project {
    pub version: u32,
    pub dataset: DatasetSpec,
    pub settings: Settings,
    /// The panes' arrangement (the GUI's layout, as JSON); empty: the default layout.
    pub layout: String,
    /// What the charts show (scenario, bars or lines, the ranking's order): a figure
    /// exported from the project is the one the window showed.
    pub view: ViewState,
    /// Settings pinned as reference lenses beside the live one (at most [`MAX_PINS`]).
    pub pins: Vec<Pin>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatasetSpec {
    pub name: String,
    pub files: Vec<SourceFile>,
}

/// `path` relative to `base` when it lies below it (or beside it, with `..`).
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let (Ok(p), Ok(b)) = (std::path::absolute(path), std::path::absolute(base)) else {
        return path.to_path_buf();
    };
    let pc: Vec<_> = p.components().collect();
    let bc: Vec<_> = b.components().collect();
    let common = pc.iter().zip(&bc).take_while(|(a, b)| a == b).count();
    // Only the root in common: an absolute path says more than a chain of "..".
    if common <= 1 {
        return p;
    }
    let mut rel = PathBuf::new();
    for _ in common..bc.len() {
        rel.push("..");
    }
    for c in &pc[common..] {
        rel.push(c);
    }
    rel
}

impl Project {
    /// Write atomically; dataset paths are stored relative to the project file's folder.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let base = path.parent().unwrap_or(Path::new("."));
        let mut p = self.clone();
        p.version = VERSION;
        for f in &mut p.dataset.files {
            f.path = relative_to(&f.path, base);
        }
        let text = toml::to_string_pretty(&p).map_err(|e| ConfigError::Encode {
            detail: e.to_string(),
        })?;
        write_atomic(path, text.as_bytes()).map_err(|e| ConfigError::Write {
            path: path.display().to_string(),
            error: e.into(),
        })
    }

    /// Read a project; dataset paths are resolved against the project file's folder.
    pub fn open(path: &Path) -> Result<Project, ConfigError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: name.clone(),
            error: e.into(),
        })?;
        Project::from_toml(&text, path)
    }

    /// A project from its TOML text, as if read from `path` (its folder resolves the data
    /// files' relative paths), with its settings checked.
    pub fn from_toml(text: &str, path: &Path) -> Result<Project, ConfigError> {
        let name = path.display().to_string();
        let mut p: Project = toml::from_str(text).map_err(|e| ConfigError::NotProject {
            path: name.clone(),
            detail: e.to_string(),
        })?;
        p.settings = p.settings.checked(&name)?;
        p.pins = check_pins(p.pins, &name)?;
        let base = path.parent().unwrap_or(Path::new("."));
        for f in &mut p.dataset.files {
            if f.path.is_relative() {
                f.path = base.join(&f.path);
            }
        }
        Ok(p)
    }
}

/// Pins as read from a file: at most [`MAX_PINS`], each one's settings checked (a bad
/// value is named by its pin: `pins.2.settings.weights…`).
pub fn check_pins(pins: Vec<Pin>, path: &str) -> Result<Vec<Pin>, ConfigError> {
    if pins.len() > MAX_PINS {
        return Err(ConfigError::Invalid {
            path: path.to_string(),
            key: "pins".into(),
            value: pins.len().to_string(),
            allowed: Allowed::AtMost(MAX_PINS as u64),
        });
    }
    pins.into_iter()
        .enumerate()
        .map(|(k, pin)| match pin.settings.validate() {
            Ok(()) => Ok(pin),
            Err(e) => Err(ConfigError::Invalid {
                path: path.to_string(),
                key: format!("pins.{}.settings.{}", k + 1, e.key),
                value: e.value,
                allowed: e.allowed,
            }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{LoadOptions, TableKind, Target};

    #[test]
    fn round_trip_keeps_mapping_and_makes_paths_relative() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data").join("wind.csv");
        std::fs::create_dir_all(data.parent().unwrap()).unwrap();
        std::fs::write(&data, "x").unwrap();
        let mut opts = LoadOptions {
            kind: Some(TableKind::Fundamentals),
            ..Default::default()
        };
        opts.mapping
            .overrides
            .insert("所属行业(申万)".into(), Target::Field("sector".into()));
        opts.mapping.overrides.insert("Memo".into(), Target::Ignore);
        let p = Project {
            version: VERSION,
            dataset: DatasetSpec {
                name: "mine".into(),
                files: vec![SourceFile {
                    path: data.clone(),
                    options: opts,
                }],
            },
            settings: Settings::default(),
            layout: String::new(),
            view: ViewState {
                scenario: Some("Higher for longer".into()),
                sectors: crate::view::SectorChart::Lines,
                ..Default::default()
            },
            pins: vec![Pin {
                settings: {
                    let mut s = Settings::default();
                    crate::engine::presets::preset("goldman_sachs")
                        .unwrap()
                        .apply(&mut s);
                    s
                },
            }],
        };
        let file = dir.path().join("proj").join("a.halo.toml");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        p.save(&file).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("../data/wind.csv"), "{text}");
        let back = Project::open(&file).unwrap();
        assert_eq!(back.dataset.files[0].options, p.dataset.files[0].options);
        assert_eq!(back.settings, p.settings);
        assert_eq!(back.view, p.view);
        assert_eq!(back.pins, p.pins, "the pinned lens comes back as it was");
        assert!(text.contains("[[pins]]"), "{text}");
        assert!(text.contains("[view]") && text.contains("scenario = \"Higher for longer\""));
        assert_eq!(
            back.dataset.files[0].path.canonicalize().unwrap(),
            data.canonicalize().unwrap()
        );
    }

    #[test]
    fn pins_beyond_three_or_out_of_range_are_refused_and_named() {
        let pin = |w: f64| format!("[[pins]]\n[pins.settings.weights]\nheavy_assets = {w}\n");
        let path = Path::new("/x/p.toml");
        let four: String = (0..4).map(|_| pin(2.0)).collect();
        match Project::from_toml(&four, path) {
            Err(ConfigError::Invalid { key, value, .. }) => {
                assert_eq!((key.as_str(), value.as_str()), ("pins", "4"))
            }
            other => panic!("{other:?}"),
        }
        let bad = format!("{}{}", pin(1.0), pin(50.0));
        match Project::from_toml(&bad, path) {
            Err(ConfigError::Invalid { key, .. }) => {
                assert!(key.starts_with("pins.2.settings."), "{key}")
            }
            other => panic!("{other:?}"),
        }
        let two = format!("{}{}", pin(1.0), pin(2.5));
        let p = Project::from_toml(&two, path).unwrap();
        assert_eq!(p.pins.len(), 2);
    }
}
