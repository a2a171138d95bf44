//! Line splitting with "plain delivery", mirroring Zeek's ContentLine
//! analyzer: lines end at CRLF, lone CR or lone LF (or only CRLF while
//! `crlf_only` is set), and a byte count can be handed over unsplit.
//! Only a bounded prefix of each line is stored; its full length is counted.

/// What the splitter produced.
pub(super) enum Piece<'a> {
    /// A complete line: take it with [`LineSplitter::take_line`].
    Line,
    /// Bytes delivered without line splitting.
    Plain(&'a [u8]),
    /// The current line grew past the limit set with [`LineSplitter::set_limit`].
    Overflow,
}

/// Per-direction line state.
pub(super) struct LineSplitter {
    buf: Vec<u8>,
    len: u64,
    cap: usize,
    limit: Option<u64>,
    last_char: u8,
    /// Only CRLF ends a line (Zeek's `SetCRLFAsEOL(0)` inside multipart parts).
    pub(super) crlf_only: bool,
    /// Bytes still to deliver unsplit.
    pub(super) plain: u64,
    /// Zeek's `delivery_length`: when the deliveries since it was set add
    /// up to exactly this, a partial line is ended there (-1: unset).
    pub(super) delivery: i64,
}

impl LineSplitter {
    /// Bytes buffered for an unterminated line.
    pub(super) fn held(&self) -> usize {
        self.buf.capacity()
    }

    /// An empty splitter storing at most `cap` bytes of a line.
    pub(super) fn new(cap: usize) -> Self {
        LineSplitter {
            buf: Vec::new(),
            len: 0,
            cap,
            limit: None,
            last_char: 0,
            crlf_only: false,
            plain: 0,
            delivery: -1,
        }
    }

    /// Stores at most `cap` bytes of each line (the rest is only counted).
    pub(super) fn set_cap(&mut self, cap: usize) {
        self.cap = cap;
    }

    /// Reports [`Piece::Overflow`] once a line exceeds `limit` bytes.
    pub(super) fn set_limit(&mut self, limit: Option<u64>) {
        self.limit = limit;
    }

    /// Whether an unterminated line is buffered (Zeek's `offset > 0`).
    pub(super) fn has_partial(&self) -> bool {
        self.len > 0
    }

    /// Takes the line just completed (its stored prefix and full length).
    pub(super) fn take_line(&mut self) -> (Vec<u8>, u64) {
        let len = std::mem::take(&mut self.len);
        (std::mem::take(&mut self.buf), len)
    }

    /// Returns a buffer from [`LineSplitter::take_line`] for reuse.
    pub(super) fn give_back(&mut self, mut buf: Vec<u8>) {
        if self.buf.is_empty() && self.len == 0 {
            buf.clear();
            self.buf = buf;
        }
    }

    /// Appends line content.
    fn store(&mut self, bytes: &[u8]) {
        let room = self.cap.saturating_sub(self.buf.len());
        self.buf
            .extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or_default());
        self.len = self
            .len
            .saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
    }

    /// Whether the line is over the limit.
    fn over(&self) -> bool {
        self.limit.is_some_and(|l| self.len > l)
    }

    /// Consumes input up to the next piece. The caller must call
    /// [`LineSplitter::take_line`] after a [`Piece::Line`].
    pub(super) fn next<'a>(&mut self, data: &mut &'a [u8]) -> Option<Piece<'a>> {
        loop {
            let input: &'a [u8] = data;
            let first = *input.first()?;
            if !self.crlf_only && self.last_char == b'\r' && first == b'\n' {
                // CRLF split across deliveries: the CR already ended the line.
                self.last_char = b'\n';
                *data = input.get(1..).unwrap_or_default();
                continue;
            }
            if self.plain > 0 {
                let n = usize::try_from(self.plain)
                    .unwrap_or(usize::MAX)
                    .min(input.len());
                let (chunk, rest) = input.split_at_checked(n).unwrap_or((input, &[]));
                self.last_char = 0;
                self.plain = self
                    .plain
                    .saturating_sub(u64::try_from(n).unwrap_or(u64::MAX));
                *data = rest;
                return Some(Piece::Plain(chunk));
            }
            let Some(pos) = input.iter().position(|&c| c == b'\r' || c == b'\n') else {
                self.store(input);
                if let Some(&c) = input.last() {
                    self.last_char = c;
                }
                *data = &[];
                return self.over().then_some(Piece::Overflow);
            };
            let (head, tail) = input.split_at_checked(pos).unwrap_or((input, &[]));
            if let Some(&c) = head.last() {
                self.last_char = c;
            }
            self.store(head);
            if self.over() {
                *data = tail;
                return Some(Piece::Overflow);
            }
            let eol = tail.first().copied().unwrap_or(b'\n');
            let after = tail.get(1..).unwrap_or_default();
            if eol == b'\r' {
                if after.first() == Some(&b'\n') {
                    self.last_char = b'\n';
                    *data = after.get(1..).unwrap_or_default();
                    return Some(Piece::Line);
                }
                *data = after;
                self.last_char = b'\r';
                if !self.crlf_only {
                    return Some(Piece::Line);
                }
                self.store(b"\r");
                continue;
            }
            // A line feed.
            *data = after;
            if self.last_char == b'\r' {
                // Only reachable in CRLF-only mode: the CR was stored.
                self.last_char = b'\n';
                if self.len == 0 {
                    continue;
                }
                self.len = self.len.saturating_sub(1);
                if u64::try_from(self.buf.len()).unwrap_or(u64::MAX) > self.len {
                    self.buf.pop();
                }
                return Some(Piece::Line);
            }
            self.last_char = b'\n';
            if !self.crlf_only {
                return Some(Piece::Line);
            }
            self.store(b"\n");
        }
    }
}
