//! Tests of the DNS module.

mod real;
mod robust;
mod unit;

/// Hex to bytes (test data only).
pub(super) fn unhex(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    b.chunks(2)
        .map(|p| {
            let d = |c: u8| (c as char).to_digit(16).expect("hex digit") as u8;
            d(p[0]) << 4 | d(p[1])
        })
        .collect()
}
