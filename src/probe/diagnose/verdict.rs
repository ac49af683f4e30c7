//! The one-line verdict: the mode to use, and why the others do not work.

use std::fmt::Write as _;

use super::{modes_text, said};
use crate::ftp::{DataMode, Refusal, Stage as DataStage};
use crate::probe::model::{Attempt, Observations, Stage};

/// Why attempts failed, in a few words, for the verdict: attempts that stopped at the same stage
/// are named together ("the server cannot connect back (EPRT and PORT)").
pub(super) fn why(attempts: &[&Attempt]) -> String {
    let mut groups: Vec<(Option<Stage>, Vec<&Attempt>)> = Vec::new();
    for a in attempts.iter().filter(|a| !a.ok()) {
        match groups.iter_mut().find(|(s, _)| *s == a.stage()) {
            Some((_, list)) => list.push(a),
            None => groups.push((a.stage(), vec![a])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(stage, list)| {
            let modes = modes_text(list);
            let Some(stage) = stage else { return String::new() };
            match stage {
                Stage::NotMeasured => format!("not measured: no control connection ({modes})"),
                Stage::NoReply => format!("no reply to {modes}"),
                _ if list.iter().all(|a| a.refusal().is_some_and(|(r, _)| r == Refusal::TlsRequired)) => {
                    format!("the server requires TLS on data connections ({modes})")
                }
                Stage::Data(s) => match s {
                    DataStage::Refused => match list.iter().rev().find_map(|a| a.reply.as_ref()) {
                        Some(r) => format!("the server refuses {modes} ({})", said(r)),
                        None => format!("the server refuses {modes}"),
                    },
                    DataStage::Unusable => format!("{modes} cannot work here"),
                    DataStage::ConnectRefused => format!("connections to the passive port are refused ({modes})"),
                    DataStage::ConnectTimeout => format!("connections to the passive port time out ({modes})"),
                    DataStage::Unreachable => format!("the passive address is unreachable ({modes})"),
                    DataStage::Listen => format!("no local port to listen on ({modes})"),
                    DataStage::NoConnectBack => format!("the server cannot connect back ({modes})"),
                    DataStage::Tls => format!("the data connection's TLS fails ({modes})"),
                    DataStage::Transfer => format!("the transfer fails ({modes})"),
                },
            }
        })
        .collect();
    parts.join("; ")
}

pub(super) fn why_class(obs: &Observations, passive: bool) -> String {
    let class: Vec<&Attempt> = obs.attempts.iter().filter(|a| a.mode.is_passive() == passive).collect();
    why(&class)
}

pub(super) fn verdict(obs: &Observations, recommended: Option<DataMode>) -> String {
    let works = |passive: bool| obs.attempts.iter().any(|a| a.ok() && a.mode.is_passive() == passive);
    let measured = |passive: bool| obs.attempts.iter().any(|a| a.measured() && a.mode.is_passive() == passive);
    let other = |passive: bool| {
        let class = if passive { "Passive" } else { "Active" };
        if measured(passive) {
            format!("{class} mode does not work: {}.", why_class(obs, passive))
        } else {
            format!("{class} mode was not measured: {}.", why_class(obs, passive))
        }
    };
    let mut out = String::new();
    match recommended {
        None => {
            let _ = write!(
                out,
                "Nothing works. Passive mode: {}. Active mode: {}.",
                why_class(obs, true),
                why_class(obs, false)
            );
        }
        Some(m) if m.is_passive() => {
            let _ = write!(out, "Use passive mode ({m}).");
            if m == DataMode::Pasv {
                let _ = write!(out, " EPSV does not work: {}.", why(&[obs.attempt(DataMode::Epsv)]));
            }
            if works(false) {
                out.push_str(" Active mode works too.");
            } else {
                let _ = write!(out, " {}", other(false));
            }
        }
        Some(m) => {
            let _ = write!(out, "Use active mode ({m}). {}", other(true));
            if m == DataMode::Port {
                let _ = write!(out, " EPRT does not work: {}.", why(&[obs.attempt(DataMode::Eprt)]));
            }
        }
    }
    out
}
