//! `ftpx demo`: ftpx doing its main job with nothing else installed and no network. It serves a
//! small generated tree on loopback with `ftpx serve`'s code, runs the probe against it as
//! `ftpx probe` does, downloads and uploads a file with the transcript on, asks the server what
//! it saw (`SITE FTPX-ECHO`), and says where everything came from.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, Result};

use super::tls::Identity;
use super::{Limits, Options, Server};
use crate::ftp::echo::{self, Echo};
use crate::ftp::{DataMode, ModePolicy};
use crate::ops;
use crate::options::Options as ClientOptions;
use crate::progress::ProgressMode;
use crate::report;
use crate::secret::Secret;
use crate::target::{ANONYMOUS_PASSWORD, Credentials, Target};
use crate::transfer::{self, Sink};

const README: &str = "\
This file was made by `ftpx demo` a moment ago and served by ftpx's own FTP server
(`ftpx serve`) on 127.0.0.1. Nothing here left this machine.
";

/// Runs the demo; 0 when every step worked.
pub async fn run(ctx: &ClientOptions) -> Result<u8> {
    let dir = tempfile::Builder::new().prefix("ftpx-demo.").tempdir().context("cannot make a temporary directory")?;
    let root = dir.path().join("served");
    let local = dir.path().join("local");
    make_tree(&root, &local)?;
    let options = Options {
        root: root.clone(),
        listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        implicit_listen: None,
        write: true,
        login: None,
        pasv_ports: None,
        public_address: None,
        identity: Identity::generate(&["localhost".into(), "127.0.0.1".into()])?,
        limits: Limits::default(),
        log: None,
    };
    let server = Server::start(options).await.context("cannot start the demo server")?;
    let addr = server.local_addr();
    let url = format!("ftp://{addr}/");
    let mut out = std::io::stdout();

    section(&mut out, "1. A server to talk to")?;
    writeln!(out, "ftpx started its own FTP server (the code of `ftpx serve`) on {addr}, loopback only,")?;
    writeln!(out, "serving a tree it generated in {}:", root.display())?;
    writeln!(out, "  pub/readme.txt, pub/data.bin (1 MiB), incoming/ (uploads go here)")?;
    writeln!(out, "Anonymous login; uploads allowed in this demo only (ftpx serve is read-only by default).")?;

    section(&mut out, &format!("2. The probe: ftpx probe {url}"))?;
    writeln!(out, "Each of the four data-connection modes lists pub/ on its own control connection, at once:\n")?;
    out.flush()?;
    let target = Target::parse(&url)?;
    let creds =
        Credentials { user: "anonymous".into(), password: Some(Secret::new(ANONYMOUS_PASSWORD)), account: None };
    let probed = ops::probe::probe(ctx, &target, &creds, Some(b"/pub".to_vec()), Duration::from_secs(5)).await?;
    let probe = report::probe(&probed, false, &ctx.output)?;

    section(&mut out, &format!("3. A download, transcript explained (ftpx --explain get {url}pub/readme.txt)"))?;
    writeln!(out, "---> lines are what ftpx sent, <--- what the server replied, *** what happened on the network;")?;
    writeln!(out, "    ^ lines under them say what an address, a port or a reply means:\n")?;
    out.flush()?;
    ctx.transcript.set_debug(true);
    ctx.transcript.set_explain(true);
    let steps = transfers(ctx, &target, &creds, &root, &local).await;
    ctx.transcript.set_explain(false);
    ctx.transcript.set_debug(false);
    std::io::stderr().flush()?;
    let echo = steps?;

    section(&mut out, "4. What the server saw (SITE FTPX-ECHO)")?;
    writeln!(out, "ftpx serve answers SITE FTPX-ECHO with the addresses it saw; ftpx probe can compare them")?;
    writeln!(out, "with what it sent, to tell NAT and rewritten PORT commands apart from firewalls:")?;
    writeln!(out, "  your control connection came from {}", echo.control_peer)?;
    for p in &echo.passive {
        writeln!(out, "  a passive data connection ({}) came from {}", p.mode, p.from)?;
    }
    if let Some(a) = &echo.active {
        let arg = String::from_utf8_lossy(&a.argument);
        let result = if a.connect == echo::Connect::Ok { "and connected back" } else { "and could not connect back" };
        writeln!(out, "  your {} arrived as '{} {arg}', {result}", a.command, a.command)?;
    }

    section(&mut out, "Where everything came from, and what next")?;
    writeln!(out, "- The server was this ftpx process, on {addr}; it stops now and its files are removed.")?;
    writeln!(out, "- Serve a directory of your own:   ftpx serve DIR        (add --write to allow uploads)")?;
    writeln!(out, "- Point ftpx at a real server:     ftpx ls ftp://HOST/path/")?;
    writeln!(out, "                                   ftpx get ftp://USER@HOST/path/file")?;
    writeln!(
        out,
        "                                   ftpx probe HOST       (which data-connection mode gets through)"
    )?;
    writeln!(out, "- FTPS: ftpx --tls ... (AUTH TLS), or ftps://HOST/ for implicit TLS; ftpx --help for the rest.")?;
    out.flush()?;
    drop(server);
    // The probe's exit status: 0 when a mode works, which on loopback they all do.
    Ok(probe)
}

/// `pub/readme.txt`, `pub/data.bin` and `incoming/` to serve, and a local file to upload.
fn make_tree(root: &Path, local: &Path) -> Result<()> {
    std::fs::create_dir_all(root.join("pub"))?;
    std::fs::create_dir_all(root.join("incoming"))?;
    std::fs::create_dir_all(local)?;
    std::fs::write(root.join("pub/readme.txt"), README)?;
    // Deterministic bytes that do not compress: an LCG's high bytes.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let data: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (x >> 56) as u8
        })
        .collect();
    std::fs::write(root.join("pub/data.bin"), data)?;
    std::fs::write(local.join("hello.txt"), "Uploaded by ftpx demo.\n")?;
    Ok(())
}

/// The download and the upload on one session, each checked byte for byte, then the echo.
async fn transfers(
    ctx: &ClientOptions,
    target: &Target,
    creds: &Credentials,
    root: &Path,
    local: &Path,
) -> Result<Echo> {
    let mut session = ctx.login(target, creds, ctx.session_config(target)?, "", ctx.transcript.clone()).await?;
    // As under -d: the transcript, no progress bar.
    let progress = ProgressMode::new(false, true);
    let got = local.join("readme.txt");
    transfer::download(&mut session, b"/pub/readme.txt", &Sink::File(got.clone()), false, false, progress).await?;
    let got_same = std::fs::read(&got)? == std::fs::read(root.join("pub/readme.txt"))?;
    eprintln!();
    let verdict = if got_same { "the same bytes as served" } else { "DIFFERENT" };
    println!("Downloaded to {} ({verdict}).", got.display());
    let title =
        format!("3b. An upload in active mode (ftpx --explain --mode port put hello.txt {}incoming/)", url_of(target));
    section(&mut std::io::stdout(), &title)?;
    println!(
        "In active mode ftpx listens and names its address in PORT (as six numbers: four for the address, two for the port); the server connects to it:\n"
    );
    std::io::stdout().flush()?;
    session.set_modes(ModePolicy::Only(DataMode::Port), true);
    let hello = local.join("hello.txt");
    transfer::upload(&mut session, &hello, b"/incoming/hello.txt", false, false, progress).await?;
    let same = std::fs::read(&hello)? == std::fs::read(root.join("incoming/hello.txt"))?;
    eprintln!();
    println!(
        "Uploaded to {} on the server ({}).",
        root.join("incoming/hello.txt").display(),
        if same { "the same bytes as sent" } else { "DIFFERENT" }
    );
    let echo = echo::query(&mut session).await?;
    session.quit().await;
    if !(same && got_same) {
        anyhow::bail!("the demo's transfers did not arrive intact");
    }
    echo.context("the server did not answer SITE FTPX-ECHO")
}

fn url_of(target: &Target) -> String {
    format!("ftp://{}:{}/", target.host, target.port)
}

fn section(out: &mut impl Write, title: &str) -> std::io::Result<()> {
    writeln!(out, "\n== {title}")
}
