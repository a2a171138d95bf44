//! Numbers printed the way the course's reference program prints them: Python's
//! `print(round(x, 6))`, so that a grader's diff sees the same text.

/// `str(round(x, 6))` for a Python float: rounded half-to-even on the exact binary value
/// to 6 decimals (as Python's `round` does), then the shortest text that reads back as
/// the same double (Python's `repr`): `0.0`, `39.27915`, `1e-06`, `1e+16`.
pub fn round6(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "nan".to_string()
        } else if x > 0.0 {
            "inf".to_string()
        } else {
            "-inf".to_string()
        };
    }
    // Rust's fixed-precision formatting is exact and rounds ties to even, like Python's
    // round(); reading it back gives the double round() returns.
    let rounded: f64 = format!("{x:.6}").parse().unwrap_or(x);
    repr(rounded)
}

/// Python's `repr` of a finite double.
pub fn repr(x: f64) -> String {
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0.0");
    }
    // `{:e}` gives the shortest round-trip digits: "3.927915e1", "1e-6".
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    // The decimal point sits after `point` digits (Python's decpt).
    let point = exp + 1;
    if -4 < point && point <= 16 {
        let text = if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            let (int, frac) = digits.split_at(point as usize);
            format!("{int}.{frac}")
        };
        format!("{sign}{text}")
    } else {
        let (first, rest) = digits.split_at(1);
        let mantissa = if rest.is_empty() {
            first.to_string()
        } else {
            format!("{first}.{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{esign}{:02}", exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each pair was printed by CPython 3.11: `print(round(x, 6))`. The inputs are the
    /// doubles Python read, digits beyond f64 precision included.
    #[test]
    #[allow(clippy::excessive_precision)]
    fn prints_as_python_rounds_and_reprs() {
        let cases = [
            (0.0, "0.0"),
            (39.279150000000004, "39.27915"),
            (37.3125, "37.3125"),
            (0.25, "0.25"),
            (2.5, "2.5"),
            (0.0000005, "0.0"),
            (0.0000015, "2e-06"),
            (1.0000005, "1.000001"),
            (1e-7, "0.0"),
            (123456789.1234565, "123456789.123456"),
            (15277.6884422111, "15277.688442"),
            (64240.0, "64240.0"),
            (0.0001, "0.0001"),
            (0.00005, "5e-05"),
            (1e16, "1e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (-0.0000001, "-0.0"),
            (-3.25, "-3.25"),
            (100.0, "100.0"),
            (0.1 + 0.2, "0.3"),
        ];
        for (x, want) in cases {
            assert_eq!(round6(x), want, "round({x:?}, 6)");
        }
    }
}
