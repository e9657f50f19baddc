//! The retry quota: a token bucket shared by every call of one client.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// The retry quota of one client (the AWS "retry token bucket"): each retry takes tokens,
/// successes give some back, and when it is empty the client stops retrying, so a fleet
/// backs off as a whole when a service is in trouble.
///
/// Clones share the same tokens; all operations are lock-free and safe across threads.
///
/// ```
/// use signet_retry::RetryQuota;
///
/// let quota = RetryQuota::new();
/// assert!(quota.try_acquire(5));
/// assert_eq!(quota.available(), 495);
/// quota.release(5);
/// assert_eq!(quota.available(), 500);
/// ```
#[derive(Debug, Clone)]
pub struct RetryQuota {
    tokens: Arc<AtomicU32>,
    capacity: u32,
}

impl RetryQuota {
    /// The AWS capacity: 500 tokens.
    pub const DEFAULT_CAPACITY: u32 = 500;

    /// A full quota of [`RetryQuota::DEFAULT_CAPACITY`] tokens.
    pub fn new() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }

    /// A full quota of `capacity` tokens.
    pub fn with_capacity(capacity: u32) -> Self {
        Self::with_available(capacity, capacity)
    }

    /// A quota holding `available` tokens out of `capacity` (`available` is capped at
    /// `capacity`).
    pub fn with_available(available: u32, capacity: u32) -> Self {
        Self { tokens: Arc::new(AtomicU32::new(available.min(capacity))), capacity }
    }

    /// Takes `cost` tokens if that many are left, and says whether it did.
    pub fn try_acquire(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Gives back `amount` tokens, never beyond the capacity.
    pub fn release(&self, amount: u32) {
        let capacity = self.capacity;
        // The closure always returns `Some`, so this cannot fail.
        let _ = self.tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
            Some(t.saturating_add(amount).min(capacity))
        });
    }

    /// The tokens left.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }

    /// The most tokens the quota holds.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }
}

impl Default for RetryQuota {
    fn default() -> Self {
        Self::new()
    }
}
