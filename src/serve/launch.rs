//! `ftpx serve`: its arguments resolved into [`Options`], what it prints at start, and its log
//! on stderr. The server itself ([`Server`]) sees no clap type and prints nothing.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};

use super::tls::Identity;
use super::{Limits, Log, Login, Options, Server};
use crate::error::AppError;
use crate::secret::Secret;

/// The environment variable `--login` reads its password from.
pub const PASSWORD_ENV: &str = "FTPX_SERVE_PASSWORD";

/// The `serve` subcommand's arguments, as given (the CLI's `ServeArgs`, without clap).
#[derive(Debug, Default)]
pub struct Request {
    pub dir: Option<PathBuf>,
    pub listen: Option<String>,
    pub implicit_listen: Option<String>,
    pub write: bool,
    pub login: Option<String>,
    pub pasv_ports: Option<String>,
    pub public_address: Option<String>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

/// `ftpx serve`: starts the server and runs until interrupted.
pub async fn run(args: Request) -> Result<u8> {
    let (options, password_generated) = resolve(args)?;
    let root = options.root.clone();
    let write = options.write;
    let login = options.login.clone();
    let fingerprint = options.identity.fingerprint();
    let generated = options.identity.generated;
    let server = Server::start(options).await.context("cannot start the server")?;
    let addr = server.local_addr();
    let implicit = server.implicit_addr();
    let mut out = std::io::stdout().lock();
    let access = if write { "read-write" } else { "read-only" };
    writeln!(out, "ftpx serve: serving {} ({access})", root.display())?;
    writeln!(out, "  listening on {addr}: FTP and explicit FTPS (AUTH TLS)")?;
    if let Some(implicit) = implicit {
        writeln!(out, "  implicit FTPS (ftps://, TLS from the first byte) on {implicit}")?;
    }
    match &login {
        None => writeln!(out, "  login: anonymous (user anonymous or ftp, any password)")?,
        Some(l) if password_generated => {
            writeln!(out, "  login: {} with password {} (generated: shown only now)", l.name, l.password.expose())?
        }
        Some(l) => writeln!(out, "  login: {} with the password in {PASSWORD_ENV}", l.name)?,
    }
    let how = if generated { "self-signed, made now" } else { "from --cert" };
    writeln!(out, "  TLS certificate ({how}): SHA-256 {fingerprint}")?;
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
        IpAddr::V6(v6) => format!("[{v6}]"),
        ip => ip.to_string(),
    };
    let user = login.as_ref().map(|l| format!(" -u {}", l.name)).unwrap_or_default();
    writeln!(out, "  try:  ftpx{user} ls ftp://{host}:{}/", addr.port())?;
    writeln!(out, "        ftpx{user} probe ftp://{host}:{}/", addr.port())?;
    if generated {
        writeln!(
            out,
            "        ftpx{user} --tls --insecure ls ftp://{host}:{}/   (the certificate is self-signed)",
            addr.port()
        )?;
    }
    writeln!(out, "  Ctrl-C stops the server.")?;
    out.flush()?;
    drop(out);
    tokio::select! {
        () = server.wait() => Ok(crate::error::exit::OK),
        () = crate::interrupt::fired() => {
            eprintln!("ftpx serve: stopped");
            Ok(crate::interrupt::exit_status())
        }
    }
}

/// The arguments as server options; also whether the password was generated (and so must be
/// shown).
fn resolve(args: Request) -> Result<(Options, bool)> {
    let root = match args.dir {
        Some(d) => d,
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    if !root.is_dir() {
        return Err(AppError::Usage(format!("{} is not a directory", root.display())).into());
    }
    let listen = match args.listen.as_deref() {
        None => SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        Some(s) => parse_listen("--listen", s)?,
    };
    // Implicit FTPS always has a listener, by default beside the plain one on a free port: a
    // shared port would have to wait on every connection to see whether the client speaks TLS
    // first, and a plain client, which waits for the greeting, would pay that wait each time.
    let implicit_listen = match args.implicit_listen.as_deref() {
        None => SocketAddr::new(listen.ip(), 0),
        Some(s) => parse_listen("--implicit-listen", s)?,
    };
    // Each address other machines can reach, once (the default implicit listener shares
    // --listen's).
    let mut exposed: Vec<String> = Vec::new();
    if !listen.ip().is_loopback() {
        exposed.push(listen.to_string());
    }
    if !implicit_listen.ip().is_loopback() && implicit_listen.ip() != listen.ip() {
        exposed.push(implicit_listen.to_string());
    }
    if !exposed.is_empty() {
        let mut warning = format!(
            "ftpx: warning: listening on {}, which other machines can reach: whoever connects can read {}",
            exposed.join(" and "),
            root.display()
        );
        if args.write {
            warning.push_str(" and change it (--write)");
        }
        if args.write && args.login.is_none() {
            warning.push_str(", without a password (anonymous)");
        }
        eprintln!("{warning}");
    }
    let mut generated = false;
    let login = match args.login {
        None => None,
        Some(name) => {
            if name.is_empty() || name.chars().any(char::is_control) {
                return Err(AppError::Usage("--login needs a user name without control characters".into()).into());
            }
            let password = match std::env::var(PASSWORD_ENV) {
                Ok(p) if !p.is_empty() => Secret::new(p),
                _ => {
                    generated = true;
                    Secret::new(generate_password()?)
                }
            };
            Some(Login { name, password })
        }
    };
    let pasv_ports = args.pasv_ports.as_deref().map(parse_ports).transpose()?;
    let public_address = match args.public_address.as_deref() {
        None => None,
        Some(a) => Some(
            a.parse::<IpAddr>()
                .map_err(|_| AppError::Usage(format!("--public-address: '{a}' is not an IP address")))?,
        ),
    };
    let identity = match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => {
            Identity::load(cert, key).map_err(|e| AppError::Usage(format!("--cert/--key: {e}")))?
        }
        _ => {
            let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
            for ip in [Some(listen.ip()), Some(implicit_listen.ip()), public_address].into_iter().flatten() {
                if !ip.is_unspecified() && !names.contains(&ip.to_string()) {
                    names.push(ip.to_string());
                }
            }
            Identity::generate(&names).context("cannot make a TLS certificate")?
        }
    };
    let log: Log = Arc::new(|line: &str| {
        let now = time::OffsetDateTime::now_utc();
        eprintln!("{:02}:{:02}:{:02} {line}", now.hour(), now.minute(), now.second());
    });
    let options = Options {
        root: absolute(&root),
        listen,
        implicit_listen: Some(implicit_listen),
        write: args.write,
        login,
        pasv_ports,
        public_address,
        identity,
        limits: Limits::default(),
        log: Some(log),
    };
    Ok((options, generated))
}

fn absolute(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// `ADDR:PORT`, `[v6]:PORT`, or an address alone (a free port); `flag` names the option in
/// the error.
fn parse_listen(flag: &str, s: &str) -> Result<SocketAddr, AppError> {
    if let Ok(addr) = s.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Ok(ip) = s.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 0));
    }
    Err(AppError::Usage(format!("{flag}: '{s}' is not ADDR:PORT (e.g. 127.0.0.1:2121 or [::1]:2121)")))
}

/// `A-B`, both ports 1-65535, A <= B.
fn parse_ports(s: &str) -> Result<RangeInclusive<u16>, AppError> {
    let bad = || AppError::Usage(format!("--pasv-ports: '{s}' is not a range like 50000-50100"));
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let (a, b): (u16, u16) = (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
    if a == 0 || a > b {
        return Err(bad());
    }
    Ok(a..=b)
}

/// 16 random letters and digits (about 95 bits).
pub fn generate_password() -> Result<String> {
    use ring::rand::SecureRandom;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new().fill(&mut bytes).map_err(|_| anyhow::anyhow!("no random numbers"))?;
    Ok(bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_and_port_ranges() {
        assert_eq!(parse_listen("--listen", "127.0.0.1:2121").unwrap(), "127.0.0.1:2121".parse().unwrap());
        assert_eq!(parse_listen("--listen", "[::1]:21").unwrap(), "[::1]:21".parse().unwrap());
        assert_eq!(parse_listen("--listen", "0.0.0.0").unwrap(), "0.0.0.0:0".parse().unwrap());
        let err = parse_listen("--implicit-listen", "localhost:990").unwrap_err().to_string();
        assert!(err.starts_with("--implicit-listen: 'localhost:990'"), "{err}");
        assert_eq!(parse_ports("50000-50010").unwrap(), 50000..=50010);
        for bad in ["0-10", "10-5", "a-b", "5", "1-70000"] {
            assert!(parse_ports(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn generated_passwords_differ() {
        let (a, b) = (generate_password().unwrap(), generate_password().unwrap());
        assert_eq!(a.len(), 16);
        assert_ne!(a, b);
    }
}
