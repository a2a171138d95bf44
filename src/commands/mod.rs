//! One module per subcommand: each turns its arguments into settings, runs the library,
//! and prints.

pub mod convert;
pub mod data;
pub mod export;
pub mod info;
pub mod plot;
pub mod query;
pub mod report;
pub mod schema;
pub mod sql;
pub mod tcp_summary;

use crate::cli::TrackArgs;
use crate::error::user_error;
use crate::source::InputSpec;
use crate::track::TrackOptions;

/// Validated tracking settings, or `None` with `--no-flows`.
pub fn track_options(args: &TrackArgs) -> anyhow::Result<Option<TrackOptions>> {
    if args.no_flows {
        return Ok(None);
    }
    let secs = |name: &str, v: f64| -> anyhow::Result<i64> {
        if !(v.is_finite() && v > 0.0 && v < 1e9) {
            return Err(user_error(format!(
                "--{name} must be a positive number of seconds, not {v}"
            )));
        }
        Ok((v * 1e9) as i64)
    };
    if args.max_flows == 0 {
        return Err(user_error("--max-flows must be at least 1"));
    }
    Ok(Some(TrackOptions {
        tcp_timeout_ns: secs("tcp-timeout", args.tcp_timeout)?,
        udp_timeout_ns: secs("udp-timeout", args.udp_timeout)?,
        icmp_timeout_ns: secs("icmp-timeout", args.icmp_timeout)?,
        other_timeout_ns: secs("icmp-timeout", args.icmp_timeout)?,
        max_flows: args.max_flows,
        app: !args.no_app,
        ..TrackOptions::default()
    }))
}

/// Inputs as given on the command line; `-` at most once.
pub fn input_specs(args: &[String]) -> anyhow::Result<Vec<InputSpec>> {
    let specs: Vec<InputSpec> = args.iter().map(|a| InputSpec::from_arg(a)).collect();
    if specs.iter().filter(|s| **s == InputSpec::Stdin).count() > 1 {
        return Err(user_error("`-` (stdin) can be given only once"));
    }
    Ok(specs)
}
