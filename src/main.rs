//! Parse, run, report: the one place that prints an error and chooses the exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use colored::Colorize;
use ftpx::error::{exit_code, hint, is_broken_pipe};

fn main() -> ExitCode {
    let cli = ftpx::cli::Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    colored::control::set_override(color);
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ftpx: error: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    let mut host = None;
    let shell = ftpx::app::is_shell(&cli);
    let result = runtime.block_on(async {
        ftpx::interrupt::install();
        if shell {
            // The shell goes on after Ctrl-C: it handles signals itself.
            return ftpx::app::run(cli, &mut host).await;
        }
        tokio::select! {
            r = ftpx::app::run(cli, &mut host) => r,
            () = ftpx::interrupt::fired_outside_transfer() => Err(ftpx::error::AppError::Interrupted("interrupted".into()).into()),
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{} {e:#}", "ftpx: error:".red().bold());
            if let Some(h) = hint(&e, host.as_deref()) {
                eprintln!("{} {h}", "ftpx: hint:".yellow());
            }
            ExitCode::from(exit_code(&e))
        }
    }
}
