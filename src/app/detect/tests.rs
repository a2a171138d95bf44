//! Tests of the detectors: real SSH banners, hand-built payloads, hostile input.

use super::*;

/// Hex to bytes (test data only).
fn unhex(s: &str) -> Vec<u8> {
    s.as_bytes()
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).expect("ascii"), 16).expect("hex"))
        .collect()
}

/// First payloads of ssh-ssh_kex_curve25519 (frames 4, 6) and ssh-ssh_kex_dh_group18
/// (frames 4, 6): client then server.
const SSH_CAPTURES: [(&str, &str, &str, &str); 2] = [
    (
        "5353482d322e302d4f70656e5353485f372e340d0a",
        "5353482d322e302d4f70656e5353485f372e350d0a",
        "SSH-2.0-OpenSSH_7.4",
        "SSH-2.0-OpenSSH_7.5",
    ),
    (
        "5353482d322e302d4f70656e5353485f31302e330d0a",
        "5353482d322e302d4f70656e5353485f31302e320d0a",
        "SSH-2.0-OpenSSH_10.3",
        "SSH-2.0-OpenSSH_10.2",
    ),
];

/// The start of the client's KEXINIT in ssh_kex_dh_group18 (frame 8).
const SSH_KEXINIT: &str = "0000014c09143f46bb0a29ba88541ba84b2a0ead4d0c000000456469666669652d68656c6c6d616e2d67726f757031382d7368613531322c";

#[test]
fn ssh_banners_equal_zeek_ssh_log() {
    for (client, server, want_client, want_server) in SSH_CAPTURES {
        assert_eq!(ssh_banner(&unhex(client)).as_deref(), Some(want_client));
        assert_eq!(ssh_banner(&unhex(server)).as_deref(), Some(want_server));
        assert_eq!(
            ssh_server_banner(&unhex(server)).as_deref(),
            Some(want_server)
        );
    }
    assert_eq!(ssh_banner(&unhex(SSH_KEXINIT)), None);
}

#[test]
fn ssh_banner_rules() {
    assert_eq!(
        ssh_banner(b"SSH-1.99-Cisco-1.25\r\n").as_deref(),
        Some("SSH-1.99-Cisco-1.25")
    );
    assert_eq!(ssh_banner(b"SSH-2.0-x\nrest").as_deref(), Some("SSH-2.0-x"));
    assert_eq!(
        ssh_banner(b"SSH-2.0-odd\x01\xff").as_deref(),
        Some("SSH-2.0-odd\\x01\\xff")
    );
    assert_eq!(ssh_banner(b"ssh-2.0-lower"), None);
    assert_eq!(ssh_banner(b"SSH-3.0-x"), None);
    assert_eq!(ssh_banner(b"HTTP/1.1 200 OK\r\n"), None);
    let long = [b"SSH-2.0-".as_slice(), &[b'x'; 247]].concat();
    assert!(ssh_banner(&long).is_some());
    let too_long = [b"SSH-2.0-".as_slice(), &[b'x'; 248]].concat();
    assert_eq!(ssh_banner(&too_long), None);
    let pre = b"Welcome\r\nauthorized use only\r\nSSH-2.0-OpenSSH_9.6\r\n";
    assert_eq!(
        ssh_server_banner(pre).as_deref(),
        Some("SSH-2.0-OpenSSH_9.6")
    );
    assert_eq!(ssh_banner(pre), None);
    assert_eq!(ssh_server_banner(b"no banner here"), None);
}

/// A 48-byte NTP packet with the given first byte and stratum.
fn ntp(first: u8, stratum: u8) -> Vec<u8> {
    let mut p = vec![0u8; 48];
    p[0] = first;
    p[1] = stratum;
    p
}

#[test]
fn ntp_rules() {
    assert!(is_ntp(&ntp(0x23, 0))); // v4 client
    assert!(is_ntp(&ntp(0x24, 2))); // v4 server
    assert!(is_ntp(&ntp(0x1b, 0))); // v3 client
    assert!(!is_ntp(&ntp(0x03, 0))); // version 0
    assert!(!is_ntp(&ntp(0x2b, 0))); // version 5
    assert!(!is_ntp(&ntp(0x20, 0))); // mode 0
    assert!(!is_ntp(&ntp(0x24, 200))); // stratum out of range
    assert!(!is_ntp(&ntp(0x23, 0)[..47]));
    assert!(is_ntp(&[0x16, 0x02, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])); // mode 6 control
    assert!(is_ntp(&[0x17, 0, 3, 42, 0, 0, 0, 0])); // mode 7
    assert!(!is_ntp(&[]));
}

#[test]
fn dhcp_rules() {
    let mut p = vec![0u8; 300];
    p[0] = 1;
    p[1] = 1;
    p[2] = 6;
    p[236..240].copy_from_slice(&[0x63, 0x82, 0x53, 0x63]);
    assert!(is_dhcp(&p));
    p[0] = 2;
    assert!(is_dhcp(&p));
    p[0] = 3;
    assert!(!is_dhcp(&p));
    p[0] = 1;
    p[237] = 0;
    assert!(!is_dhcp(&p));
    assert!(!is_dhcp(&p[..239]));
}

#[test]
fn stun_rules() {
    let mut p = vec![0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42];
    p.extend_from_slice(&[7; 12]); // transaction id
    p.extend_from_slice(&[0x80, 0x22, 0x00, 0x04, b't', b'e', b's', b't']);
    assert!(is_stun(&p));
    assert!(!is_stun(&p[..p.len() - 4])); // length mismatch
    let mut q = p.clone();
    q[0] = 0x40; // top bits set
    assert!(!is_stun(&q));
    let mut q = p.clone();
    q[4] = 0x22; // cookie
    assert!(!is_stun(&q));
    let mut q = p[..20].to_vec();
    q[3] = 0;
    assert!(is_stun(&q)); // empty binding request
    q[3] = 2;
    assert!(!is_stun(&q));
}

#[test]
fn smtp_and_ftp_greetings() {
    assert!(smtp_greeting(
        b"220 mx.google.com ESMTP a1si123 - gsmtp\r\n"
    ));
    assert!(smtp_greeting(
        b"220-mail.example.com Microsoft ESMTP MAIL Service ready\r\n"
    ));
    assert!(smtp_greeting(b"EHLO client.example.org\r\n"));
    assert!(smtp_greeting(b"helo x\r\n"));
    assert!(!smtp_greeting(b"220 (vsFTPd 3.0.3)\r\n"));
    assert!(!smtp_greeting(b"EHLOX\r\n"));
    assert!(!smtp_greeting(b"221 bye ESMTP\r\n"));
    assert!(ftp_greeting(b"220 (vsFTPd 3.0.3)\r\n"));
    assert!(ftp_greeting(b"220 Microsoft FTP Service\r\n"));
    assert!(ftp_greeting(b"220-ProFTPD 1.3.5 Server\r\n"));
    assert!(ftp_greeting(b"120 Pure-FTPd ready in 5 minutes\r\n"));
    assert!(ftp_greeting(b"USER anonymous\r\n"));
    assert!(!ftp_greeting(b"220 ftp.example.com ESMTP Postfix\r\n"));
    assert!(!ftp_greeting(b"220 mail.example.com ready\r\n"));
    assert!(!ftp_greeting(b"USERX\r\n"));
    assert!(!smtp_greeting(b"") && !ftp_greeting(b""));
}

#[test]
fn pop3_imap_and_xmpp_starts() {
    assert!(pop3_greeting(b"+OK Dovecot ready.\r\n"));
    assert!(!pop3_greeting(b"-ERR go away\r\n"));
    assert!(imap_greeting(
        b"* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n"
    ));
    assert!(imap_greeting(b"* PREAUTH IMAP4rev1 server logged in\r\n"));
    assert!(!imap_greeting(b"* BYE\r\n"));
    assert!(xmpp_stream(
        b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' to='example.com' version='1.0'>"
    ));
    assert!(xmpp_stream(
        b"<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:server'>"
    ));
    assert!(!xmpp_stream(b"<?xml version='1.0'?><svg></svg>"));
    assert!(!pop3_greeting(b"") && !imap_greeting(b"") && !xmpp_stream(b""));
}

#[test]
fn mysql_by_its_server_greeting() {
    let mut g = vec![74, 0, 0, 0, 10];
    g.extend(b"5.7.19-0ubuntu0.16.04.1\0");
    g.extend([0x33; 50]);
    assert!(mysql_greeting(&g));
    g[4] = 9;
    assert!(!mysql_greeting(&g), "protocol version 9");
    assert!(!mysql_greeting(b"J\0\0\0\x0a\0"));
    assert!(!mysql_greeting(b"HTTP/1.1 200 OK\r\n"));
}

#[test]
fn rdp_by_its_connection_request() {
    let mut cr = vec![3, 0, 0, 0x2b, 0x26, 0xe0, 0, 0, 0, 0, 0];
    cr.extend(b"Cookie: mstshash=user\r\n");
    assert!(rdp_request(&cr, [50000, 3390]));
    assert!(rdp_request(&cr[..11], [50000, 3389]));
    assert!(
        !rdp_request(&cr[..11], [50000, 3390]),
        "no cookie, not on 3389"
    );
    cr[5] = 0xf0;
    assert!(
        !rdp_request(&cr, [50000, 3389]),
        "data, not a connection request"
    );
}

#[test]
fn irc_by_its_registration_or_on_its_ports() {
    let any = [50000, 7777];
    let irc = [50000, 6667];
    assert!(irc_start(b"NICK me\r\nUSER me 0 * :Me\r\n", true, any));
    assert!(!irc_start(b"NICK me\r\n", true, any));
    assert!(irc_start(b"STARTTLS\r\n", true, irc));
    assert!(!irc_start(b"STARTTLS\r\n", true, any));
    assert!(irc_start(b":irc.example NOTICE * :hello\r\n", false, irc));
    assert!(irc_start(b"670 :go ahead\r\n", false, irc));
    assert!(
        !irc_start(b"STARTT", true, irc),
        "an unfinished line says nothing yet"
    );
    assert!(!irc_start(b"hello there\r\n", false, irc));
}

/// A tiny xorshift generator.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Every detector on one input.
fn exercise(b: &[u8]) {
    let _ = (
        ssh_banner(b),
        ssh_server_banner(b),
        is_ntp(b),
        is_dhcp(b),
        is_stun(b),
    );
    let _ = (
        smtp_greeting(b),
        ftp_greeting(b),
        pop3_greeting(b),
        imap_greeting(b),
    );
    let _ = (
        xmpp_stream(b),
        irc_start(b, true, [6667, 1]),
        mysql_greeting(b),
    );
}

#[test]
fn hostile_input() {
    let seeds: Vec<Vec<u8>> = vec![
        unhex(SSH_CAPTURES[0].0),
        unhex(SSH_KEXINIT),
        b"220 (vsFTPd 3.0.3)\r\n".to_vec(),
        ntp(0x23, 0),
    ];
    for s in &seeds {
        for n in 0..=s.len() {
            exercise(&s[..n]);
        }
        for i in 0..s.len() {
            for v in [0u8, b'\r', b'\n', 0x80, 0xff] {
                let mut c = s.clone();
                c[i] = v;
                exercise(&c);
            }
        }
    }
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    for _ in 0..3000 {
        let len = (rng.next() % 400) as usize;
        let b: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        exercise(&b);
    }
    // A long line without an end is bounded work and no banner.
    let big = vec![b'S'; 1 << 16];
    assert_eq!((ssh_banner(&big), ssh_server_banner(&big)), (None, None));
}
