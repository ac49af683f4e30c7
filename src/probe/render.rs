//! The probe's two outputs: a terminal report for a person, and one JSON object for scripts.
//!
//! Both are built as values (a `String`, a `serde_json::Value`) so tests read them whole; the
//! caller prints. Colors are applied only when asked (stdout is a terminal and NO_COLOR is unset).

use std::fmt::Write as _;

use colored::{ColoredString, Colorize};
use serde_json::{Value, json};

use super::diagnose::{Diagnosis, Severity};
use super::model::{Attempt, Observations};
use crate::ftp::echo::Connect;
use crate::ftp::{DataMode, Reply};
use crate::text::escape;

/// The JSON object described in the issue: `host`, `port`, `server_address`, `local_address`,
/// `modes` (four, each with `tls_resumed`, and `plain_ok` for the active ones), `passive_ports`,
/// `findings`, `recommended_mode`, and a few more.
pub fn json(obs: &Observations, diag: &Diagnosis) -> Value {
    let modes: Vec<Value> = obs.attempts.iter().map(mode_json).collect();
    let findings: Vec<Value> = diag
        .findings
        .iter()
        .map(|f| {
            json!({
                "code": f.code,
                "severity": f.severity.name(),
                "message": f.message,
                "client_action": f.client_action,
                "server_action": f.server_action,
            })
        })
        .collect();
    json!({
        "host": obs.host,
        "port": obs.port,
        "tls": obs.tls,
        "server_address": obs.server_address().map(|a| a.to_string()),
        "local_address": obs.local_address().map(|a| a.to_string()),
        "client_public_address": diag.client_public_address.map(|a| a.to_string()),
        "behind_nat": diag.behind_nat,
        "server_echo": obs.echo().is_some(),
        "server_software": diag.server_software,
        "syst": obs.syst.as_ref().map(Reply::to_string),
        "greeting": obs.greeting.as_ref().map(Reply::to_string),
        "timeout_ms": obs.deadline.as_millis() as u64,
        "elapsed_ms": obs.elapsed.as_millis() as u64,
        "modes": modes,
        "passive_ports": obs.passive_ports().map(|(min, max, samples)| json!({"min": min, "max": max, "samples": samples})),
        "findings": findings,
        "recommended_mode": diag.recommended.map(DataMode::name),
        "ftpx_flags": diag.recommended.map(|m| mode_flags(m).ftpx),
        "ftpx_command": diag.recommended.map(|m| obs.ftpx("ls", mode_flags(m).ftpx)),
        "verdict": diag.verdict,
    })
}

fn mode_json(a: &Attempt) -> Value {
    let mut v = json!({
        "mode": a.mode.name(),
        // Not measured is neither a success nor a failure of the mode.
        "ok": a.measured().then_some(a.ok()),
        "measured": a.measured(),
        "retried": a.retried,
        "stage": a.stage().map(|s| s.name()),
        "refusal": a.refusal().map(|(r, _)| r.name()),
        "mode_reply_ms": a.mode_reply_after.map(|d| d.as_millis() as u64),
        "connected_ms": a.connected_after.map(|d| d.as_millis() as u64),
        "reply": a.reply.as_ref().map(Reply::to_string),
        "error": a.failure.as_ref().map(|f| f.detail.clone()),
        "elapsed_ms": a.elapsed.as_millis() as u64,
        "data_address": a.data_address.map(|s| s.to_string()),
        "transfer_reply": a.transfer_reply.as_ref().map(Reply::to_string),
        "bytes": a.bytes,
        "tls_resumed": a.tls_resumed,
        "echo": echo_json(a),
    });
    let map = v.as_object_mut().expect("an object");
    if a.mode.is_passive() {
        map.insert("advertised".into(), json!(a.advertised.map(|s| s.to_string())));
        map.insert("ports".into(), json!(a.ports));
    } else {
        map.insert("announced".into(), json!(a.announced.map(|s| s.to_string())));
        let strays: Vec<String> = a.strays.iter().map(|s| s.to_string()).collect();
        map.insert("refused_connections".into(), json!(strays));
        map.insert("plain_ok".into(), json!(a.plain_ok()));
        map.insert("plain_echo".into(), a.plain.as_deref().map_or(Value::Null, echo_json));
    }
    if a.mode == DataMode::Pasv {
        // Whether a data connection to the advertised address worked: the same as `ok` when it
        // is the peer's; null only when no 227 came.
        let same =
            a.advertised.zip(a.peer).is_some_and(|(adv, peer)| adv.ip().to_canonical() == peer.ip().to_canonical());
        let advertised_ok = match (&a.advertised, &a.advertised_check) {
            (None, _) => Value::Null,
            (Some(_), _) if same => json!(a.ok()),
            (Some(_), Some(c)) => json!(c.ok()),
            (Some(_), None) => json!(false),
        };
        map.insert("advertised_ok".into(), advertised_ok);
        let check = a.advertised_check.as_ref().map(|c| {
            json!({
                "address": c.address.to_string(),
                "ok": c.ok(),
                "stage": c.failure.as_ref().map(|f| f.stage.name()),
                "error": c.failure.as_ref().map(|f| f.detail.clone()),
                "elapsed_ms": c.elapsed.as_millis() as u64,
            })
        });
        map.insert("advertised_check".into(), json!(check));
    }
    v
}

/// What the server saw of the attempt's session (`SITE FTPX-ECHO`); null when it does not say.
fn echo_json(a: &Attempt) -> Value {
    let Some(e) = &a.echo else { return Value::Null };
    let passive: Vec<String> = e.passive.iter().map(|p| p.from.to_string()).collect();
    let mut v = json!({ "control_peer": e.control_peer.to_string(), "passive_from": passive });
    if let Some(active) = &e.active {
        let map = v.as_object_mut().expect("an object");
        map.insert("sent".into(), json!(a.sent_argument().map(|s| escape(&s))));
        map.insert("received".into(), json!(escape(&active.argument)));
        map.insert("received_target".into(), json!(active.target.map(|t| t.to_string())));
        map.insert("rewritten".into(), json!(a.rewritten().is_some()));
        let connect = match &active.connect {
            Connect::NotTried => "not-tried",
            Connect::Ok => "ok",
            Connect::Failed(_) => "failed",
            Connect::Refused(_) => "refused",
        };
        map.insert("connect".into(), json!(connect));
    }
    v
}

/// How to select a mode in ftpx, curl and lftp.
pub struct ModeFlags {
    pub ftpx: &'static str,
    pub curl: &'static str,
    pub lftp: &'static str,
}

pub fn mode_flags(mode: DataMode) -> ModeFlags {
    match mode {
        DataMode::Epsv => ModeFlags { ftpx: "--mode epsv", curl: "curl (its default)", lftp: "lftp (its default)" },
        DataMode::Pasv => {
            ModeFlags { ftpx: "--mode pasv", curl: "curl --disable-epsv", lftp: "lftp -e 'set ftp:prefer-epsv no'" }
        }
        DataMode::Eprt => {
            ModeFlags { ftpx: "--mode eprt", curl: "curl --ftp-port -", lftp: "lftp -e 'set ftp:passive-mode off'" }
        }
        DataMode::Port => ModeFlags {
            ftpx: "--mode port",
            curl: "curl --ftp-port - --disable-eprt",
            lftp: "lftp -e 'set ftp:passive-mode off'",
        },
    }
}

/// Text styles, applied only when `color` is set.
struct Paint {
    color: bool,
}

impl Paint {
    fn apply(&self, text: &str, style: fn(&str) -> ColoredString) -> String {
        if self.color { style(text).to_string() } else { text.to_owned() }
    }
}

/// The terminal report: a header, one row per mode, the passive ports seen, the findings, and the
/// verdict with the flags that select the mode. `width` is the terminal's width for wrapping.
pub fn terminal(obs: &Observations, diag: &Diagnosis, color: bool, width: usize) -> String {
    let p = Paint { color };
    let width = width.clamp(60, 160);
    let mut out = String::new();
    let port = if obs.port == 21 { String::new() } else { format!(":{}", obs.port) };
    let _ = writeln!(out, "{} {}{port}", p.apply("ftpx probe", |s| s.bold()), obs.host);
    let mut about = Vec::new();
    if let Some(s) = obs.server_address() {
        let software = diag.server_software.map(|s| format!(", {s}")).unwrap_or_default();
        about.push(format!("server {s}{software}"));
    }
    if let Some(l) = obs.local_address() {
        about.push(format!("this machine {l}"));
    }
    if obs.tls {
        about.push("over TLS".to_owned());
    }
    about.push(format!("{}s per attempt", obs.deadline.as_secs_f64()));
    let _ = writeln!(out, "  {}", about.join(", "));
    if let Some(e) = obs.echo() {
        let nat = match diag.behind_nat {
            Some(true) => ": behind NAT",
            Some(false) => ": no NAT",
            None => "",
        };
        let _ = writeln!(out, "  the server sees this machine at {}{nat} (SITE FTPX-ECHO)", e.control_peer);
    }
    out.push('\n');

    let header = format!("{:<4}  {:<6}  {:<15}  {:>8}  DETAIL", "MODE", "RESULT", "STAGE", "TIME");
    let _ = writeln!(out, "  {}", p.apply(&header, |s| s.dimmed()));
    for a in &obs.attempts {
        let (result, stage) = match &a.failure {
            None => (p.apply("ok    ", |s| s.green().bold()), "-".to_owned()),
            Some(f) if !a.measured() => (p.apply("n/a   ", |s| s.yellow()), f.stage.name().to_owned()),
            Some(f) => (p.apply("FAILED", |s| s.red().bold()), f.stage.name().to_owned()),
        };
        let stage_cell = format!("{stage:<15}");
        let stage_cell = if a.ok() { stage_cell } else { p.apply(&stage_cell, |s| s.yellow()) };
        let ms = format!("{:>5} ms", a.elapsed.as_millis());
        let lead = format!("  {:<4}  {result}  {stage_cell}  {ms}  ", a.mode.name());
        // The detail wraps under its own column.
        let indent = 2 + 4 + 2 + 6 + 2 + 15 + 2 + 8 + 2;
        out.push_str(&lead);
        out.push_str(&wrap(&row_detail(a), indent, indent, width));
        out.push('\n');
        if let Some(c) = &a.advertised_check {
            let result = match &c.failure {
                None => p.apply("worked", |s| s.green()),
                Some(f) => format!("{} ({})", p.apply("failed", |s| s.red()), f.detail),
            };
            // Only the probe connects there, as a diagnostic: transfers use the server's address
            // unless told --pasv-address trust.
            let line = format!("diagnostic only: PASV to the advertised address {}: {result}", c.address);
            out.push_str(&" ".repeat(indent));
            out.push_str(&wrap(&line, indent, indent, width));
            out.push('\n');
        }
        for (b, how) in std::iter::once((a, "")).chain(a.plain.as_deref().map(|p| (p, " in plain FTP"))) {
            let Some(active) = b.echo.as_ref().and_then(|e| e.active.as_ref()) else { continue };
            let verdict = if b.rewritten().is_some() { "rewritten on the way" } else { "as sent" };
            let line = format!("server received{how}: {} {} ({verdict})", active.command, escape(&active.argument));
            out.push_str(&" ".repeat(indent));
            out.push_str(&wrap(&line, indent, indent, width));
            out.push('\n');
        }
        if let Some(plain) = &a.plain {
            let result = match (a.plain_ok(), &plain.failure) {
                (Some(true), _) => p.apply("worked", |s| s.green()),
                (Some(false), f) => {
                    let detail = f.as_ref().map(|f| f.detail.as_str()).unwrap_or_default();
                    format!("{} ({detail})", p.apply("failed", |s| s.red()))
                }
                (None, f) => {
                    let detail = f.as_ref().map(|f| f.detail.as_str()).unwrap_or_default();
                    format!("not run ({detail})")
                }
            };
            let line = format!("for comparison: {} in plain FTP (no TLS): {result}", a.mode);
            out.push_str(&" ".repeat(indent));
            out.push_str(&wrap(&line, indent, indent, width));
            out.push('\n');
        }
    }
    if let Some((lo, hi, n)) = obs.passive_ports() {
        let _ = writeln!(out, "\n  Passive ports seen: {lo}-{hi} ({n} replies)");
    }

    if !diag.findings.is_empty() {
        let _ = writeln!(out, "\n{}", p.apply("Findings", |s| s.bold()));
        for f in &diag.findings {
            let label = match f.severity {
                Severity::Error => p.apply("error", |s| s.red().bold()),
                Severity::Warning => p.apply("warning", |s| s.yellow().bold()),
                Severity::Info => p.apply("info", |s| s.cyan()),
            };
            let _ = writeln!(out, "  {label} {}", p.apply(f.code, |s| s.bold()));
            let _ = writeln!(out, "    {}", wrap(&f.message, 4, 4, width));
            if let Some(c) = &f.client_action {
                let _ = writeln!(out, "    {}", wrap(&format!("What you can do: {c}"), 4, 6, width));
            }
            if let Some(s) = &f.server_action {
                let _ = writeln!(out, "    {}", wrap(&format!("Server admin: {s}"), 4, 6, width));
            }
        }
    }

    let _ = writeln!(out, "\n{} {}", p.apply("Verdict:", |s| s.bold()), wrap(&diag.verdict, 9, 2, width));
    if let Some(m) = diag.recommended {
        let f = mode_flags(m);
        let line = if m == DataMode::Epsv && obs.epsv_in_feat == Some(false) {
            // ftpx's default mode and lftp leave out EPSV when FEAT does not list it.
            format!(
                "How: {}. This server's FEAT does not list EPSV, so ftpx's default mode and lftp use PASV; \
                 curl uses EPSV by default.",
                obs.ftpx("ls", f.ftpx)
            )
        } else if m == DataMode::Epsv {
            format!("How: ftpx, curl and lftp use EPSV by default ({} insists on it).", obs.ftpx("ls", f.ftpx))
        } else {
            format!("How: {}; {}; {}", obs.ftpx("ls", f.ftpx), f.curl, f.lftp)
        };
        let _ = writeln!(out, "  {}", wrap(&line, 2, 2, width));
    }
    out
}

/// The detail cell of a mode's row, with whether its data connection's TLS session resumed.
fn row_detail(a: &Attempt) -> String {
    let detail = transfer_detail(a);
    match a.tls_resumed {
        Some(true) => format!("{detail}; TLS, session resumed"),
        Some(false) => format!("{detail}; TLS, new session"),
        None => detail,
    }
}

/// What a mode's transfer did, or why it failed.
fn transfer_detail(a: &Attempt) -> String {
    if let Some(f) = &a.failure {
        return f.detail.clone();
    }
    let listed = format!("listed {} bytes", a.bytes);
    let Some(data) = a.data_address else { return listed };
    if a.mode.is_passive() {
        let said = match a.advertised {
            Some(adv) if a.mode == DataMode::Pasv && adv.ip().to_canonical() != data.ip().to_canonical() => {
                format!(" (the reply said {adv})")
            }
            _ => String::new(),
        };
        format!("{listed} over {data}{said}")
    } else {
        let to = a.announced.map(|s| format!(" to {s}")).unwrap_or_default();
        format!("{listed}; the server connected from {data}{to}")
    }
}

/// Wraps `text` at `width`: its first line starts at column `start`, the others at `indent`.
fn wrap(text: &str, start: usize, indent: usize, width: usize) -> String {
    let mut out = String::new();
    let mut col = start;
    let mut first = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let len = visible_len(word);
        if !first && col + 1 + len > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
        } else if !first {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += len;
        first = false;
    }
    out
}

/// Characters shown, without ANSI color sequences.
fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::diagnose::diagnose;
    use crate::probe::model::{Check, Failure};
    use std::net::SocketAddr;
    use std::time::Duration;

    fn reply(line: &str) -> Reply {
        Reply { code: line[..3].parse().unwrap(), lines: vec![line.as_bytes().to_vec()] }
    }

    fn sample() -> Observations {
        let local: SocketAddr = "192.0.2.10:50000".parse().unwrap();
        let server: SocketAddr = "198.51.100.2:21".parse().unwrap();
        let mut attempts = Vec::new();
        for mode in DataMode::ALL {
            let mut a = Attempt::new(mode);
            a.local = Some(local);
            a.peer = Some(server);
            a.elapsed = Duration::from_millis(7);
            match mode {
                DataMode::Epsv => {
                    a.reply = Some(reply("229 Entering Extended Passive Mode (|||40001|)"));
                    a.advertised = Some("198.51.100.2:40001".parse().unwrap());
                    a.data_address = a.advertised;
                    a.ports = vec![40001, 40004];
                    a.bytes = 63;
                    a.transfer_reply = Some(reply("226 Directory send OK."));
                }
                DataMode::Pasv => {
                    a.reply = Some(reply("227 Entering Passive Mode (10,0,2,10,156,66)."));
                    a.advertised = Some("10.0.2.10:40002".parse().unwrap());
                    a.data_address = Some("198.51.100.2:40002".parse().unwrap());
                    a.ports = vec![40002, 40016];
                    a.bytes = 63;
                    a.advertised_check = Some(Check {
                        address: "10.0.2.10:40003".parse().unwrap(),
                        failure: Some(Failure::new(crate::ftp::Stage::Unreachable, "network is unreachable")),
                        elapsed: Duration::from_millis(1),
                    });
                }
                _ => {
                    a.reply = Some(reply(&format!("200 {mode} command successful. Consider using PASV.")));
                    a.announced = Some("192.0.2.10:45000".parse().unwrap());
                    a.failure = Some(Failure::new(
                        crate::ftp::Stage::NoConnectBack,
                        "the server did not connect back to 192.0.2.10:45000 within 5s",
                    ));
                    a.elapsed = Duration::from_millis(5001);
                }
            }
            attempts.push(a);
        }
        Observations {
            host: "ftp.example.test".into(),
            port: 21,
            deadline: Duration::from_secs(5),
            elapsed: Duration::from_millis(5003),
            greeting: Some(reply("220 (vsFTPd 3.0.3)")),
            tls: false,
            epsv_in_feat: Some(true),
            syst: None,
            features: Vec::new(),
            again: crate::probe::Again { url: "ftp://ftp.example.test/".into(), flags: Vec::new() },
            attempts,
        }
    }

    #[test]
    fn json_has_the_documented_shape() {
        let obs = sample();
        let v = json(&obs, &diagnose(&obs));
        assert_eq!(v["host"], "ftp.example.test");
        assert_eq!(v["port"], 21);
        assert_eq!(v["server_address"], "198.51.100.2:21");
        assert_eq!(v["local_address"], "192.0.2.10:50000");
        let modes = v["modes"].as_array().unwrap();
        assert_eq!(modes.len(), 4);
        let names: Vec<&str> = modes.iter().map(|m| m["mode"].as_str().unwrap()).collect();
        assert_eq!(names, ["EPSV", "PASV", "EPRT", "PORT"]);
        for m in modes {
            for key in ["ok", "stage", "reply", "error", "elapsed_ms"] {
                assert!(m.get(key).is_some(), "{key} missing in {m}");
            }
        }
        assert_eq!(modes[0]["ok"], true);
        assert_eq!(modes[0]["stage"], Value::Null);
        assert_eq!(modes[1]["advertised"], "10.0.2.10:40002");
        assert_eq!(modes[1]["advertised_ok"], false);
        assert_eq!(modes[1]["advertised_check"]["stage"], "unreachable");
        assert_eq!(modes[2]["ok"], false);
        assert_eq!(modes[2]["stage"], "no-connect-back");
        assert_eq!(modes[2]["reply"], "200 EPRT command successful. Consider using PASV.");
        assert_eq!(v["passive_ports"], json!({"min": 40001, "max": 40016, "samples": 4}));
        assert_eq!(v["recommended_mode"], "EPSV");
        assert_eq!(v["server_software"], "vsftpd");
        let codes: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["pasv-private-address", "active-blocked"]);
        assert_eq!(v["findings"][0]["severity"], "warning");
    }

    #[test]
    fn advertised_ok_follows_ok_when_the_address_is_the_peers() {
        let mut obs = sample();
        let pasv = &mut obs.attempts[1];
        pasv.advertised = Some("198.51.100.2:40002".parse().unwrap());
        pasv.advertised_check = None;
        let v = json(&obs, &diagnose(&obs));
        assert_eq!(v["modes"][1]["advertised_ok"], true);
        obs.attempts[1].advertised = None;
        let v = json(&obs, &diagnose(&obs));
        assert_eq!(v["modes"][1]["advertised_ok"], Value::Null);
    }

    #[test]
    fn terminal_report_reads_top_to_bottom() {
        let obs = sample();
        let text = terminal(&obs, &diagnose(&obs), false, 160);
        assert!(text.starts_with("ftpx probe ftp.example.test\n  server 198.51.100.2:21, vsftpd, this machine 192.0.2.10:50000, 5s per attempt\n"), "{text}");
        assert!(
            text.contains("  EPSV  ok      -                    7 ms  listed 63 bytes over 198.51.100.2:40001\n"),
            "{text}"
        );
        assert!(text.contains("listed 63 bytes over 198.51.100.2:40002 (the reply said 10.0.2.10:40002)"), "{text}");
        assert!(
            text.contains("PASV to the advertised address 10.0.2.10:40003: failed (network is unreachable)"),
            "{text}"
        );
        assert!(text.contains("  EPRT  FAILED  no-connect-back   5001 ms  the server did not connect back"), "{text}");
        assert!(text.contains("Passive ports seen: 40001-40016 (4 replies)"), "{text}");
        assert!(text.contains("\n  warning active-blocked\n    The server accepted EPRT (200 "), "{text}");
        assert!(text.contains("Verdict: Use passive mode (EPSV). Active mode does not work"), "{text}");
        assert!(
            text.contains(
                "How: ftpx, curl and lftp use EPSV by default (ftpx ls --mode epsv ftp://ftp.example.test/ insists on it)."
            ),
            "{text}"
        );
        assert!(!text.contains('\x1b'));
        let text = terminal(&obs, &diagnose(&obs), false, 100);
        assert!(
            text.contains("(the reply said\n                                           10.0.2.10:40002)"),
            "{text}"
        );
        for line in text.lines() {
            assert!(line.chars().count() <= 100, "too long: {line}");
        }
    }

    #[test]
    fn tls_resumption_and_the_plain_comparison_are_shown() {
        let mut obs = sample();
        obs.tls = true;
        obs.attempts[0].tls_resumed = Some(true);
        obs.attempts[1].tls_resumed = Some(false);
        let mut plain = Attempt::new(DataMode::Eprt);
        plain.bytes = 63;
        obs.attempts[2].plain = Some(Box::new(plain));
        let mut refused = Attempt::new(DataMode::Port);
        refused.failure = Some(Failure::new(
            crate::probe::Stage::NotMeasured,
            "no control connection: 530 Non-anonymous sessions must use encryption.",
        ));
        obs.attempts[3].plain = Some(Box::new(refused));
        let v = json(&obs, &diagnose(&obs));
        assert_eq!(v["tls"], true);
        let resumed: Vec<&Value> = v["modes"].as_array().unwrap().iter().map(|m| &m["tls_resumed"]).collect();
        assert_eq!(resumed, [&json!(true), &json!(false), &Value::Null, &Value::Null]);
        assert_eq!(v["modes"][2]["plain_ok"], true);
        // A plain login the server refuses means the comparison was not run.
        assert_eq!(v["modes"][3]["plain_ok"], Value::Null);
        assert!(v["modes"][0].get("plain_ok").is_none());

        let text = terminal(&obs, &diagnose(&obs), false, 160);
        assert!(text.contains(", over TLS, 5s per attempt\n"), "{text}");
        assert!(text.contains("listed 63 bytes over 198.51.100.2:40001; TLS, session resumed\n"), "{text}");
        assert!(text.contains("(the reply said 10.0.2.10:40002); TLS, new session\n"), "{text}");
        assert!(text.contains("for comparison: EPRT in plain FTP (no TLS): worked\n"), "{text}");
        assert!(
            text.contains("for comparison: PORT in plain FTP (no TLS): not run (no control connection: 530 "),
            "{text}"
        );
    }

    #[test]
    fn epsv_missing_from_feat_is_said_in_the_how_line() {
        let mut obs = sample();
        obs.epsv_in_feat = Some(false);
        let text = terminal(&obs, &diagnose(&obs), false, 200);
        assert!(
            text.contains(
                "How: ftpx ls --mode epsv ftp://ftp.example.test/. This server's FEAT does not list EPSV, so \
                 ftpx's default mode and lftp use PASV; curl uses EPSV by default."
            ),
            "{text}"
        );
    }

    #[test]
    fn colors_only_when_asked() {
        colored::control::set_override(true);
        let obs = sample();
        assert!(terminal(&obs, &diagnose(&obs), true, 100).contains('\x1b'));
        colored::control::unset_override();
    }

    #[test]
    fn wrapping_keeps_the_indent() {
        assert_eq!(wrap("aaa bbb ccc", 2, 2, 9), "aaa bbb\n  ccc");
        assert_eq!(visible_len("\x1b[1mab\x1b[0m"), 2);
    }
}
