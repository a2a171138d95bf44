//! Errors and exit codes. A [`UserError`] is the input's fault (not a capture, bad SQL,
//! a damaged file under `--strict`): exit code 2. Anything else is exit code 1.

use std::fmt;

/// An error caused by what the user gave pcapq; exits with code 2.
#[derive(Debug)]
pub struct UserError(pub String);

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// Shorthand for an `anyhow` error that exits with code 2.
pub fn user_error(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UserError(message.into()))
}

/// Exit code for an error: 2 for the user's input, 1 otherwise.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    let user = err
        .chain()
        .any(|e| e.is::<UserError>() || e.is::<crate::source::OpenError>());
    if user { 2 } else { 1 }
}
