use std::process::ExitCode;

use clap::Parser;
use halo_workbench::cli::{self, Cli};
use halo_workbench::i18n::{self, Lang};

fn main() -> ExitCode {
    let args = Cli::parse();
    halo_workbench::data::read::contain_reader_panics();
    // Messages in the language asked for, else the locale's.
    let asked = args.lang.as_deref().and_then(Lang::parse);
    i18n::set_default_lang(asked.unwrap_or_else(Lang::from_env));
    match args.command {
        Some(cmd) => cli::run(cmd),
        None => halo_workbench::app::run(halo_workbench::app::Start::from_args(args.files), asked),
    }
}
