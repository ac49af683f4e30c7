//! `--include` and `--exclude`: which entries of the tree the mirror looks at.

use crate::glob;

/// `--include` and `--exclude` globs, as rsync, rclone and lftp read them: `*`, `?` and `[...]`
/// never match `/`, `**` matches across directories (see [`glob::path_matches`]). A pattern
/// without a `/` is matched against the name at any depth; one with a `/` against the whole path
/// relative to the root (a leading `/` only anchors); one ending in `/` matches directories only.
/// A file is copied when it matches an include (or there are none) and no exclude; a directory is
/// entered unless excluded. Excluded entries are left alone by `--delete`.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Filters {
    fn hit(pattern: &str, rel: &str, name: &str, dir: bool) -> bool {
        let (pattern, dirs_only) = match pattern.strip_suffix('/') {
            Some(p) => (p, true),
            None => (pattern, false),
        };
        if dirs_only && !dir {
            return false;
        }
        match pattern.strip_prefix('/') {
            Some(p) => glob::path_matches(p, rel),
            None if pattern.contains('/') => glob::path_matches(pattern, rel),
            None => glob::path_matches(pattern, name),
        }
    }

    /// Whether the entry at `rel` (named `name`; a directory when `dir`) is excluded.
    pub(super) fn excluded(&self, rel: &[u8], name: &[u8], dir: bool) -> bool {
        let (rel, name) = (String::from_utf8_lossy(rel), String::from_utf8_lossy(name));
        self.exclude.iter().any(|p| Filters::hit(p, &rel, &name, dir))
    }

    /// Whether the file at `rel` is included.
    pub(super) fn included(&self, rel: &[u8], name: &[u8]) -> bool {
        let (rel, name) = (String::from_utf8_lossy(rel), String::from_utf8_lossy(name));
        self.include.is_empty() || self.include.iter().any(|p| Filters::hit(p, &rel, &name, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_match_names_anywhere_and_paths_from_the_root() {
        let f = Filters { include: vec![], exclude: vec!["*.tmp".into(), "cache/*".into(), "build/".into()] };
        assert!(f.excluded(b"a/b/x.tmp", b"x.tmp", false));
        assert!(f.excluded(b"a/.x.tmp", b".x.tmp", false), "a leading dot is not special");
        assert!(f.excluded(b"cache/y", b"y", false));
        assert!(!f.excluded(b"cache/y/z", b"z", false), "* does not cross a /");
        assert!(!f.excluded(b"a/cache/y", b"y", false));
        assert!(!f.excluded(b"a/x.txt", b"x.txt", false));
        assert!(f.excluded(b"a/build", b"build", true));
        assert!(!f.excluded(b"a/build", b"build", false), "a trailing / matches directories only");
        let deep = Filters { include: vec![], exclude: vec!["/src/**/*.o".into()] };
        assert!(deep.excluded(b"src/x.o", b"x.o", false) && deep.excluded(b"src/a/b/x.o", b"x.o", false));
        assert!(!deep.excluded(b"lib/src/x.o", b"x.o", false));
        let i = Filters { include: vec!["*.txt".into()], exclude: vec![] };
        assert!(i.included(b"d/a.txt", b"a.txt"));
        assert!(!i.included(b"d/a.bin", b"a.bin"));
    }
}
