//! Line helpers shared by the text detectors.

/// The first line of `bytes` without its CR/LF (all of `bytes` when there is none).
pub(super) fn first_line(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(bytes.len());
    bytes.get(..end).unwrap_or(bytes)
}

/// Whether `hay` contains `needle`, ASCII case-insensitively.
pub(super) fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether `bytes` starts with `prefix`, ASCII case-insensitively.
pub(super) fn starts_with_ci(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes
        .get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}
