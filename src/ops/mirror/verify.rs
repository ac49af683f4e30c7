//! `mirror --verify`: each downloaded file checked against the server's own hash of it, where
//! FEAT offers a hash command: `HASH` (draft-bryan-ftpext-hash: the algorithm FEAT marks with
//! `*`), else `XSHA256`, `XSHA1`, `XMD5`, `XCRC` (ProFTPD's mod_digest, Serv-U, FileZilla Server).

use std::io::Read;
use std::path::Path;

use anyhow::{Result, bail};

use crate::error::AppError;
use crate::ftp::{Command, Features, Session};
use crate::text::escape;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algo {
    Sha256,
    Sha512,
    Sha1,
    Md5,
    Crc32,
}

impl Algo {
    fn from_name(name: &str) -> Option<Algo> {
        match name.trim_end_matches('*').to_ascii_uppercase().as_str() {
            "SHA-256" => Some(Algo::Sha256),
            "SHA-512" => Some(Algo::Sha512),
            "SHA-1" => Some(Algo::Sha1),
            "MD5" => Some(Algo::Md5),
            "CRC32" => Some(Algo::Crc32),
            _ => None,
        }
    }

    fn hex_len(self) -> usize {
        match self {
            Algo::Sha256 => 64,
            Algo::Sha512 => 128,
            Algo::Sha1 => 40,
            Algo::Md5 => 32,
            Algo::Crc32 => 8,
        }
    }

    /// The lowercase hex digest of a local file, read in 256 KiB chunks.
    fn of_file(self, path: &Path) -> std::io::Result<String> {
        let mut file = std::fs::File::open(path)?;
        let mut buf = vec![0u8; 256 * 1024];
        let ring_algo = match self {
            Algo::Sha256 => Some(&ring::digest::SHA256),
            Algo::Sha512 => Some(&ring::digest::SHA512),
            Algo::Sha1 => Some(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY),
            _ => None,
        };
        let mut ring_ctx = ring_algo.map(ring::digest::Context::new);
        let mut md5 = <md5::Md5 as md5::Digest>::new();
        let mut crc = crc32fast::Hasher::new();
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            match (&mut ring_ctx, self) {
                (Some(c), _) => c.update(&buf[..n]),
                (None, Algo::Md5) => md5::Digest::update(&mut md5, &buf[..n]),
                _ => crc.update(&buf[..n]),
            }
        }
        let bytes: Vec<u8> = match (ring_ctx, self) {
            (Some(c), _) => c.finish().as_ref().to_vec(),
            (None, Algo::Md5) => md5::Digest::finalize(md5).to_vec(),
            _ => crc.finalize().to_be_bytes().to_vec(),
        };
        Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// The command that asks the server for a file's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashCommand {
    verb: &'static str,
    algo: Algo,
}

impl HashCommand {
    /// The best hash command FEAT offers, if any.
    pub fn choose(features: &Features) -> Option<HashCommand> {
        let names: Vec<String> = features.lines.iter().map(|l| l.to_ascii_uppercase()).collect();
        if let Some(line) = names.iter().find(|l| l.starts_with("HASH ")) {
            let current =
                line[5..].split(';').find(|a| a.trim().ends_with('*')).and_then(|a| Algo::from_name(a.trim()));
            if let Some(algo) = current {
                return Some(HashCommand { verb: "HASH", algo });
            }
        }
        let x = [
            ("XSHA256", Algo::Sha256),
            ("XSHA512", Algo::Sha512),
            ("XSHA1", Algo::Sha1),
            ("XMD5", Algo::Md5),
            ("XCRC", Algo::Crc32),
        ];
        x.into_iter()
            .find(|(verb, _)| names.iter().any(|l| l.split_whitespace().next() == Some(verb)))
            .map(|(verb, algo)| HashCommand { verb, algo })
    }

    /// Asks the server for `remote`'s hash and compares it with the local file's.
    pub async fn verify(&self, session: &mut Session, remote: &[u8], local: &Path) -> Result<()> {
        let reply = session.expect(&Command::path(self.verb, remote)?, &[]).await?;
        let text = String::from_utf8_lossy(&reply.message()).into_owned();
        let Some(theirs) = find_digest(&text, self.algo.hex_len()) else {
            bail!("--verify: no {:?} digest in the server's reply to {}: {reply}", self.algo, self.verb);
        };
        let ours = self.algo.of_file(local).map_err(|e| AppError::local(local, e))?;
        if theirs != ours {
            return Err(AppError::Incomplete(format!(
                "'{}': the server's {:?} is {theirs}, the local file's {ours}",
                escape(remote),
                self.algo
            ))
            .into());
        }
        Ok(())
    }
}

/// The first word of exactly `len` hex digits (lowercased): `213 SHA-256 0-1023 ab12... name`
/// for HASH, `250 ab12...` for the X commands.
fn find_digest(text: &str, len: usize) -> Option<String> {
    text.split_whitespace()
        .find(|w| w.len() == len && w.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(lines: &[&str]) -> Features {
        Features { known: true, lines: lines.iter().map(|s| s.to_string()).collect(), ..Features::default() }
    }

    #[test]
    fn the_best_offered_hash_command_is_chosen() {
        let hash = HashCommand::choose(&features(&["HASH SHA-1;SHA-256*;MD5", "XMD5"])).unwrap();
        assert_eq!((hash.verb, hash.algo), ("HASH", Algo::Sha256));
        let x = HashCommand::choose(&features(&["XCRC", "XSHA1", "XMD5"])).unwrap();
        assert_eq!((x.verb, x.algo), ("XSHA1", Algo::Sha1));
        assert_eq!(HashCommand::choose(&features(&["SIZE", "MDTM"])), None);
    }

    #[test]
    fn digests_are_found_in_replies_and_computed_locally() {
        let sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert_eq!(find_digest(&format!("SHA-256 0-4 {} test.txt", sha.to_uppercase()), 64).as_deref(), Some(sha));
        assert_eq!(find_digest("12345678", 8).as_deref(), Some("12345678"));
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("t");
        std::fs::write(&f, b"test").unwrap();
        assert_eq!(Algo::Sha256.of_file(&f).unwrap(), sha);
        assert_eq!(Algo::Md5.of_file(&f).unwrap(), "098f6bcd4621d373cade4e832627b4f6");
        assert_eq!(Algo::Crc32.of_file(&f).unwrap(), "d87f7e0c");
        assert_eq!(Algo::Sha1.of_file(&f).unwrap(), "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3");
    }
}
