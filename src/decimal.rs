//! Decimal text of numbers on hot paths, written without the formatting machinery: every
//! TLS hello's JA3 numbers and every ended TCP flow's state (`write!` cost a flood 1% of
//! its tracking).

use std::fmt::Write;

/// Appends `n` in decimal.
pub fn push_decimal(out: &mut impl Write, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        // Writing to a String cannot fail; a bounded writer refuses what does not fit.
        let _ = out.write_char(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text_is_the_standard_librarys() {
        for n in [0, 7, 9, 10, 99, 100, 65_535, 1_000_000, u32::MAX] {
            let mut text = String::new();
            push_decimal(&mut text, n);
            assert_eq!(text, n.to_string());
        }
    }
}
