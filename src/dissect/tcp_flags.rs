//! TCP flags as letters: `S`, `SA`, `FA`, `R`, `PA`, … in the fixed order S F R P A U E C N
//! (N for the AE/NS bit), the form `packets.tcp_flags_str` stores.

use std::sync::LazyLock;

const LETTERS: [(u16, char); 9] = [
    (0x002, 'S'),
    (0x001, 'F'),
    (0x004, 'R'),
    (0x008, 'P'),
    (0x010, 'A'),
    (0x020, 'U'),
    (0x040, 'E'),
    (0x080, 'C'),
    (0x100, 'N'),
];

static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
    (0u16..512)
        .map(|flags| {
            LETTERS
                .iter()
                .filter(|(bit, _)| flags & bit != 0)
                .map(|(_, c)| *c)
                .collect()
        })
        .collect()
});

/// Letters of the nine TCP flag bits (reserved bits are ignored).
pub fn flags_str(flags: u16) -> &'static str {
    NAMES[usize::from(flags & 0x1ff)].as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_common_flag_sets() {
        assert_eq!(flags_str(0x002), "S");
        assert_eq!(flags_str(0x012), "SA");
        assert_eq!(flags_str(0x011), "FA");
        assert_eq!(flags_str(0x004), "R");
        assert_eq!(flags_str(0x018), "PA");
        assert_eq!(flags_str(0x000), "");
    }
}
