//! Cheap payload-based service detectors (Zeek's service names: ssh, ntp, dhcp,
//! smtp, ftp; stun has no Zeek analyzer), each a function of a flow's first payload.

mod lines;
mod ssh;
mod text;
mod udp;

#[cfg(test)]
mod tests;

pub use ssh::{MAX_BANNER, ssh_banner, ssh_server_banner};
pub use text::{
    ftp_greeting, imap_greeting, irc_start, mysql_greeting, pop3_greeting, rdp_request,
    smtp_greeting, xmpp_stream,
};
pub use udp::{is_dhcp, is_ntp, is_stun};
