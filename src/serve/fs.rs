//! The served directory as the client sees it: FTP paths (`/pub/a.txt`, `../x`, relative to the
//! session's directory) turned into local paths that never leave the root.
//!
//! Two steps. First a lexical one: the path is joined to the session's directory and `.` and
//! `..` are resolved as text, `..` stopping at `/` as a chroot does, so `../../etc/passwd` and
//! `/etc/passwd` both mean a file inside the root. Then the file system's word: the result is
//! canonicalized (every symbolic link followed) and must still lie under the canonical root, so
//! a link inside the tree that points out of it is refused, not followed.

use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Why a path cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    #[error("outside the served directory")]
    Outside,
    #[error("the root of the served directory cannot be used here")]
    Root,
    #[error("{0}")]
    Io(#[from] io::Error),
}

impl PathError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, PathError::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

/// The canonical root every path must stay under.
#[derive(Debug, Clone)]
pub struct Jail {
    root: PathBuf,
}

impl Jail {
    pub fn new(root: &Path) -> io::Result<Jail> {
        let root = root.canonicalize()?;
        if !root.is_dir() {
            return Err(io::Error::new(io::ErrorKind::NotADirectory, format!("{} is not a directory", root.display())));
        }
        Ok(Jail { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The FTP path `arg` means in directory `cwd` (itself a normalized absolute FTP path), as a
    /// normalized absolute FTP path: `/`, or `/a/b` without `.`, `..`, empty components or a
    /// trailing slash.
    pub fn normalize(cwd: &[u8], arg: &[u8]) -> Vec<u8> {
        let mut parts: Vec<&[u8]> = Vec::new();
        let base: &[u8] = if arg.starts_with(b"/") { b"" } else { cwd };
        for part in base.split(|&b| b == b'/').chain(arg.split(|&b| b == b'/')) {
            match part {
                b"" | b"." => {}
                b".." => {
                    parts.pop();
                }
                p => parts.push(p),
            }
        }
        if parts.is_empty() {
            return b"/".to_vec();
        }
        let mut out = Vec::new();
        for p in parts {
            out.push(b'/');
            out.extend_from_slice(p);
        }
        out
    }

    /// The local path of a normalized FTP path, before any link is followed.
    fn local(&self, ftp_path: &[u8]) -> PathBuf {
        let rel = ftp_path.strip_prefix(b"/").unwrap_or(ftp_path);
        if rel.is_empty() { self.root.clone() } else { self.root.join(OsStr::from_bytes(rel)) }
    }

    fn inside(&self, real: PathBuf) -> Result<PathBuf, PathError> {
        if real.starts_with(&self.root) { Ok(real) } else { Err(PathError::Outside) }
    }

    /// An existing file or directory: its canonical path, which is inside the root.
    pub fn existing(&self, ftp_path: &[u8]) -> Result<PathBuf, PathError> {
        self.inside(self.local(ftp_path).canonicalize()?)
    }

    /// A name to create, replace or remove (STOR, MKD, DELE, RNTO...): the canonical parent
    /// joined with the last component. The parent must exist inside the root; when the name
    /// itself is a symbolic link, removing or renaming it touches only the link, but writing
    /// through it is for [`Jail::writable`] to judge.
    pub fn entry(&self, ftp_path: &[u8]) -> Result<PathBuf, PathError> {
        let local = self.local(ftp_path);
        let (Some(parent), Some(name)) = (local.parent(), local.file_name()) else {
            return Err(PathError::Root);
        };
        if ftp_path == b"/" {
            return Err(PathError::Root);
        }
        let parent = self.inside(parent.canonicalize()?)?;
        Ok(parent.join(name))
    }

    /// A file to write (STOR, APPE): as [`Jail::entry`], and if it exists (a link included, even
    /// a dangling one) its target must be inside the root.
    pub fn writable(&self, ftp_path: &[u8]) -> Result<PathBuf, PathError> {
        let path = self.entry(ftp_path)?;
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                // A dangling link would create its target wherever it points: refused.
                let target = path.canonicalize().map_err(|_| PathError::Outside)?;
                self.inside(target)
            }
            _ => Ok(path),
        }
    }

    /// Whether a canonical path is inside the root (for entries met while listing).
    pub fn contains(&self, real: &Path) -> bool {
        real.starts_with(&self.root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_stays_under_the_root() {
        for (cwd, arg, want) in [
            ("/", "a.txt", "/a.txt"),
            ("/pub", "a.txt", "/pub/a.txt"),
            ("/pub", "/a.txt", "/a.txt"),
            ("/pub", "..", "/"),
            ("/pub", "../../../etc/passwd", "/etc/passwd"),
            ("/", "/../..", "/"),
            ("/a/b", "./c/./../d/", "/a/b/d"),
            ("/", "//x//y", "/x/y"),
            ("/", "", "/"),
            ("/a", ".", "/a"),
        ] {
            assert_eq!(Jail::normalize(cwd.as_bytes(), arg.as_bytes()), want.as_bytes(), "{cwd} + {arg}");
        }
    }

    #[test]
    fn links_out_of_the_root_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "x").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("in.txt"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), root.join("out")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("outdir")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("new"), root.join("dangling")).unwrap();
        std::os::unix::fs::symlink("in.txt", root.join("inlink")).unwrap();
        let jail = Jail::new(&root).unwrap();
        assert!(jail.existing(b"/in.txt").is_ok());
        assert!(jail.existing(b"/inlink").is_ok());
        assert!(matches!(jail.existing(b"/out"), Err(PathError::Outside)));
        assert!(matches!(jail.existing(b"/outdir/secret"), Err(PathError::Outside)));
        assert!(matches!(jail.entry(b"/outdir/new"), Err(PathError::Outside)));
        assert!(matches!(jail.writable(b"/out"), Err(PathError::Outside)));
        assert!(matches!(jail.writable(b"/dangling"), Err(PathError::Outside)));
        assert!(jail.writable(b"/inlink").is_ok());
        assert!(jail.writable(b"/new.txt").is_ok());
        assert!(matches!(jail.entry(b"/"), Err(PathError::Root)));
        assert!(jail.existing(b"/missing").unwrap_err().is_not_found());
    }
}
