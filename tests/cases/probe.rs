//! `ftpx probe` against in-process servers that imitate what firewalls, NAT and server settings
//! do to data connections: each asserts the JSON verdicts, the finding codes, the exit status and
//! that the probe answered within its timeout plus a second.
//!
//! Every address is on loopback. A server behind NAT that advertises another address in its 227
//! reply is imitated with 127.0.0.2 (the probe's check of the advertised address knocks on a
//! loopback port where nothing listens, never on a real network). The lab (tests/lab/netlab.sh)
//! runs the same situations through real NAT and firewalls.

use std::net::Ipv4Addr;
use std::time::Duration;

use serde_json::{Value, json};

use super::{server, server_with, url};
use crate::support::{LateAbort, Output, Run, ServerConfig, TestServer, ftpx};

const FOREIGN: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

/// `ftpx probe --json` with a 2 s deadline per attempt; checks it answered within 3 s.
fn probe_json(server: &TestServer, extra: &[&str]) -> (Output, Value) {
    run_probe_json(ftpx().args(["probe", "--json", "--timeout", "2"]).args(extra).arg(url(server, "")))
}

/// Runs a prepared `probe --json --timeout 2` command; checks it answered within 3 s and printed
/// one JSON object.
fn run_probe_json(run: Run) -> (Output, Value) {
    let out = run.timeout(Duration::from_secs(20)).run();
    assert!(out.elapsed < Duration::from_secs(3), "the probe took {:?}\n{}", out.elapsed, out.stderr);
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr:\n{}", out.stdout_str(), out.stderr));
    for f in json["findings"].as_array().into_iter().flatten() {
        for key in ["message", "client_action", "server_action"] {
            let text = f[key].as_str().unwrap_or_default();
            assert!(!text.contains("  "), "a gap in {key}: {text}");
        }
    }
    (out, json)
}

/// `mode -> (ok, stage)` for the four modes, in order; a mode not measured (`ok: null`) counts
/// as not ok, and its stage says so.
fn verdicts(json: &Value) -> Vec<(String, bool, Option<String>)> {
    json["modes"]
        .as_array()
        .expect("modes")
        .iter()
        .map(|m| {
            let ok = m["ok"].as_bool().unwrap_or_else(|| {
                assert_eq!((&m["ok"], &m["measured"]), (&Value::Null, &Value::Bool(false)), "{m:#}");
                false
            });
            (m["mode"].as_str().unwrap().to_owned(), ok, m["stage"].as_str().map(str::to_owned))
        })
        .collect()
}

fn ok(mode: &str) -> (String, bool, Option<String>) {
    (mode.to_owned(), true, None)
}

fn failed(mode: &str, stage: &str) -> (String, bool, Option<String>) {
    (mode.to_owned(), false, Some(stage.to_owned()))
}

fn codes(json: &Value) -> Vec<String> {
    let mut c: Vec<String> =
        json["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect();
    c.sort();
    c
}

fn mode<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["modes"].as_array().unwrap().iter().find(|m| m["mode"] == name).unwrap()
}

fn message<'a>(json: &'a Value, code: &str) -> &'a str {
    let f = json["findings"].as_array().unwrap().iter().find(|f| f["code"] == code);
    f.unwrap_or_else(|| panic!("no {code} in {json:#}"))["message"].as_str().unwrap()
}

#[test]
fn probe_open_path_every_mode_works() {
    let server = server();
    let (out, json) = probe_json(&server, &[]);
    out.assert_success();
    assert_eq!(verdicts(&json), [ok("EPSV"), ok("PASV"), ok("EPRT"), ok("PORT")]);
    assert_eq!(codes(&json), Vec::<String>::new());
    assert_eq!(json["recommended_mode"], "EPSV");
    assert_eq!(json["server_address"], server.addr().to_string());
    assert!(json["local_address"].as_str().unwrap().starts_with("127.0.0.1:"), "{json:#}");
    assert_eq!(json["port"], server.port());
    assert_eq!(mode(&json, "PASV")["advertised_ok"], true);
    assert!(mode(&json, "EPSV")["reply"].as_str().unwrap().starts_with("229 "), "{json:#}");
    assert_eq!(mode(&json, "EPRT")["error"], Value::Null);
    // Each attempt is a real LIST on its own session.
    let verbs = server.verbs();
    assert_eq!(verbs.iter().filter(|v| *v == "LIST").count(), 4, "{verbs:?}");
    assert_eq!(verbs.iter().filter(|v| *v == "USER").count(), 4, "{verbs:?}");
    // A server whose FEAT does not offer the echo is never asked: no extra command.
    assert!(!verbs.iter().any(|v| v == "SITE"), "{verbs:?}");
    assert_eq!((&json["server_echo"], &json["behind_nat"]), (&json!(false), &Value::Null));
    assert!(json["modes"].as_array().unwrap().iter().all(|m| m["echo"].is_null()), "{json:#}");
}

/// A listing longer than the probe reads (256 KiB) is aborted, and ABOR leaves the session in
/// step at once whatever the server answers: the SYST after it gets its own reply (it got ABOR's
/// 225 or 502 when the transfer's 226 was taken for ABOR's), and a probe with a 30 s timeout ends
/// within the run's 10 s bound (it waited out the timeout for a third reply after 426 and 502).
#[test]
fn probe_abort_of_a_long_listing_keeps_each_session_in_step_without_waiting() {
    const NOT_IMPLEMENTED: &str = "502 Command 'ABOR' not implemented";
    let cases = [
        ("226 Directory send OK.", Some("225 No transfer to ABOR.")),
        ("226 Transfer Complete.", Some(NOT_IMPLEMENTED)),
        ("226 Transfer complete.", None),
        ("426 Connection closed; transfer aborted.", Some(NOT_IMPLEMENTED)),
    ];
    for (transfer, abor) in cases {
        let server = server_with(ServerConfig::new().late_abort(LateAbort { transfer, abor }));
        // About 140 bytes a line: over 400 KiB of listing.
        for i in 0..3000 {
            std::fs::write(server.root().join(format!("{i:0>90}")), b"").unwrap();
        }
        let out = ftpx()
            .args(["probe", "--json", "--timeout", "30"])
            .arg(url(&server, ""))
            .timeout(Duration::from_secs(10))
            .run();
        let case = format!("{transfer} / {abor:?}");
        out.assert_success();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(verdicts(&json), [ok("EPSV"), ok("PASV"), ok("EPRT"), ok("PORT")], "{case}");
        for m in json["modes"].as_array().unwrap() {
            assert!(m["bytes"].as_u64().unwrap() >= 256 * 1024, "{case}: {m:#}");
        }
        assert_eq!(json["syst"], "215 UNIX Type: L8", "{case}");
        let verbs = server.verbs();
        assert_eq!(verbs.iter().filter(|v| *v == "ABOR").count(), 4, "{case}: {verbs:?}");
    }
}

/// Against `ftpx serve`, which says what it saw (SITE FTPX-ECHO), the loopback path is known to
/// have no NAT and no helper: the public address is our own, every PORT/EPRT arrived as sent, and
/// every passive data connection came from our address.
#[test]
fn probe_against_ftpx_serve_states_the_path_as_facts() {
    let served = super::serve::Served::start(&["--pasv-ports", "42100-42115"]);
    let (out, json) = run_probe_json(ftpx().args(["probe", "--json", "--timeout", "2"]).arg(served.url("")));
    out.assert_success();
    assert_eq!(verdicts(&json), [ok("EPSV"), ok("PASV"), ok("EPRT"), ok("PORT")]);
    let local = json["local_address"].as_str().unwrap();
    let local_ip = local.rsplit_once(':').unwrap().0;
    assert_eq!(json["server_echo"], true);
    assert_eq!(json["client_public_address"], local_ip);
    assert_eq!(json["behind_nat"], false);
    assert_eq!(codes(&json), Vec::<String>::new(), "no NAT, no rewrite, no foreign address: {json:#}");
    for name in ["EPSV", "PASV", "EPRT", "PORT"] {
        let m = mode(&json, name);
        let echo = &m["echo"];
        assert!(echo["control_peer"].as_str().unwrap().starts_with(&format!("{local_ip}:")), "{m:#}");
        if ["EPSV", "PASV"].contains(&name) {
            let from = echo["passive_from"].as_array().unwrap();
            assert_eq!(from.len(), 1, "{m:#}");
            assert!(from[0].as_str().unwrap().starts_with(&format!("{local_ip}:")), "{m:#}");
        } else {
            // The argument as sent, the same bytes as received, naming the address announced.
            assert_eq!(echo["rewritten"], false, "{m:#}");
            assert_eq!(echo["sent"], echo["received"], "{m:#}");
            assert_eq!(echo["received_target"], m["announced"], "{m:#}");
            assert_eq!(echo["connect"], "ok", "{m:#}");
        }
    }
    // The terminal report says it in words.
    let text = ftpx().args(["probe", "--timeout", "2"]).arg(served.url("")).timeout(Duration::from_secs(20)).run();
    text.assert_success();
    let report = text.stdout_str();
    assert!(report.contains(&format!("the server sees this machine at {local_ip}:")), "{report}");
    assert!(report.contains(": no NAT (SITE FTPX-ECHO)"), "{report}");
    assert!(report.contains("server received: PORT ") && report.contains("(as sent)"), "{report}");
}

#[test]
fn probe_reports_the_passive_ports_its_transfers_used_and_leaves_none_open() {
    let server = server_with(ServerConfig::new().passive_ports(41000, 41015));
    let (_, json) = probe_json(&server, &[]);
    let ports = &json["passive_ports"];
    assert_eq!(ports["samples"], 2, "{ports}");
    let (min, max) = (ports["min"].as_u64().unwrap(), ports["max"].as_u64().unwrap());
    assert!((41000..=41015).contains(&min) && (41000..=41015).contains(&max) && min <= max, "{ports}");
    // One EPSV and one PASV in all: no sampling, so no listener the probe does not use.
    let verbs = server.verbs();
    assert_eq!(verbs.iter().filter(|v| ["EPSV", "PASV"].contains(&v.as_str())).count(), 2, "{verbs:?}");
    assert_eq!(server.passive_left_open(), 0);
}

#[test]
fn probe_pasv_private_address_uses_control_peer() {
    let server = server_with(ServerConfig::new().pasv_advertise(FOREIGN));
    let (out, json) = probe_json(&server, &[]);
    out.assert_success();
    assert_eq!(verdicts(&json), [ok("EPSV"), ok("PASV"), ok("EPRT"), ok("PORT")]);
    let pasv = mode(&json, "PASV");
    assert!(pasv["advertised"].as_str().unwrap().starts_with("127.0.0.2:"), "{pasv:#}");
    assert!(pasv["data_address"].as_str().unwrap().starts_with("127.0.0.1:"), "{pasv:#}");
    // The advertised address itself was tried, on its own session, and failed.
    assert_eq!(pasv["advertised_ok"], false);
    assert_eq!(pasv["advertised_check"]["stage"], "connect-refused");
    assert_eq!(codes(&json), ["pasv-private-address"]);
    let text = message(&json, "pasv-private-address");
    assert!(text.contains("127.0.0.2") && text.contains("a loopback address"), "{text}");
    assert!(text.contains("which worked"), "{text}");
}

#[test]
fn probe_refused_port_reveals_the_public_address() {
    let refusal = "500 I won't open a connection to 10.99.0.2 (only to 198.51.100.1)";
    let server = server_with(ServerConfig::new().refuse_port(refusal).refuse_eprt(refusal));
    let (out, json) = probe_json(&server, &[]);
    out.assert_success();
    assert_eq!(verdicts(&json), [ok("EPSV"), ok("PASV"), failed("EPRT", "refused"), failed("PORT", "refused")]);
    assert_eq!(mode(&json, "PORT")["reply"], refusal);
    assert_eq!(codes(&json), ["server-refused-port"]);
    assert_eq!(json["client_public_address"], "198.51.100.1");
    assert!(message(&json, "server-refused-port").contains("198.51.100.1"), "{json:#}");
    assert_eq!(json["recommended_mode"], "EPSV");
}

#[test]
fn probe_eprt_unknown_command_is_unsupported() {
    let server = server_with(ServerConfig::new().refuse_eprt("500 Unknown command."));
    let (out, json) = probe_json(&server, &[]);
    out.assert_success();
    assert_eq!(verdicts(&json), [ok("EPSV"), ok("PASV"), failed("EPRT", "refused"), ok("PORT")]);
    assert_eq!(codes(&json), ["eprt-unsupported"]);
}

#[test]
fn probe_never_connected_back_is_active_blocked_within_the_deadline() {
    let server = server_with(ServerConfig::new().never_connect_back(Duration::from_secs(30)));
    let (out, json) = probe_json(&server, &[]);
    out.assert_success();
    assert_eq!(
        verdicts(&json),
        [ok("EPSV"), ok("PASV"), failed("EPRT", "no-connect-back"), failed("PORT", "no-connect-back")]
    );
    assert!(mode(&json, "EPRT")["elapsed_ms"].as_u64().unwrap() >= 1900, "{json:#}");
    assert_eq!(codes(&json), ["active-blocked"]);
    assert_eq!(json["recommended_mode"], "EPSV");
    let verdict = json["verdict"].as_str().unwrap();
    assert!(verdict.starts_with("Use passive mode (EPSV). Active mode does not work"), "{verdict}");
}

#[test]
fn probe_active_425_says_the_server_gave_up() {
    let server = server_with(ServerConfig::new().active_fails_425());
    let (_, json) = probe_json(&server, &[]);
    assert_eq!(mode(&json, "PORT")["stage"], "no-connect-back");
    assert!(mode(&json, "PORT")["transfer_reply"].as_str().unwrap().starts_with("425"), "{json:#}");
    assert!(message(&json, "active-blocked").contains("the server gave up"), "{json:#}");
}

#[test]
fn probe_closed_passive_port_recommends_active() {
    let server = server_with(ServerConfig::new().passive_closed_port());
    let (out, json) = probe_json(&server, &[]);
    out.assert_success();
    assert_eq!(
        verdicts(&json),
        [failed("EPSV", "connect-refused"), failed("PASV", "connect-refused"), ok("EPRT"), ok("PORT")]
    );
    assert_eq!(codes(&json), ["passive-blocked"]);
    assert_eq!(json["findings"][0]["severity"], "error");
    assert_eq!(json["recommended_mode"], "EPRT");
    assert_eq!(json["ftpx_flags"], "--mode eprt");
}

#[test]
fn probe_without_epsv_recommends_pasv() {
    let server = server_with(ServerConfig::new().no_epsv());
    let (out, json) = probe_json(&server, &[]);
    out.assert_success();
    assert_eq!(verdicts(&json), [failed("EPSV", "refused"), ok("PASV"), ok("EPRT"), ok("PORT")]);
    assert_eq!(codes(&json), ["epsv-unsupported"]);
    assert!(message(&json, "epsv-unsupported").contains("FEAT list leaves it out"), "{json:#}");
    assert_eq!(json["recommended_mode"], "PASV");
}

#[test]
fn probe_refused_pasv_is_passive_refused() {
    let server = server_with(ServerConfig::new().refuse_pasv());
    let (_, json) = probe_json(&server, &[]);
    assert_eq!(mode(&json, "PASV")["stage"], "refused");
    assert_eq!(codes(&json), ["passive-refused"]);
    assert_eq!(json["recommended_mode"], "EPSV");
}

#[test]
fn probe_nothing_works_exits_10() {
    let server = server_with(ServerConfig::new().passive_closed_port().active_fails_425());
    let (out, json) = probe_json(&server, &[]);
    out.assert_code(10);
    assert!(verdicts(&json).iter().all(|(_, ok, _)| !ok), "{json:#}");
    assert_eq!(codes(&json), ["active-blocked", "no-mode-works", "passive-blocked"]);
    assert_eq!(json["recommended_mode"], Value::Null);
    assert!(json["verdict"].as_str().unwrap().starts_with("Nothing works."), "{json:#}");
}

#[test]
fn probe_lists_the_path_given() {
    let server = server();
    std::fs::create_dir(server.root().join("pub")).unwrap();
    let (out, _) = probe_json(&server, &["--path", "pub"]);
    out.assert_success();
    let lists: Vec<String> = server.commands().into_iter().filter(|c| c.starts_with("LIST")).collect();
    assert_eq!(lists, ["LIST pub"; 4]);
}

#[test]
fn probe_unreachable_server_exits_3() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let out = ftpx().args(["probe", "--timeout", "2", &format!("127.0.0.1:{port}")]).run();
    out.assert_code(3).assert_one_error_line();
    assert!(out.stdout.is_empty());
}

#[test]
fn probe_wrong_password_exits_4() {
    let server = server();
    let out = ftpx().args(["probe", "--timeout", "2", &server.url_as("alice", "wrong", "")]).run();
    out.assert_code(4).assert_one_error_line();
}

#[test]
fn probe_report_tells_what_to_do() {
    let server = server_with(ServerConfig::new().passive_closed_port());
    let out = ftpx().args(["probe", "--timeout", "2", &url(&server, "")]).env("COLUMNS", "100").run();
    out.assert_success();
    let text = out.stdout_str();
    assert!(text.starts_with("ftpx probe 127.0.0.1:"), "{text}");
    for want in [
        "MODE  RESULT  STAGE",
        "EPSV  FAILED  connect-refused",
        "EPRT  ok      -",
        "error passive-blocked",
        // The two attempts' own ports.
        "The server handed out ports",
        "(2 replies",
        "passive port range (vsftpd pasv_min_port",
        "Verdict: Use active mode (EPRT). Passive mode does not work: connections to the passive port are",
        &format!("How: ftpx ls --mode eprt ftp://alice@127.0.0.1:{}/; curl --ftp-port -;", server.addr().port()),
    ] {
        assert!(text.contains(want), "no {want:?} in:\n{text}");
    }
    assert!(!text.contains('\x1b'), "colors with NO_COLOR set:\n{text}");
    assert!(!text.contains("s3cret"), "the password is shown:\n{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
}

#[test]
fn probe_debug_transcript_is_labelled_by_mode() {
    let server = server();
    let out = ftpx().args(["probe", "-d", "--timeout", "2", &url(&server, "")]).run();
    out.assert_success();
    for want in
        ["[EPSV] ---> EPSV", "[PASV] ---> PASV", "[EPRT] ---> EPRT |1|127.0.0.1|", "[PORT] ---> PORT 127,0,0,1,"]
    {
        assert!(out.stderr.contains(want), "no {want:?} in:\n{}", out.stderr);
    }
}

/// `ftpx --tls probe --json URL` trusting `server`'s certificate, 2 s per attempt; checks it
/// answered within 3 s.
fn probe_tls_json(server: &TestServer, url: &str) -> (Output, Value) {
    let run = ftpx();
    let ca = run.home().join("ca.pem");
    std::fs::write(&ca, server.trust_pem()).unwrap();
    run_probe_json(run.arg("--cacert").arg(ca).args(["--tls", "probe", "--json", "--timeout", "2", url]))
}

#[test]
fn probe_tls_every_data_session_resumes_and_active_is_compared_with_plain_ftp() {
    let server = server_with(ServerConfig::new().tls());
    // Anonymous: nothing secret, so the active modes are also tried in plain FTP.
    let (out, json) = probe_tls_json(&server, &server.url(""));
    out.assert_success();
    assert_eq!(json["tls"], true);
    assert_eq!(verdicts(&json), [ok("EPSV"), ok("PASV"), ok("EPRT"), ok("PORT")]);
    for name in ["EPSV", "PASV", "EPRT", "PORT"] {
        assert_eq!(mode(&json, name)["tls_resumed"], true, "{name}: {json:#}");
    }
    assert_eq!(mode(&json, "EPRT")["plain_ok"], true, "{json:#}");
    assert_eq!(mode(&json, "PORT")["plain_ok"], true, "{json:#}");
    assert_eq!(codes(&json), Vec::<String>::new());
    // Four data handshakes under TLS, all resumed; the plain ones made none.
    let handshakes = server.data_handshakes();
    assert_eq!(handshakes.len(), 4, "{handshakes:?}");
    assert!(handshakes.iter().all(|h| h.resumed), "{handshakes:?}");
}

#[test]
fn probe_tls_never_sends_a_password_in_plain_ftp() {
    let server = server_with(ServerConfig::new().tls());
    let (out, json) = probe_tls_json(&server, &url(&server, ""));
    out.assert_success();
    assert_eq!(mode(&json, "EPRT")["plain_ok"], Value::Null, "{json:#}");
    assert_eq!(mode(&json, "PORT")["plain_ok"], Value::Null, "{json:#}");
    let logins = server.commands().into_iter().filter(|c| c.starts_with("USER")).count();
    assert_eq!(logins, 4, "{:?}", server.commands());
}

#[test]
fn probe_tls_data_session_not_resumed_is_a_finding() {
    let server = server_with(ServerConfig::new().tls().data_never_resumes());
    let (out, json) = probe_tls_json(&server, &server.url(""));
    out.assert_code(10);
    for name in ["EPSV", "PASV", "EPRT", "PORT"] {
        let m = mode(&json, name);
        assert_eq!((m["ok"].as_bool(), m["stage"].as_str()), (Some(false), Some("tls")), "{name}: {json:#}");
        assert_eq!(m["tls_resumed"], false, "{name}: {json:#}");
    }
    // Active mode works in plain FTP, and the data connection was made under TLS: no NAT helper.
    assert_eq!(mode(&json, "EPRT")["plain_ok"], true, "{json:#}");
    assert_eq!(codes(&json), ["no-mode-works", "tls-session-not-resumed"]);
    let f = json["findings"].as_array().unwrap().iter().find(|f| f["code"] == "tls-session-not-resumed").unwrap();
    assert!(f["message"].as_str().unwrap().contains("522 SSL connection failed: session reuse required"), "{f:#}");
    assert!(f["client_action"].as_str().unwrap().contains("--tls-max 1.2"), "{f:#}");
    assert!(f["server_action"].as_str().unwrap().contains("NoSessionReuseRequired"), "{f:#}");
}

// Issue 13: servers that read strictly in sequence, small passive ranges, flaky TLS, policy
// refusals and connection limits.

/// How many modes had to open their control connection a second time.
fn retried(json: &Value) -> usize {
    json["modes"].as_array().unwrap().iter().filter(|m| m["retried"] == true).count()
}

fn finding<'a>(json: &'a Value, code: &str) -> &'a Value {
    let f = json["findings"].as_array().unwrap().iter().find(|f| f["code"] == code);
    f.unwrap_or_else(|| panic!("no {code} in {json:#}"))
}

#[test]
fn probe_sequential_server_every_mode_works_and_nothing_is_left_open() {
    // The server reads no command after a 227/229 until its data connection arrives: a probe
    // that sent another EPSV first (to sample ports) got no answer and called passive mode
    // broken. Each mode's transfer is all it does on its connection.
    let server = server_with(ServerConfig::new().sequential());
    let (out, json) = probe_json(&server, &[]);
    out.assert_success();
    assert_eq!(verdicts(&json), [ok("EPSV"), ok("PASV"), ok("EPRT"), ok("PORT")]);
    assert_eq!(codes(&json), Vec::<String>::new());
    assert_eq!(json["recommended_mode"], "EPSV");
    for name in ["EPSV", "PASV"] {
        assert_eq!(mode(&json, name)["ports"].as_array().unwrap().len(), 1, "{name}: {json:#}");
    }
    assert_eq!(server.passive_left_open(), 0, "{:?}", server.commands());
}

/// Three ports below the kernel's ephemeral range, free now.
fn free_port_range() -> u16 {
    let start = 20000 + (std::process::id() % 500) as u16 * 16;
    (start..start + 16 * 40)
        .step_by(16)
        .find(|base| (0..3).all(|k| std::net::TcpListener::bind(("127.0.0.1", base + k)).is_ok()))
        .expect("three free ports")
}

#[test]
fn probe_small_passive_range_with_slow_release_survives_probes_in_a_row() {
    // Three passive ports, and a listener given up without a connection stays open 30 s: a probe
    // that left listeners behind made the next probe report passive mode broken.
    let lo = free_port_range();
    let server =
        server_with(ServerConfig::new().passive_ports(lo, lo + 2).hold_passive_listeners(Duration::from_secs(30)));
    for run in 0..3 {
        let (out, json) = probe_json(&server, &[]);
        out.assert_success();
        assert_eq!(verdicts(&json), [ok("EPSV"), ok("PASV"), ok("EPRT"), ok("PORT")], "run {run}: {json:#}");
        assert_eq!(codes(&json), Vec::<String>::new(), "run {run}");
    }
    assert_eq!(server.passive_left_open(), 0);
}

#[test]
fn probe_tls_flaky_handshake_is_retried_not_failed() {
    // One control connection's TLS handshake fails: the mode that lost it is measured on a
    // second connection, not reported as failed.
    let server = server_with(ServerConfig::new().tls().flaky_control_tls(1));
    let (out, json) = probe_tls_json(&server, &server.url(""));
    out.assert_success();
    assert_eq!(verdicts(&json), [ok("EPSV"), ok("PASV"), ok("EPRT"), ok("PORT")], "{json:#}");
    assert_eq!(retried(&json), 1, "{json:#}");
    assert_eq!(codes(&json), Vec::<String>::new());
}

#[test]
fn probe_per_address_limit_is_retried() {
    // Two sessions at once: the probe's four meet the limit; the refused ones try again once the
    // others are done, and every mode is measured.
    let server = server_with(ServerConfig::new().max_sessions(2));
    let (out, json) = probe_json(&server, &[]);
    out.assert_success();
    assert_eq!(verdicts(&json), [ok("EPSV"), ok("PASV"), ok("EPRT"), ok("PORT")], "{json:#}");
    assert_eq!(retried(&json), server.sessions_refused(), "{json:#}");
    assert!(server.sessions_refused() >= 2, "{}", server.sessions_refused());
}

#[test]
fn probe_mode_refused_twice_is_not_measured() {
    // The fourth session and all after it are refused: that mode is not measured, not failed,
    // and the verdict comes from the three that were.
    let server = server_with(ServerConfig::new().refuse_sessions_after(3));
    let (out, json) = probe_json(&server, &[]);
    out.assert_success();
    let unmeasured: Vec<&Value> = json["modes"].as_array().unwrap().iter().filter(|m| m["measured"] == false).collect();
    assert_eq!(unmeasured.len(), 1, "{json:#}");
    let m = unmeasured[0];
    assert_eq!((&m["ok"], &m["stage"], &m["retried"]), (&Value::Null, &json!("not-measured"), &json!(true)), "{m:#}");
    assert!(m["error"].as_str().unwrap().contains("421 Too many connections"), "{m:#}");
    assert_eq!(codes(&json), ["too-many-connections"]);
    let f = finding(&json, "too-many-connections");
    assert_eq!(f["severity"], "warning");
    let again = format!("Run the probe again: ftpx probe ftp://alice@127.0.0.1:{}/.", server.port());
    assert_eq!(f["client_action"], again.as_str(), "{f:#}");
    assert!(json["modes"].as_array().unwrap().iter().filter(|m| m["measured"] == true).all(|m| m["ok"] == true));
    assert!(!json["verdict"].as_str().unwrap().contains("does not work"), "{json:#}");
}

/// `ftpx --tls --tls-data clear --cacert CA ARGS...` against `server`.
fn clear_data(server: &TestServer, args: &[&str]) -> Output {
    let run = ftpx();
    let ca = run.home().join("ca.pem");
    std::fs::write(&ca, server.trust_pem()).unwrap();
    run.arg("--cacert").arg(ca).args(["--tls", "--tls-data", "clear"]).args(args).timeout(Duration::from_secs(20)).run()
}

#[test]
fn probe_clear_data_against_tls_required_data_is_a_policy_with_its_fix() {
    let server = server_with(ServerConfig::new().tls().require_tls_data());
    let out = clear_data(&server, &["probe", "--json", "--timeout", "2", &url(&server, "")]);
    out.assert_code(10);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    for name in ["EPSV", "PASV", "EPRT", "PORT"] {
        let m = mode(&json, name);
        assert_eq!((&m["stage"], &m["refusal"]), (&json!("refused"), &json!("tls-required")), "{name}: {m:#}");
    }
    assert_eq!(codes(&json), ["tls-required"]);
    assert!(json["verdict"].as_str().unwrap().contains("requires TLS on data connections"), "{json:#}");
    let f = finding(&json, "tls-required");
    assert!(f["message"].as_str().unwrap().contains("550 SSL/TLS required on the data channel"), "{f:#}");
    let action = f["client_action"].as_str().unwrap();
    assert!(action.contains("ftpx probe --tls --cacert "), "{action}");
    assert!(action.ends_with(&format!(" ftp://alice@127.0.0.1:{}/.", server.port())), "{action}");
    assert!(!action.contains("--tls-data clear"), "{action}");
}

#[test]
fn transfer_with_clear_data_against_tls_required_data_stops_at_the_refusal() {
    // A policy refusal is the answer: no fallback through the other modes, no blaming the
    // network (exit 6), but the refusal (exit 5) and the one-line fix.
    let server = server_with(ServerConfig::new().tls().require_tls_data());
    let out = clear_data(&server, &["ls", &url(&server, "")]);
    out.assert_code(5);
    assert!(out.stderr.contains("EPSV refused: 550 SSL/TLS required on the data channel"), "{}", out.stderr);
    assert!(
        out.stderr.contains("hint: the server requires TLS on data connections: use --tls without --tls-data clear"),
        "{}",
        out.stderr
    );
    let modes: Vec<String> =
        server.verbs().into_iter().filter(|v| ["EPSV", "PASV", "EPRT", "PORT"].contains(&v.as_str())).collect();
    assert_eq!(modes, ["EPSV"]);
}

#[test]
fn plain_login_to_a_server_requiring_tls_hints_at_tls() {
    let server = server_with(ServerConfig::new().tls().require_tls_control());
    for args in [vec!["ls"], vec!["probe", "--timeout", "2"]] {
        let out = ftpx().args(&args).arg(url(&server, "")).timeout(Duration::from_secs(20)).run();
        out.assert_code(4);
        assert!(out.stderr.contains("550 SSL/TLS required on the control channel"), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("hint: the server requires TLS: connect with --tls"), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn probe_debug_never_announces_a_fallback_it_does_not_follow() {
    // FEAT without EPSV: transfers skip it, but the probe measures EPSV anyway, so its EPSV
    // session must not say it is "not trying it" before sending it.
    let server = server_with(ServerConfig::new().no_epsv());
    let out = ftpx().args(["probe", "-d", "--timeout", "2", &url(&server, "")]).run();
    out.assert_success();
    assert!(out.stderr.contains("[EPSV] ---> EPSV"), "{}", out.stderr);
    assert!(!out.stderr.contains("not trying"), "{}", out.stderr);
}

#[test]
fn probe_names_the_server_software_from_greeting_or_syst() {
    let server = server_with(ServerConfig::new().banner("pyftpdlib 1.5.9 ready."));
    let (out, json) = probe_json(&server, &[]);
    out.assert_success();
    assert_eq!(json["server_software"], "pyftpdlib");
    assert_eq!(json["syst"], "215 UNIX Type: L8");
    let text = ftpx().args(["probe", "--timeout", "2", &url(&server, "")]).run().stdout_str();
    assert!(text.contains(", pyftpdlib, this machine"), "{text}");
}
