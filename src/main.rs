//! The `pcapq` binary: parse the command line, dispatch, and turn errors into one line on
//! stderr and an exit code (2: the input's fault, 1: anything else).

use clap::Parser;
use pcapq::cli::{Cli, Command};
use pcapq::commands;

fn main() {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Convert(args) => commands::convert::run(args),
        Command::Info(args) => commands::info::run(args),
        Command::Schema(args) => commands::schema::run(args),
        Command::Sql(args) => commands::sql::run(args),
        Command::Query(args) => commands::query::run(args),
        Command::TcpSummary(args) => commands::tcp_summary::run(args),
        Command::Plot(args) => commands::plot::run(args),
        Command::Report(args) => commands::report::run(args),
        Command::Export(args) => commands::export::run(args),
    };
    if let Err(err) = result {
        eprintln!("pcapq: error: {err:#}");
        std::process::exit(pcapq::error::exit_code(&err));
    }
}
