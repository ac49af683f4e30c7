//! Downloads: where a remote file goes locally, and the download itself (to a file with a
//! resumable `.part`, or to stdout).

use std::ffi::OsStr;
use std::fmt::Display;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use super::{SessionSource, Transfer, ready, say};
use crate::error::AppError;
use crate::retry::{self, Done};
use crate::text::escape;
use crate::transfer::{self, Sink, Transferred};

/// Where the user asked a download to go.
#[derive(Debug, Clone, Copy)]
pub enum Dest<'a> {
    /// The remote name, in the current directory.
    Here,
    Stdout,
    /// The remote name, in this directory.
    Dir(&'a Path),
    /// This file.
    File(&'a Path),
}

impl<'a> Dest<'a> {
    /// `-o PATH` or the shell's local argument: `-` is stdout, an existing directory or a path
    /// ending in `/` a directory, anything else a file.
    pub fn from_arg(arg: Option<&'a Path>) -> Dest<'a> {
        match arg {
            None => Dest::Here,
            Some(p) if p == Path::new("-") => Dest::Stdout,
            Some(p) if p.as_os_str().as_bytes().ends_with(b"/") || p.is_dir() => Dest::Dir(p),
            Some(p) => Dest::File(p),
        }
    }

    /// The sink for a remote file whose last path component is `name` (`None` for a directory);
    /// `shown` names the remote file in an error.
    pub fn sink(self, name: Option<&[u8]>, shown: impl Display) -> Result<Sink> {
        let local = || match name {
            Some(name) => safe_local_name(name),
            None => Err(AppError::Usage(format!("{shown} names a directory, not a file"))),
        };
        Ok(match self {
            Dest::Stdout => Sink::Stdout,
            Dest::File(p) => Sink::File(p.to_path_buf()),
            Dest::Dir(dir) => Sink::File(dir.join(local()?)),
            Dest::Here => Sink::File(local()?),
        })
    }
}

/// The last component of a remote path as typed in the shell; `None` when it ends in `/`.
pub fn last_component(path: &[u8]) -> Option<&[u8]> {
    path.rsplit(|&b| b == b'/').next().filter(|n| !n.is_empty())
}

/// A name from a URL or a server, made safe as one local path component: no separators, no
/// `.` or `..`, nothing empty, no control characters. Nothing is ever written outside the target
/// directory.
pub fn safe_local_name(name: &[u8]) -> Result<PathBuf, AppError> {
    let bad =
        matches!(name, b"" | b"." | b"..") || name.iter().any(|&b| b == b'/' || b == b'\\' || b < 0x20 || b == 0x7f);
    if bad {
        return Err(AppError::Usage(format!("refusing to use '{}' as a local file name", escape(name))));
    }
    Ok(PathBuf::from(OsStr::from_bytes(name)))
}

/// Downloads `remote` to `sink`, resuming a `.part` with `resume`, and after a transient failure
/// again as `how.retry` allows, resuming from the `.part` (see [`crate::retry`]). `resume_with`
/// is the command that resumes it by hand, for the hint after a break.
pub async fn get(
    src: &mut impl SessionSource,
    remote: &[u8],
    sink: &Sink,
    resume: bool,
    how: Transfer,
    resume_with: Option<String>,
) -> Result<Done<Transferred>> {
    if resume && matches!(sink, Sink::Stdout) {
        return Err(AppError::Usage("a download to stdout cannot be resumed".into()).into());
    }
    let opts = how.options(resume_with);
    retry::run(&how.retry, say, src, ready, async |src, t| {
        transfer::get(src.session().await?, remote, sink, resume || t.resume, &opts).await
    })
    .await
    .with_context(|| format!("could not download '{}'", escape(remote)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_from_servers_are_cleaned() {
        for bad in [&b""[..], b".", b"..", b"../x", b"/etc/x", b"a\\b", b"a\nb", b"a\0b", b"\x1b[2J"] {
            assert!(safe_local_name(bad).is_err(), "{}", escape(bad));
        }
        assert_eq!(safe_local_name(b"caf\xe9.txt").unwrap().as_os_str().as_bytes(), b"caf\xe9.txt");
        assert_eq!(safe_local_name(b"..x").unwrap(), PathBuf::from("..x"));
    }

    #[test]
    fn destinations() {
        let sink = |arg: Option<&str>, name: Option<&[u8]>| Dest::from_arg(arg.map(Path::new)).sink(name, "x");
        assert!(matches!(sink(Some("-"), None).unwrap(), Sink::Stdout));
        assert!(matches!(sink(Some("out/"), Some(b"a")).unwrap(), Sink::File(p) if p == Path::new("out/a")));
        assert!(matches!(sink(Some("f.bin"), None).unwrap(), Sink::File(p) if p == Path::new("f.bin")));
        assert!(matches!(sink(None, Some(b"a")).unwrap(), Sink::File(p) if p == Path::new("a")));
        assert!(sink(None, None).err().is_some_and(|e| e.to_string().contains("x names a directory")));
        assert!(sink(None, Some(b"..")).is_err());
    }
}
