//! Per-flow QUIC state: connection IDs, version, Initial keys and CRYPTO streams.

use super::frames::{self, Stop};
use super::header::{self, Kind, LongHeader, Packet};
use super::keys::{self, DirectionKeys};
use super::protect;
use super::reassembly::{CryptoStream, MAX_CRYPTO_BYTES};

/// One direction of the Initial packet number space.
#[derive(Default)]
struct Direction {
    /// Keys of the last version used in this direction.
    keys: Option<DirectionKeys>,
    /// Largest packet number decrypted, for packet-number reconstruction.
    largest_pn: Option<u64>,
    /// The CRYPTO stream.
    stream: CryptoStream,
    /// No more CRYPTO data wanted (first handshake message complete, or caller said so).
    finished: bool,
}

/// State of one QUIC flow (one UDP 5-tuple): everything learnt from its long-header
/// packets and the decrypted CRYPTO data of both directions' Initial packets.
#[derive(Default)]
pub struct QuicFlow {
    version: Option<u32>,
    /// First non-empty DCID of a client long header (Zeek's `client_initial_dcid`).
    client_initial_dcid: Option<Vec<u8>>,
    client_scid: Option<Vec<u8>>,
    server_scid: Option<Vec<u8>>,
    /// DCID the Initial keys derive from: the client's first Initial's, or a Retry's SCID.
    key_dcid: Option<Vec<u8>>,
    client: Direction,
    server: Direction,
    retried: bool,
    server_initial_seen: bool,
    gave_up: bool,
    closed: bool,
    note: Option<&'static str>,
}

impl QuicFlow {
    /// Bytes buffered for both directions' CRYPTO streams.
    pub fn held(&self) -> usize {
        self.client.stream.held() + self.server.stream.held()
    }

    /// An empty flow.
    pub fn new() -> Self {
        Self::default()
    }

    /// One UDP payload; `from_client` = sent by the side that sent the first Initial.
    pub fn datagram(&mut self, from_client: bool, payload: &[u8]) {
        let mut rest = payload;
        while !self.gave_up && !rest.is_empty() {
            let Packet::Long(h) = header::parse(rest) else {
                break;
            };
            let (packet, tail) = rest.split_at_checked(h.packet_len).unwrap_or((rest, &[]));
            self.long_packet(from_client, &h, packet);
            rest = tail;
        }
    }

    /// Handles one long-header packet (`packet` is its bytes).
    fn long_packet(&mut self, from_client: bool, h: &LongHeader<'_>, packet: &[u8]) {
        if self.version.is_none() {
            self.version = Some(h.version);
        }
        match h.kind {
            Kind::VersionNegotiation { .. } => {
                if !from_client {
                    self.give_up("quic_version_negotiation");
                }
            }
            Kind::UnknownVersion => {
                self.record_ids(from_client, h);
                self.give_up("quic_unknown_version");
            }
            Kind::Retry { .. } => {
                if !from_client {
                    self.retry(h, packet);
                }
            }
            Kind::ZeroRtt | Kind::Handshake => self.record_ids(from_client, h),
            Kind::Initial { pn_offset, .. } => {
                self.record_ids(from_client, h);
                self.initial(from_client, h, packet, pn_offset);
            }
        }
    }

    /// Zeek's `set_session`: the first non-empty client DCID, the latest SCID of each side.
    fn record_ids(&mut self, from_client: bool, h: &LongHeader<'_>) {
        if from_client {
            if self.client_initial_dcid.is_none() && !h.dcid.is_empty() {
                self.client_initial_dcid = Some(h.dcid.to_vec());
            }
            set_bytes(&mut self.client_scid, h.scid);
        } else {
            set_bytes(&mut self.server_scid, h.scid);
        }
    }

    /// A server's Retry: later Initials of both sides use keys from its SCID.
    fn retry(&mut self, h: &LongHeader<'_>, packet: &[u8]) {
        if self.retried || self.server_initial_seen {
            return;
        }
        let (Some(odcid), Some(params)) = (self.key_dcid.as_deref(), h.params) else {
            return;
        };
        if let Some(retry_key) = &params.retry
            && !protect::retry_tag_ok(retry_key, odcid, packet)
        {
            return;
        }
        self.key_dcid = Some(h.scid.to_vec());
        self.client.keys = None;
        self.server.keys = None;
        self.retried = true;
    }

    /// Decrypts an Initial packet and feeds its CRYPTO frames to that direction's stream.
    fn initial(&mut self, from_client: bool, h: &LongHeader<'_>, packet: &[u8], pn_offset: usize) {
        if from_client && self.key_dcid.is_none() {
            self.key_dcid = Some(h.dcid.to_vec());
        }
        if !from_client {
            self.server_initial_seen = true;
        }
        let (Some(params), Some(dcid)) = (h.params, self.key_dcid.as_deref()) else {
            return; // server Initial before any client Initial: no keys
        };
        let dir = if from_client {
            &mut self.client
        } else {
            &mut self.server
        };
        if dir.finished {
            return;
        }
        if dir.keys.as_ref().is_none_or(|k| k.version != h.version) {
            dir.keys = keys::derive(&params, dcid, from_client);
        }
        let Some(keys) = dir.keys.as_ref() else {
            return;
        };
        let Some(opened) = protect::open(keys, packet, pn_offset, dir.largest_pn) else {
            self.give_up("quic_decrypt_failed");
            return;
        };
        dir.largest_pn = Some(dir.largest_pn.map_or(opened.pn, |l| l.max(opened.pn)));
        let parsed = frames::parse(&opened.payload);
        let mut failure = None;
        for (offset, data) in parsed.crypto {
            if let Err(note) = dir.stream.insert(offset, data) {
                failure = Some(note);
                break;
            }
        }
        if dir
            .stream
            .first_message_len()
            .is_some_and(|n| n > MAX_CRYPTO_BYTES)
        {
            failure = failure.or(Some("quic_crypto_limit"));
        }
        if dir.stream.first_message_complete() {
            dir.finished = true;
        }
        if let Some(note) = failure {
            self.give_up(note);
        } else if parsed.stop == Stop::ConnectionClose {
            self.closed = true;
            self.note = self.note.or(Some("quic_connection_close"));
        }
    }

    /// Stops all further parsing of this flow with a note.
    fn give_up(&mut self, note: &'static str) {
        self.gave_up = true;
        self.note = self.note.or(Some(note));
    }

    /// QUIC version of the first long header seen (e.g. 0x00000001, 0x6b3343cf).
    pub fn version(&self) -> Option<u32> {
        self.version
    }

    /// CRYPTO bytes of that direction's Initial space that became contiguous from offset 0
    /// since the last call (the caller feeds them to a TLS handshake-message parser).
    pub fn take_crypto(&mut self, from_client: bool) -> Vec<u8> {
        if from_client {
            self.client.stream.take()
        } else {
            self.server.stream.take()
        }
    }

    /// Destination Connection ID of the client's first long-header packet (Zeek's
    /// `client_initial_dcid`; after a Retry it stays the original one).
    pub fn client_initial_dcid(&self) -> Option<&[u8]> {
        self.client_initial_dcid.as_deref()
    }

    /// Source Connection ID of the client's latest long-header packet (may be empty).
    pub fn client_scid(&self) -> Option<&[u8]> {
        self.client_scid.as_deref()
    }

    /// Source Connection ID of the server's latest Initial/Handshake/0-RTT packet.
    pub fn server_scid(&self) -> Option<&[u8]> {
        self.server_scid.as_deref()
    }

    /// Whether a valid Retry was seen (the Initial keys then derive from its SCID).
    pub fn retried(&self) -> bool {
        self.retried
    }

    /// Tells the flow that the caller needs no more CRYPTO bytes of a direction (`true`
    /// marks it finished; `false` leaves it as is). The flow finishes a direction by
    /// itself once its first handshake message is complete.
    pub fn set_hellos_seen(&mut self, client: bool, server: bool) {
        self.client.finished |= client;
        self.server.finished |= server;
    }

    /// Whether the first handshake message of a direction (ClientHello / ServerHello)
    /// is complete in its CRYPTO stream, or the caller marked the direction finished.
    pub fn hello_complete(&self, from_client: bool) -> bool {
        if from_client {
            self.client.finished
        } else {
            self.server.finished
        }
    }

    /// Nothing more to learn: both Initial CRYPTO streams past their hellos, a
    /// CONNECTION_CLOSE in an Initial, or gave up.
    pub fn done(&self) -> bool {
        self.gave_up || self.closed || (self.client.finished && self.server.finished)
    }

    /// Why parsing stopped early, if it did: "quic_decrypt_failed", "quic_unknown_version",
    /// "quic_version_negotiation", "quic_crypto_limit", "quic_crypto_fragments",
    /// "quic_connection_close".
    pub fn note(&self) -> Option<&'static str> {
        self.note
    }
}

/// Stores `value` in `slot`, reusing its allocation.
fn set_bytes(slot: &mut Option<Vec<u8>>, value: &[u8]) {
    let v = slot.get_or_insert_with(Vec::new);
    v.clear();
    v.extend_from_slice(value);
}
