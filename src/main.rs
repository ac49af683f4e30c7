//! Parse, run, report: the one place that prints a one-shot command's final error and chooses
//! the exit code (through `report`).

use std::process::ExitCode;

use clap::Parser;
use ftpx::error::AppError;
use ftpx::oneshot::{self, Reporting};
use ftpx::report::{self, Surface};

fn main() -> ExitCode {
    let cli = ftpx::cli::Cli::parse();
    let mut rep = Reporting { color: ftpx::options::stderr_color(), probe: None };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ftpx: error: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    let shell = oneshot::is_shell(&cli);
    let result = runtime.block_on(async {
        ftpx::interrupt::install();
        if shell {
            // The shell goes on after Ctrl-C: it handles signals itself.
            return oneshot::run(cli, &mut rep).await;
        }
        tokio::select! {
            r = oneshot::run(cli, &mut rep) => r,
            () = ftpx::interrupt::fired_outside_transfer() => Err(AppError::Interrupted("interrupted".into()).into()),
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => ExitCode::from(report::failure(&e, Surface::OneShot { probe: rep.probe.as_deref() }, rep.color)),
    }
}
