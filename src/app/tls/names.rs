//! Zeek's ssl.log version names (scripts/base/protocols/ssl/consts.zeek, `version_strings`).

/// Zeek's name for a TLS/DTLS version number: SSLv2, SSLv3, TLSv10..TLSv13, DTLSv10, DTLSv12,
/// DTLSv13; TLS 1.3 drafts as `TLSv13-draftN` and anything else as `unknown-N`, computed exactly
/// as Zeek's table default does (`i/0xFF == 0x7F` → draft `i % 0x7F`).
pub fn version_name(v: u16) -> String {
    let known = match v {
        0x0002 => "SSLv2",
        0x0300 => "SSLv3",
        0x0301 => "TLSv10",
        0x0302 => "TLSv11",
        0x0303 => "TLSv12",
        0x0304 => "TLSv13",
        0xfeff => "DTLSv10",
        0xfefd => "DTLSv12",
        0xfefc => "DTLSv13",
        _ => {
            return if v / 0xff == 0x7f {
                format!("TLSv13-draft{}", v % 0x7f)
            } else {
                format!("unknown-{v}")
            };
        }
    };
    known.to_string()
}
