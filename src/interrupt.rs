//! Ctrl-C and SIGTERM. A transfer in progress sees the signal, sends ABOR (bounded wait) and
//! keeps its `.part`; anywhere else the work is simply dropped. A second signal before the first
//! was handled exits at once.
//!
//! The interactive shell handles a signal and goes on: it calls [`reset`] once it has, so the
//! next Ctrl-C is a first one again. At its prompt the terminal is in raw mode and Ctrl-C is a
//! key for rustyline, not a signal.

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

use tokio::sync::Notify;

static FIRED: AtomicBool = AtomicBool::new(false);
static SIGNAL: AtomicU8 = AtomicU8::new(0);
static TRANSFERS: AtomicUsize = AtomicUsize::new(0);
static NOTIFY: Notify = Notify::const_new();

/// Listens for SIGINT and SIGTERM for the rest of the process.
pub fn install() {
    tokio::spawn(async {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
            return;
        };
        loop {
            let code = tokio::select! {
                _ = int.recv() => 2,
                _ = term.recv() => 15,
            };
            if FIRED.swap(true, Ordering::SeqCst) {
                std::process::exit(128 + i32::from(code));
            }
            SIGNAL.store(code, Ordering::SeqCst);
            NOTIFY.notify_waiters();
        }
    });
}

/// Resolves once a signal has arrived (at once if one already has).
pub async fn fired() {
    loop {
        let notified = NOTIFY.notified();
        if FIRED.load(Ordering::SeqCst) {
            return;
        }
        notified.await;
    }
}

/// Resolves when a signal arrives while no transfer is in progress to handle it.
pub async fn fired_outside_transfer() {
    fired().await;
    while TRANSFERS.load(Ordering::SeqCst) > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Forgets a signal that has been handled, so the process can go on (the shell after Ctrl-C).
pub fn reset() {
    SIGNAL.store(0, Ordering::SeqCst);
    FIRED.store(false, Ordering::SeqCst);
}

/// Whether a signal has arrived and not been [`reset`].
pub fn has_fired() -> bool {
    FIRED.load(Ordering::SeqCst)
}

/// Whether the signal received was SIGTERM, which ends even the interactive shell.
pub fn terminated() -> bool {
    SIGNAL.load(Ordering::SeqCst) == 15
}

/// The exit status for the signal received: 130 for SIGINT, 143 for SIGTERM.
pub fn exit_status() -> u8 {
    128 + SIGNAL.load(Ordering::SeqCst)
}

/// Marks a transfer in progress: while one lives, the transfer itself answers a signal.
pub struct TransferGuard(());

impl TransferGuard {
    pub fn new() -> TransferGuard {
        TRANSFERS.fetch_add(1, Ordering::SeqCst);
        TransferGuard(())
    }
}

impl Default for TransferGuard {
    fn default() -> Self {
        TransferGuard::new()
    }
}

impl Drop for TransferGuard {
    fn drop(&mut self) {
        TRANSFERS.fetch_sub(1, Ordering::SeqCst);
    }
}
