//! Where canonical text goes: a hasher (the fast path) or a hasher that also keeps a copy
//! (the explain path). Canonicalisation is written once, generic over the sink.

use sha2::{Digest, Sha256};

use crate::canonical::Hdr;

/// A byte sink for canonical text.
pub(crate) trait Sink {
    fn write(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Canonical text is ASCII wherever it is written into a `String` (header names, encoded
/// components); anything else is replaced rather than trusted.
impl Sink for String {
    fn write(&mut self, bytes: &[u8]) {
        match std::str::from_utf8(bytes) {
            Ok(s) => self.push_str(s),
            Err(_) => self.push_str(&String::from_utf8_lossy(bytes)),
        }
    }
}

/// Work buffers reused across signatures on one thread, so that steady-state signing does not
/// allocate for the canonical request or its work space.
#[derive(Default)]
pub(crate) struct Buffers {
    pub(crate) scratch: Vec<u8>,
    pub(crate) creq: Vec<u8>,
    pub(crate) hdrs: Vec<Hdr>,
    pub(crate) sorted: Vec<u16>,
    pub(crate) keys: Vec<(u64, u64, u64, u16)>,
    pub(crate) query: Vec<(u32, u32, u32)>,
    pub(crate) query_sorted: Vec<(u32, u32, u32)>,
    pub(crate) keyed: Vec<(u128, u16)>,
    /// The order of the last headers sorted, tried first for the next request.
    pub(crate) last_order: Vec<u16>,
    /// The order of the last query parameters sorted, likewise.
    pub(crate) last_query_order: Vec<u16>,
}

/// Buffers larger than this are not kept after use.
const KEEP: usize = 64 * 1024;

thread_local! {
    static BUFFERS: std::cell::RefCell<Option<Box<Buffers>>> =
        const { std::cell::RefCell::new(None) };
}

impl Buffers {
    /// This thread's buffers (emptied), or new ones. Boxed, so that handing them from the
    /// thread to the canonicaliser and back moves a pointer, not ten vectors.
    pub(crate) fn take() -> Box<Self> {
        BUFFERS.with(|b| b.try_borrow_mut().ok().and_then(|mut b| b.take())).unwrap_or_default()
    }

    /// Gives the buffers back for the next signature on this thread.
    pub(crate) fn give_back(mut self: Box<Self>) {
        if self.scratch.capacity() > KEEP || self.creq.capacity() > KEEP || self.hdrs.len() > 1024 {
            return;
        }
        self.creq.clear();
        self.clear_tables();
        BUFFERS.with(|b| {
            if let Ok(mut b) = b.try_borrow_mut() {
                *b = Some(self);
            }
        });
    }
}

impl Buffers {
    /// Empties everything but the canonical-request buffer.
    pub(crate) fn clear_tables(&mut self) {
        self.scratch.clear();
        self.hdrs.clear();
        self.sorted.clear();
        self.keys.clear();
        self.query.clear();
        self.query_sorted.clear();
        self.keyed.clear();
    }
}

/// SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}
