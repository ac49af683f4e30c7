use clap::Parser;

fn main() {
    let cli = ftpx::cli::Cli::parse();
    println!("{cli:?}");
}
