//! What the user points at: `ftp://` URLs, and the credentials that go with them (URL, `-u`,
//! `FTPX_PASSWORD`, netrc, anonymous).
//!
//! URL paths follow curl: the path is relative to the login directory, and `%2F` at its start
//! makes it absolute (`ftp://host/%2Fetc/motd` is `/etc/motd`). Paths are bytes after
//! percent-decoding, so a name that is not UTF-8 can be named exactly.

use std::fmt;

use percent_encoding::percent_decode_str;
use url::{Host, Url};

use crate::netrc::Netrc;
use crate::secret::Secret;

/// The URL scheme: plain, implicit TLS, or explicit TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `ftp://`, port 21.
    Ftp,
    /// `ftps://`: TLS from the first byte, port 990.
    Ftps,
    /// `ftpes://`: AUTH TLS on the usual port 21.
    Ftpes,
}

impl Scheme {
    fn name(self) -> &'static str {
        match self {
            Scheme::Ftp => "ftp",
            Scheme::Ftps => "ftps",
            Scheme::Ftpes => "ftpes",
        }
    }

    fn default_port(self) -> u16 {
        if self == Scheme::Ftps { 990 } else { 21 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub scheme: Scheme,
    /// Host name or IP address, IPv6 without brackets.
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<Secret>,
    /// The decoded path: relative to the login directory, or absolute when it starts with `/`.
    pub path: Vec<u8>,
    /// The URL ended in `/`: it names a directory.
    pub is_dir: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    #[error("'{0}' is not a valid URL: {1}")]
    Invalid(String, String),
    #[error("unsupported scheme '{0}': use ftp://, ftps:// or ftpes://")]
    Scheme(String),
    #[error("no host in '{0}'")]
    NoHost(String),
}

impl Target {
    /// Parses `ftp://[user[:password]@]host[:port]/path`; a bare `host[:port][/path]` is taken as
    /// `ftp://`.
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        let with_scheme = if input.contains("://") { input.to_owned() } else { format!("ftp://{input}") };
        // The error names the input with its password masked.
        let shown = || Target::mask(input);
        let url = Url::parse(&with_scheme).map_err(|e| TargetError::Invalid(shown(), e.to_string()))?;
        let scheme = match url.scheme() {
            "ftp" => Scheme::Ftp,
            "ftps" => Scheme::Ftps,
            "ftpes" => Scheme::Ftpes,
            s => return Err(TargetError::Scheme(s.to_owned())),
        };
        let host = match url.host() {
            Some(Host::Domain(d)) if !d.is_empty() => d.to_owned(),
            Some(Host::Ipv4(a)) => a.to_string(),
            Some(Host::Ipv6(a)) => a.to_string(),
            _ => return Err(TargetError::NoHost(shown())),
        };
        let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
        let user = Some(decode(url.username())).filter(|u| !u.is_empty());
        let password = url.password().map(|p| Secret::new(decode(p)));
        let raw_path = url.path().strip_prefix('/').unwrap_or(url.path());
        Ok(Target {
            scheme,
            host,
            port: url.port().unwrap_or(scheme.default_port()),
            user,
            password,
            path: percent_decode_str(raw_path).collect(),
            is_dir: raw_path.is_empty() || raw_path.ends_with('/'),
        })
    }

    /// `input` with any password replaced by `****`, for messages about a URL that did not parse.
    pub fn mask(input: &str) -> String {
        let Some(scheme_end) = input.find("://").map(|i| i + 3) else { return input.to_owned() };
        let rest = &input[scheme_end..];
        let authority_end = rest.find('/').unwrap_or(rest.len());
        match rest[..authority_end].rfind('@') {
            Some(at) => match rest[..at].find(':') {
                Some(colon) => format!("{}{}:****{}", &input[..scheme_end], &rest[..colon], &rest[at..]),
                None => input.to_owned(),
            },
            None => input.to_owned(),
        }
    }

    /// The last path component: the local name for a download, the remote name for an upload.
    pub fn file_name(&self) -> Option<&[u8]> {
        if self.is_dir {
            return None;
        }
        self.path.rsplit(|&b| b == b'/').next().filter(|n| !n.is_empty())
    }

    /// `path` joined with `name` (for `put a.bin ftp://host/dir/`).
    pub fn join(&self, name: &[u8]) -> Vec<u8> {
        let mut out = self.path.clone();
        if !out.is_empty() && !out.ends_with(b"/") {
            out.push(b'/');
        }
        out.extend_from_slice(name);
        out
    }
}

/// The URL as it may be shown: the password is `****`.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.scheme.name())?;
        if let Some(user) = &self.user {
            write!(f, "{user}")?;
            if self.password.is_some() {
                f.write_str(":****")?;
            }
            f.write_str("@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]", self.host)?;
        } else {
            f.write_str(&self.host)?;
        }
        if self.port != self.scheme.default_port() {
            write!(f, ":{}", self.port)?;
        }
        let path = String::from_utf8_lossy(&self.path);
        let path = match path.strip_prefix('/') {
            Some(abs) => format!("%2F{abs}"),
            None => path.into_owned(),
        };
        write!(f, "/{path}")
    }
}

/// Who logs in, and with what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    pub password: Option<Secret>,
    pub account: Option<Secret>,
}

impl Credentials {
    /// An anonymous login with ftpx's own anonymous password (or none): nothing secret, so
    /// it may be sent without TLS (the probe's plain-FTP comparison).
    pub fn is_anonymous(&self) -> bool {
        let anonymous_user = self.user == "anonymous" || self.user == "ftp";
        let public_password = self.password.as_ref().is_none_or(|p| p.expose() == ANONYMOUS_PASSWORD);
        anonymous_user && public_password && self.account.is_none()
    }
}

/// Where a password may come from, besides the URL and `-u`.
pub struct CredentialSources<'a> {
    /// `-u USER[:PASSWORD]`
    pub user_flag: Option<&'a str>,
    /// `FTPX_PASSWORD`
    pub env_password: Option<String>,
    pub netrc: Option<&'a Netrc>,
}

/// The anonymous login's password, by the convention of RFC 1635 (an e-mail-like string).
pub const ANONYMOUS_PASSWORD: &str = "ftpx@";

/// Resolves the credentials for `target`, first that applies: the URL, `-u`, `FTPX_PASSWORD`,
/// the netrc entry for the host (only when its login is the user already named, if any), then
/// anonymous. The password may still be missing; the caller decides whether to ask.
pub fn credentials(target: &Target, sources: &CredentialSources<'_>) -> Credentials {
    let (flag_user, flag_password) = match sources.user_flag {
        Some(u) => match u.split_once(':') {
            Some((user, pw)) => (Some(user.to_owned()), Some(Secret::new(pw))),
            None => (Some(u.to_owned()), None),
        },
        None => (None, None),
    };
    let (user, mut password) = match &target.user {
        Some(u) => (Some(u.clone()), target.password.clone()),
        None => (flag_user, flag_password),
    };
    let netrc = sources.netrc.and_then(|n| n.lookup(&target.host));
    let mut account = None;
    let user = match user {
        Some(u) => u,
        None => match netrc.and_then(|e| e.login.clone()) {
            Some(login) => login,
            None if password.is_none() => {
                return Credentials {
                    user: "anonymous".into(),
                    password: Some(Secret::new(ANONYMOUS_PASSWORD)),
                    account: None,
                };
            }
            None => "anonymous".into(),
        },
    };
    if password.is_none() {
        password = sources.env_password.clone().map(Secret::new);
    }
    if let Some(entry) = netrc.filter(|e| e.login.as_deref().is_none_or(|l| l == user)) {
        if password.is_none() {
            password = entry.password.clone();
        }
        account = entry.account.clone();
    }
    if password.is_none() && (user == "anonymous" || user == "ftp") {
        password = Some(Secret::new(ANONYMOUS_PASSWORD));
    }
    Credentials { user, password, account }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Target {
        Target::parse(s).unwrap()
    }

    #[test]
    fn url_parts_are_decoded() {
        let x = t("ftp://al%40ce:p%3Ass@example.com:2121/pub/a%20b.txt");
        assert_eq!(x.host, "example.com");
        assert_eq!(x.port, 2121);
        assert_eq!(x.user.as_deref(), Some("al@ce"));
        assert_eq!(x.password.as_ref().map(Secret::expose), Some("p:ss"));
        assert_eq!(x.path, b"pub/a b.txt");
        assert!(!x.is_dir);
        assert_eq!(x.file_name(), Some(&b"a b.txt"[..]));
    }

    #[test]
    fn paths_relative_absolute_and_directories() {
        assert_eq!(t("ftp://h/%2Fetc/motd").path, b"/etc/motd");
        assert_eq!(t("ftp://h").path, b"");
        assert!(t("ftp://h").is_dir);
        assert!(t("ftp://h/upload/").is_dir);
        assert_eq!(t("ftp://h/upload/").join(b"a.bin"), b"upload/a.bin");
        assert_eq!(t("ftp://h/").join(b"a.bin"), b"a.bin");
        assert_eq!(t("ftp://h/caf%E9").path, b"caf\xe9");
        assert_eq!(t("ftp://h/a%0D%0ADELE%20x").path, b"a\r\nDELE x");
    }

    #[test]
    fn ipv6_bare_hosts_and_schemes() {
        let x = t("ftp://[::1]:2121/x");
        assert_eq!((x.host.as_str(), x.port), ("::1", 2121));
        assert_eq!(x.to_string(), "ftp://[::1]:2121/x");
        assert_eq!(t("example.com/pub").host, "example.com");
        assert_eq!(Target::parse("http://h/x"), Err(TargetError::Scheme("http".into())));
        let implicit = t("ftps://h/x");
        assert_eq!((implicit.scheme, implicit.port), (Scheme::Ftps, 990));
        assert_eq!(implicit.to_string(), "ftps://h/x");
        assert_eq!((t("ftpes://h:2121/").scheme, t("ftpes://h:2121/").port), (Scheme::Ftpes, 2121));
    }

    #[test]
    fn display_and_errors_mask_the_password() {
        assert_eq!(t("ftp://u:secret@h/a").to_string(), "ftp://u:****@h/a");
        assert!(!format!("{:?}", t("ftp://u:secret@h/a")).contains("secret"));
        assert_eq!(Target::mask("ftp://u:secret@h:bad/a"), "ftp://u:****@h:bad/a");
        let err = Target::parse("ftp://u:secret@h:99999/a").unwrap_err().to_string();
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn credentials_order() {
        let netrc = Netrc::parse(
            "machine h login bob password nb\nmachine other login eve password ne\ndefault login anonymous password x@y",
        );
        let sources = |flag, env: Option<&str>| CredentialSources {
            user_flag: flag,
            env_password: env.map(String::from),
            netrc: Some(&netrc),
        };
        let url = t("ftp://alice:pw@h/");
        assert_eq!(credentials(&url, &sources(Some("zed:z"), None)).password.unwrap().expose(), "pw");
        let plain = t("ftp://h/");
        let c = credentials(&plain, &sources(Some("zed:z"), None));
        assert_eq!((c.user.as_str(), c.password.unwrap().expose()), ("zed", "z"));
        let c = credentials(&plain, &sources(Some("zed"), Some("envpw")));
        assert_eq!(c.password.unwrap().expose(), "envpw");
        let c = credentials(&plain, &sources(None, None));
        assert_eq!((c.user.as_str(), c.password.unwrap().expose()), ("bob", "nb"));
        // The netrc entry for h belongs to bob: never used for another user.
        let c = credentials(&plain, &sources(Some("zed"), None));
        assert_eq!((c.user.as_str(), c.password), ("zed", None));
        let c =
            credentials(&t("ftp://nowhere/"), &CredentialSources { user_flag: None, env_password: None, netrc: None });
        assert_eq!((c.user.as_str(), c.password.unwrap().expose()), ("anonymous", ANONYMOUS_PASSWORD));
    }
}
