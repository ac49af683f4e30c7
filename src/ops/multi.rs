//! One loop for every multi-file command (the shell's mget, mput and mdelete): expand each
//! pattern, ask about each file while the front end wants to, act on it, and go on past a file
//! that failed (the front end reports it) unless the session is gone or the user interrupted.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

use anyhow::Result;

use super::get::Dest;
use super::list::{local_matches, remote_matches};
use super::put::{Upload, put};
use super::{SessionSource, Transfer, file, get, is_interrupted};

/// What is done to each file.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    /// Download each remote match into the current directory.
    Get(Transfer),
    /// Upload each local match into the remote current directory.
    Put(Transfer),
    /// Delete each remote match.
    Delete,
}

impl Action {
    /// The command's name, for the question about each file.
    pub fn verb(self) -> &'static str {
        match self {
            Action::Get(_) => "mget",
            Action::Put(_) => "mput",
            Action::Delete => "mdelete",
        }
    }
}

/// The front end's part in the loop.
#[allow(async_fn_in_trait)]
pub trait Each: SessionSource {
    /// Whether to go on with `name`: yes, skip it (`Some(false)`), or stop the command (`None`).
    async fn confirm(&mut self, verb: &str, name: &[u8]) -> Option<bool>;
    /// A pattern or a file failed and the loop goes on: report it, and return its exit code.
    fn failed(&mut self, e: &anyhow::Error) -> u8;
}

/// How the loop ended.
#[derive(Debug, Default)]
pub struct Done {
    /// The first failure's exit code, if any failed.
    pub first_failure: Option<u8>,
}

/// Runs `action` on every file `patterns` name.
pub async fn each(host: &mut impl Each, action: Action, patterns: Vec<String>) -> Result<Done> {
    let mut done = Done::default();
    host.session().await?;
    'patterns: for pattern in patterns {
        let files: Result<Vec<(Vec<u8>, Vec<u8>)>> = match action {
            Action::Put(_) => local_matches(&pattern).map(|files| {
                files
                    .into_iter()
                    .map(|local| {
                        let name = local.file_name().map(|n| n.as_bytes().to_vec()).unwrap_or_default();
                        (local.into_os_string().into_vec(), name)
                    })
                    .collect()
            }),
            Action::Get(_) | Action::Delete => remote_matches(host.session().await?, &pattern).await,
        };
        let files = match files {
            Ok(files) => files,
            Err(e) => {
                let code = host.failed(&e);
                done.first_failure.get_or_insert(code);
                continue;
            }
        };
        for (path, name) in files {
            match host.confirm(action.verb(), &path).await {
                Some(true) => {}
                Some(false) => continue,
                None => break 'patterns,
            }
            let result = match action {
                // Into the current directory, under a name made safe (never outside it).
                Action::Get(t) => match Dest::Here.sink(Some(&name), "") {
                    Ok(sink) => get::get(host, &path, &sink, false, t, None).await.map(drop),
                    Err(e) => Err(e),
                },
                Action::Put(t) => {
                    let local = PathBuf::from(OsString::from_vec(path.clone()));
                    put(host, &local, &name, Upload::Store, t, None).await.map(drop)
                }
                Action::Delete => file::delete(host.session().await?, &path).await,
            };
            if let Err(e) = result {
                if is_interrupted(&e) || !host.session().await.is_ok_and(|s| s.is_usable()) {
                    return Err(e);
                }
                let code = host.failed(&e);
                done.first_failure.get_or_insert(code);
            }
        }
    }
    Ok(done)
}
