//! Names of link types (DLT / LINKTYPE numbers), as `capinfos` and tcpdump print them.

/// Short name of a link type, in Wireshark's encapsulation naming (`ether`, `rawip`, …),
/// or `linktype-N` for one pcapq does not know.
pub fn short_name(link_type: u32) -> String {
    let name = match link_type {
        0 => "null",
        1 => "ether",
        9 | 50 => "ppp",
        12 | 14 | 101 => "rawip",
        104 => "chdlc",
        105 => "ieee-802-11",
        108 | 109 => "loop",
        113 => "linux-sll",
        127 => "ieee-802-11-radiotap",
        192 => "ppi",
        228 => "rawip4",
        229 => "rawip6",
        239 => "nflog",
        276 => "linux-sll2",
        u32::MAX => "undefined-interface",
        n => return format!("linktype-{n}"),
    };
    name.to_string()
}
