//! Writes frames, bytes unchanged, as legacy pcap (nanosecond magic) or pcapng (a section
//! header, one interface description per input interface with nanosecond resolution, an
//! enhanced packet block per frame).

use std::collections::HashMap;
use std::io::Write;

use anyhow::Result;

use crate::error::user_error;
use crate::source::Frame;

/// Output file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Legacy pcap, nanosecond timestamps.
    Pcap,
    /// pcapng.
    Pcapng,
}

/// Snapshot length written in headers: large enough for any frame pcapq reads.
const SNAPLEN: u32 = 262_144;

/// A capture file being written.
pub struct FrameWriter {
    out: Box<dyn Write>,
    format: Format,
    started: bool,
    /// pcap: the link type of the file.
    link_type: Option<u32>,
    /// pcapng: output interface of each (capture, interface).
    interfaces: HashMap<(u32, u32), u32>,
}

impl FrameWriter {
    /// A writer of `format` on `out`.
    pub fn new(out: impl Write + 'static, format: Format) -> Self {
        FrameWriter {
            out: Box::new(out),
            format,
            started: false,
            link_type: None,
            interfaces: HashMap::new(),
        }
    }

    /// Writes one frame of capture `capture_id`.
    pub fn frame(&mut self, capture_id: u32, f: &Frame<'_>) -> Result<()> {
        match self.format {
            Format::Pcap => self.pcap_frame(f),
            Format::Pcapng => self.pcapng_frame(capture_id, f),
        }
    }

    /// Flushes the file.
    pub fn finish(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }

    fn pcap_frame(&mut self, f: &Frame<'_>) -> Result<()> {
        match self.link_type {
            None => {
                let mut h = Vec::with_capacity(24);
                h.extend_from_slice(&0xa1b2_3c4du32.to_le_bytes());
                h.extend_from_slice(&2u16.to_le_bytes());
                h.extend_from_slice(&4u16.to_le_bytes());
                h.extend_from_slice(&[0; 8]);
                h.extend_from_slice(&SNAPLEN.to_le_bytes());
                h.extend_from_slice(&f.link_type.to_le_bytes());
                self.out.write_all(&h)?;
                self.link_type = Some(f.link_type);
            }
            Some(l) if l != f.link_type => {
                return Err(user_error(format!(
                    "the selection mixes link types {l} and {}: a pcap file holds one; name the \
                     output .pcapng",
                    f.link_type
                )));
            }
            Some(_) => {}
        }
        let (sec, ns) = (
            f.ts_ns.div_euclid(1_000_000_000),
            f.ts_ns.rem_euclid(1_000_000_000),
        );
        let sec = u32::try_from(sec).map_err(|_| {
            user_error(format!(
                "frame {}: its time does not fit a pcap header; name the output .pcapng",
                f.number
            ))
        })?;
        let mut r = Vec::with_capacity(16);
        r.extend_from_slice(&sec.to_le_bytes());
        r.extend_from_slice(&(ns as u32).to_le_bytes());
        r.extend_from_slice(&(f.data.len() as u32).to_le_bytes());
        r.extend_from_slice(&f.wire_len.to_le_bytes());
        self.out.write_all(&r)?;
        self.out.write_all(f.data)?;
        Ok(())
    }

    fn pcapng_frame(&mut self, capture_id: u32, f: &Frame<'_>) -> Result<()> {
        if !self.started {
            // Section header: byte-order magic, version 1.0, section length unknown.
            let mut body = Vec::new();
            body.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
            body.extend_from_slice(&1u16.to_le_bytes());
            body.extend_from_slice(&0u16.to_le_bytes());
            body.extend_from_slice(&(-1i64).to_le_bytes());
            self.block(0x0a0d_0d0a, &body)?;
            self.started = true;
        }
        let next = self.interfaces.len() as u32;
        let iface = match self.interfaces.get(&(capture_id, f.interface_id)) {
            Some(&i) => i,
            None => {
                // Interface description: link type, snaplen, if_tsresol = 9 (nanoseconds).
                let mut body = Vec::new();
                body.extend_from_slice(&(f.link_type as u16).to_le_bytes());
                body.extend_from_slice(&0u16.to_le_bytes());
                body.extend_from_slice(&SNAPLEN.to_le_bytes());
                body.extend_from_slice(&9u16.to_le_bytes());
                body.extend_from_slice(&1u16.to_le_bytes());
                body.extend_from_slice(&[9, 0, 0, 0]);
                body.extend_from_slice(&[0, 0, 0, 0]);
                self.block(1, &body)?;
                self.interfaces.insert((capture_id, f.interface_id), next);
                next
            }
        };
        let ts = f.ts_ns as u64;
        let mut body = Vec::with_capacity(20 + f.data.len() + 3);
        body.extend_from_slice(&iface.to_le_bytes());
        body.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        body.extend_from_slice(&(ts as u32).to_le_bytes());
        body.extend_from_slice(&(f.data.len() as u32).to_le_bytes());
        body.extend_from_slice(&f.wire_len.to_le_bytes());
        body.extend_from_slice(f.data);
        body.resize(body.len().next_multiple_of(4), 0);
        self.block(6, &body)
    }

    /// One pcapng block: type, total length, body (a multiple of 4 bytes), total length.
    fn block(&mut self, typ: u32, body: &[u8]) -> Result<()> {
        let total = (body.len() + 12) as u32;
        self.out.write_all(&typ.to_le_bytes())?;
        self.out.write_all(&total.to_le_bytes())?;
        self.out.write_all(body)?;
        self.out.write_all(&total.to_le_bytes())?;
        Ok(())
    }
}
