//! Kill-safe writes of user files. A file is written to a uniquely named temporary file
//! beside its target, flushed to disk, renamed over the target, and the folder flushed, so a
//! crash at any moment leaves the old file or the new one, whole. A set of files that
//! belong together (a backtest's folder) is written into a temporary folder that replaces
//! the old one, so a reader never sees half of one run and half of another. Temporary files
//! a killed writer left behind are removed by the next write to the same place.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder a path is in ("." for a bare file name).
fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into())
}

/// The prefix of this target's temporary files and folders: hidden, and named after it.
fn temp_prefix(path: &Path) -> String {
    format!(".{}.halo-tmp-", file_name(path))
}

/// Remove what an earlier, killed write to `path` left: its temporary files and folders.
fn sweep(path: &Path) {
    let prefix = temp_prefix(path);
    let Ok(entries) = std::fs::read_dir(folder(path)) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            let p = e.path();
            let _ = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
        }
    }
}

/// Flush a folder's entries (the rename) to disk where the system allows it.
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    // Windows has no handle to flush a directory with; its renames are journaled.
    #[cfg(not(unix))]
    let _ = dir;
}

/// The access a new file or folder gets: an existing target's own, else what the system
/// gives any new file (on Unix 0o666 or 0o777 less the umask; tempfile's default, owner
/// only, would hide a user's exports from the colleagues they share a folder with).
fn access_for(path: &Path, is_folder: bool) -> Option<std::fs::Permissions> {
    if let Ok(m) = std::fs::metadata(path) {
        return Some(m.permissions());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(if is_folder {
            0o777
        } else {
            0o666
        }))
    }
    // On Windows a new file inherits its folder's access rules.
    #[cfg(not(unix))]
    {
        let _ = is_folder;
        None
    }
}

/// A temporary file or folder for `path`, named with `prefix` (its `temp_prefix`).
fn builder_for<'a>(
    prefix: &'a str,
    path: &Path,
    is_folder: bool,
) -> tempfile::Builder<'a, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix);
    if let Some(p) = access_for(path, is_folder) {
        b.permissions(p);
    }
    b
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = folder(path);
    sweep(path);
    let prefix = temp_prefix(path);
    let mut tmp = builder_for(&prefix, path, false).tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // On any error the temporary file is removed when `tmp` is dropped.
    tmp.persist(path).map_err(|e| e.error)?;
    sync_folder(dir);
    Ok(())
}

/// FNV-1a, 64 bits: a file's fingerprint in a manifest (a check that the file is the one
/// the manifest was written with, not a defence against tampering).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The manifest of a set written with [`write_with_manifest`].
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub files: Vec<ManifestEntry>,
}

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ManifestEntry {
    /// The file's name, in the manifest's folder or the one given.
    pub file: String,
    pub bytes: u64,
    /// [`fnv1a64`] of its contents, in hex.
    pub fnv1a64: String,
}

/// Files that belong together but sit among other files (a figure and its CSVs in the
/// user's export folder), written as a set with a manifest written last. Every file is
/// first written to a temporary beside it (an error there leaves every old file as it
/// was); then the old manifest is removed, the files are renamed into place, and the new
/// manifest (each file's name, size and fingerprint) is written. A reader that trusts the
/// manifest sees the old set or the new one, whole; while the renames run, there is none.
pub fn write_with_manifest(files: &[(PathBuf, Vec<u8>)], manifest: &Path) -> std::io::Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        sweep(path);
        let mut tmp = builder_for(&temp_prefix(path), path, false).tempfile_in(folder(path))?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        staged.push((tmp, path));
    }
    let old = std::fs::read(manifest).ok();
    match std::fs::remove_file(manifest) {
        Ok(()) => sync_folder(folder(manifest)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    for (k, (tmp, path)) in staged.into_iter().enumerate() {
        if let Err(e) = tmp.persist(path) {
            // Nothing renamed yet (a file held open elsewhere, on Windows): the old set is
            // whole, and its manifest goes back. Later, no manifest: the set is mixed.
            if let (0, Some(bytes)) = (k, &old) {
                let _ = write_atomic(manifest, bytes);
            }
            return Err(e.error);
        }
    }
    for (path, _) in files {
        sync_folder(folder(path));
    }
    let m = Manifest {
        files: files
            .iter()
            .map(|(path, bytes)| ManifestEntry {
                file: file_name(path),
                bytes: bytes.len() as u64,
                fnv1a64: format!("{:016x}", fnv1a64(bytes)),
            })
            .collect(),
    };
    let text = serde_json::to_vec_pretty(&m).map_err(std::io::Error::other)?;
    write_atomic(manifest, &text)
}

/// A folder of files written as one: everything goes into a temporary folder beside the
/// target, which then takes the target's place.
pub struct FolderSet {
    target: PathBuf,
    staging: tempfile::TempDir,
}

/// Why a folder cannot take a set of files.
#[derive(Debug)]
pub enum SetError {
    /// The folder holds files that are not of the set: replacing it would lose them.
    Foreign {
        file: PathBuf,
    },
    Io(std::io::Error),
}

impl From<std::io::Error> for SetError {
    fn from(e: std::io::Error) -> Self {
        SetError::Io(e)
    }
}

impl FolderSet {
    /// A set of the files `names` for the folder `target`, which must be new, empty, or
    /// a folder holding only files of those names (an earlier run's). A link to a folder
    /// is followed: the set replaces the folder it points to, and the link stays.
    pub fn new(target: &Path, names: &[&str]) -> Result<FolderSet, SetError> {
        let link = std::fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink());
        let target = &if link && target.is_dir() {
            std::fs::canonicalize(target)?
        } else {
            target.to_path_buf()
        };
        // A file (or a link to one, or to nothing) of that name is not a folder to replace.
        if std::fs::symlink_metadata(target).is_ok_and(|m| !m.is_dir()) {
            return Err(SetError::Io(std::io::ErrorKind::NotADirectory.into()));
        }
        if let Ok(entries) = std::fs::read_dir(target) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !names.contains(&name.as_str()) {
                    return Err(SetError::Foreign { file: e.path() });
                }
            }
        }
        let parent = folder(target);
        std::fs::create_dir_all(parent)?;
        sweep(target);
        let prefix = temp_prefix(target);
        let staging = builder_for(&prefix, target, true).tempdir_in(parent)?;
        Ok(FolderSet {
            target: target.to_path_buf(),
            staging,
        })
    }

    /// Write one file of the set (`name` inside the folder).
    pub fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let mut f = std::fs::File::create(self.staging.path().join(name))?;
        f.write_all(bytes)?;
        f.sync_all()
    }

    /// Where a file of the set is being written (for writers that take a path).
    pub fn path(&self, name: &str) -> PathBuf {
        self.staging.path().join(name)
    }

    /// Put the set in place of the target folder. The old folder is moved aside first
    /// (the rename of a folder cannot replace a non-empty one), then removed; only a crash
    /// between the two renames, a few microseconds, leaves the target missing, and the
    /// next write to it cleans up.
    pub fn commit(self) -> std::io::Result<()> {
        sync_folder(self.staging.path());
        let staged = self.staging.keep();
        let parent = folder(&self.target).to_path_buf();
        let old = parent.join(format!(
            "{}old-{}",
            temp_prefix(&self.target),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old)?;
        }
        if let Err(e) = std::fs::rename(&staged, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e);
        }
        sync_folder(&parent);
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_set_with_a_manifest_is_whole_or_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (a, b, m) = (
            d.join("fig.png"),
            d.join("fig_data.csv"),
            d.join("fig.manifest.json"),
        );
        let set = |x: &[u8], y: &[u8]| vec![(a.clone(), x.to_vec()), (b.clone(), y.to_vec())];
        super::write_with_manifest(&set(b"one", b"1"), &m).unwrap();
        super::write_with_manifest(&set(b"two!", b"22"), &m).unwrap();
        let read: super::Manifest = serde_json::from_slice(&std::fs::read(&m).unwrap()).unwrap();
        assert_eq!(read.files.len(), 2);
        assert_eq!(read.files[0].file, "fig.png");
        assert_eq!(read.files[0].bytes, 4);
        assert_eq!(
            read.files[0].fnv1a64,
            format!("{:016x}", super::fnv1a64(b"two!"))
        );
        // FNV-1a's published value for "a".
        assert_eq!(super::fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        // A member that cannot be written: nothing changes, the manifest included.
        let bad = vec![
            (a.clone(), b"three".to_vec()),
            (d.join("no/such/folder/x.csv"), b"3".to_vec()),
        ];
        assert!(super::write_with_manifest(&bad, &m).is_err());
        assert_eq!(std::fs::read(&a).unwrap(), b"two!");
        assert_eq!(std::fs::read(&b).unwrap(), b"22");
        assert!(m.exists());
        let left: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("halo-tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("missing_dir").join("a.toml");
        assert!(write_atomic(&p, b"x").is_err());
    }

    #[test]
    fn what_a_killed_writer_left_is_swept_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(dir.path().join(".a.csv.halo-tmp-x1y2"), b"half").unwrap();
        std::fs::create_dir(dir.path().join(".a.csv.halo-tmp-old-9")).unwrap();
        std::fs::write(dir.path().join(".b.csv.halo-tmp-x"), b"another target's").unwrap();
        write_atomic(&p, b"whole").unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".b.csv.halo-tmp-x", "a.csv"]);
    }

    /// A new file gets what any new file gets (not tempfile's owner-only access), a
    /// replaced one keeps its own, and a folder set's folder is as readable as the files.
    #[cfg(unix)]
    #[test]
    fn written_files_keep_the_access_users_expect() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.csv");
        write_atomic(&new, b"x").unwrap();
        let mut probe = std::fs::File::create(dir.path().join("probe")).unwrap();
        probe.write_all(b"p").unwrap();
        let usual = mode(&dir.path().join("probe"));
        assert_eq!(
            mode(&new),
            usual,
            "a new export is as readable as any new file"
        );
        assert_ne!(
            usual & 0o044,
            0,
            "this test needs a umask that lets others read"
        );
        let kept = dir.path().join("kept.csv");
        std::fs::write(&kept, b"old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&kept, b"new").unwrap();
        assert_eq!(mode(&kept), 0o640);
        let out = dir.path().join("bt");
        let set = FolderSet::new(&out, &["a.csv"]).unwrap();
        set.write("a.csv", b"a").unwrap();
        set.commit().unwrap();
        assert_ne!(mode(&out) & 0o055, 0, "others may open the folder");
    }

    #[test]
    fn a_folder_set_replaces_the_old_set_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("bt");
        let names = ["a.csv", "b.csv"];
        for run in ["one", "two"] {
            let set = FolderSet::new(&out, &names).unwrap();
            set.write("a.csv", run.as_bytes()).unwrap();
            if run == "one" {
                set.write("b.csv", b"x").unwrap();
            }
            set.commit().unwrap();
        }
        assert_eq!(std::fs::read(out.join("a.csv")).unwrap(), b"two");
        assert!(!out.join("b.csv").exists(), "no file of the old set stays");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // A folder holding a file of the user's own is not replaced.
        std::fs::write(out.join("notes.txt"), b"mine").unwrap();
        assert!(matches!(
            FolderSet::new(&out, &names),
            Err(SetError::Foreign { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_set_through_a_link_replaces_the_folder_linked_to() {
        let dir = tempfile::tempdir().unwrap();
        let (real, link) = (dir.path().join("real"), dir.path().join("figures"));
        std::fs::create_dir(&real).unwrap();
        std::fs::write(real.join("a.csv"), b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let set = FolderSet::new(&link, &["a.csv"]).unwrap();
        set.write("a.csv", b"new").unwrap();
        set.commit().unwrap();
        // The link is still a link, and the folder it names has the new file.
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(real.join("a.csv")).unwrap(), b"new");
        assert_eq!(std::fs::read(link.join("a.csv")).unwrap(), b"new");
        // A link to nothing is not a folder to write into.
        let dangling = dir.path().join("gone");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(matches!(
            FolderSet::new(&dangling, &["a.csv"]),
            Err(SetError::Io(_))
        ));
    }
}
