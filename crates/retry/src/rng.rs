//! Injected randomness for the jitter.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// A source of uniform random numbers in `[0, 1)`, shared by every call of a client.
///
/// Values outside `[0, 1]` (or NaN) are clamped by the strategy, so a buggy source cannot make
/// a delay negative or longer than the cap.
pub trait RandomSource: Send + Sync + fmt::Debug {
    /// The next number, uniform in `[0, 1)`.
    fn next_unit(&self) -> f64;
}

/// A small, fast, lock-free generator (SplitMix64): good enough for jitter, not for secrets.
#[derive(Debug)]
pub struct SeededRandom {
    state: AtomicU64,
}

impl SeededRandom {
    /// A generator that always yields the same sequence for the same `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: AtomicU64::new(seed) }
    }

    /// A generator seeded from the standard library's per-process random hash keys, so that
    /// clients in a fleet do not share a sequence.
    pub fn from_entropy() -> Self {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_usize(std::ptr::from_ref(&hasher) as usize);
        Self::new(hasher.finish())
    }

    /// The next 64 random bits.
    pub fn next_u64(&self) -> u64 {
        const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut z = self.state.fetch_add(GAMMA, Ordering::Relaxed).wrapping_add(GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Default for SeededRandom {
    fn default() -> Self {
        Self::from_entropy()
    }
}

impl RandomSource for SeededRandom {
    fn next_unit(&self) -> f64 {
        // The top 53 bits make every value of the form k / 2^53 equally likely.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Always the same number: for tests and for the AWS test tables, which use a jitter of 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FixedRandom(pub f64);

impl RandomSource for FixedRandom {
    fn next_unit(&self) -> f64 {
        self.0
    }
}

/// Clamps a source's value to `[0, 1]`; NaN becomes 1 (the longest wait is the safe side).
pub(crate) fn unit(source: &dyn RandomSource) -> f64 {
    let b = source.next_unit();
    if b.is_nan() { 1.0 } else { b.clamp(0.0, 1.0) }
}
