//! What the application stage has learnt about one flow while the flow lasts, kept small:
//! most flows only ever learn a service name (a DNS flow, a TLS flow cut by the snap
//! length), and a capture can hold hundreds of thousands of them at once. The services and
//! the note sit inline; the other columns are allocated with the first of them.

use super::rows::AppSummary;

/// Every service the stage detects, as Zeek names it. A flow stores its services as
/// positions in this list.
const SERVICE_NAMES: [&str; 17] = [
    "ssl",
    "http",
    "ssh",
    "dns",
    "smtp",
    "ftp",
    "quic",
    "dtls",
    "dhcp",
    "stun",
    "ntp",
    "websocket",
    "pop3",
    "imap",
    "xmpp",
    "irc",
    "mysql",
];
/// Bits per stored service (its position in [`SERVICE_NAMES`] plus one; 0 ends the list).
const SERVICE_BITS: u32 = 5;

/// A flow's application columns so far.
#[derive(Debug, Default)]
pub struct Learnt {
    /// Services in the order found, [`SERVICE_BITS`] each, the first in the lowest bits.
    services: u64,
    /// Why parsing stopped early, when it did (the first reason stands).
    note: Option<&'static str>,
    /// Every other column, once one of them is known.
    details: Option<Box<AppSummary>>,
}

impl Learnt {
    /// Adds a service, unless the flow already has it.
    pub fn add_service(&mut self, name: &'static str) {
        let pos = SERVICE_NAMES.iter().position(|&n| n == name);
        if let Some(pos) = pos {
            if self.codes().any(|c| c == pos) {
                return;
            }
            // Twelve places of five bits, more services than a flow finds; any beyond
            // are kept with the other columns, after these as they come after them.
            let shift = self.codes().count() as u32 * SERVICE_BITS;
            if shift + SERVICE_BITS <= u64::BITS {
                self.services |= (pos as u64 + 1) << shift;
                return;
            }
        }
        // A name missing from the list (or past the places) is kept with the other columns.
        let d = self.details();
        if !d.services.contains(&name) {
            d.services.push(name);
        }
    }

    /// Whether the flow has service `name` (one of the stage's own names).
    pub fn has_service(&self, name: &str) -> bool {
        SERVICE_NAMES
            .iter()
            .position(|&n| n == name)
            .is_some_and(|pos| self.codes().any(|c| c == pos))
    }

    /// The stored services' positions in [`SERVICE_NAMES`], in the order found.
    fn codes(&self) -> impl Iterator<Item = usize> + use<> {
        let mut rest = self.services;
        std::iter::from_fn(move || {
            let code = (rest & ((1 << SERVICE_BITS) - 1)) as usize;
            rest >>= SERVICE_BITS;
            code.checked_sub(1)
        })
    }

    /// Records why parsing stopped, unless an earlier reason was recorded.
    pub fn note(&mut self, note: &'static str) {
        self.note.get_or_insert(note);
    }

    /// Why parsing stopped early, if it did.
    pub fn note_text(&self) -> Option<&'static str> {
        self.note
    }

    /// The columns other than the services and the note (allocated on first use).
    pub fn details(&mut self) -> &mut AppSummary {
        self.details.get_or_insert_with(Box::default)
    }

    /// The columns other than the services and the note, if any is known.
    pub fn known(&self) -> Option<&AppSummary> {
        self.details.as_deref()
    }

    /// The flow's application columns.
    pub fn into_summary(self) -> AppSummary {
        let listed = self.codes().map(|c| SERVICE_NAMES[c]).collect();
        let mut summary = self.details.map(|d| *d).unwrap_or_default();
        let unlisted = std::mem::replace(&mut summary.services, listed);
        summary.services.extend(unlisted);
        summary.note = self.note;
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_keep_their_order_once_each() {
        let mut l = Learnt::default();
        for s in ["quic", "ssl", "quic", "ntp", "dhcp", "ssl"] {
            l.add_service(s);
        }
        l.note("tls_gap");
        l.note("later");
        let s = l.into_summary();
        assert_eq!(s.services, ["quic", "ssl", "ntp", "dhcp"]);
        assert_eq!(s.note, Some("tls_gap"));
        assert_eq!(s.server_name, None);
    }

    #[test]
    fn every_listed_service_fits_and_unlisted_ones_follow() {
        let mut l = Learnt::default();
        for s in SERVICE_NAMES {
            l.add_service(s);
        }
        l.add_service("other");
        l.details().server_name = Some("example.com".into());
        let s = l.into_summary();
        let mut want = SERVICE_NAMES.to_vec();
        want.push("other");
        assert_eq!(s.services, want);
        assert_eq!(s.server_name.as_deref(), Some("example.com"));
    }

    #[test]
    fn a_service_only_flow_allocates_nothing() {
        let mut l = Learnt::default();
        l.add_service("dns");
        assert!(l.known().is_none());
        assert!(size_of::<Learnt>() <= 32);
    }

    #[test]
    fn a_flow_state_stays_small() {
        // Hundreds of thousands of flows can be open at once (docs/architecture.md).
        let size = size_of::<crate::app::AppFlow>();
        assert!(size <= 80, "AppFlow is {size} bytes");
    }
}
