use std::process::ExitCode;

use clap::Parser;
use halo_workbench::cli::{self, Cli};

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(cmd) => cli::run(cmd),
        None => halo_workbench::app::run(),
    }
}
