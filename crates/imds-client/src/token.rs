//! The IMDSv2 session token: one per client, shared by concurrent callers, refreshed before it
//! expires.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::error::Error;

/// How long before its expiry a token is replaced (aws-config's `TOKEN_REFRESH_BUFFER`); for
/// tokens shorter than twice this, half their lifetime.
const REFRESH_BUFFER: Duration = Duration::from_secs(120);

/// How GET requests authenticate.
#[derive(Clone)]
pub(crate) enum Auth {
    /// IMDSv2: send `x-aws-ec2-metadata-token`.
    Token(Arc<str>),
    /// The token request was answered 403, 404 or 405 and IMDSv1 is allowed: send no token.
    V1,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Token(_) => f.write_str("Token(** redacted **)"),
            Self::V1 => f.write_str("V1"),
        }
    }
}

type Shared = Option<Result<(Auth, u64), Error>>;

enum Step {
    Lead(u64, watch::Sender<Shared>),
    Wait(watch::Receiver<Shared>),
}

enum Slot {
    Empty,
    Ready { auth: Auth, id: u64, refresh_at: Instant },
    Fetching { id: u64, done: watch::Receiver<Shared> },
}

/// The cached token and the single flight that replaces it.
pub(crate) struct TokenCache {
    state: Mutex<State>,
}

struct State {
    slot: Slot,
    next_id: u64,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let slot = match &state.slot {
            Slot::Empty => "empty",
            Slot::Ready { auth: Auth::Token(_), .. } => "token",
            Slot::Ready { auth: Auth::V1, .. } => "IMDSv1 fallback",
            Slot::Fetching { .. } => "fetching",
        };
        f.debug_struct("TokenCache").field("slot", &slot).finish()
    }
}

impl TokenCache {
    pub(crate) fn new() -> Self {
        Self { state: Mutex::new(State { slot: Slot::Empty, next_id: 1 }) }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current authentication and its id (for [`invalidate`](Self::invalidate)). When the
    /// cache is empty or stale, the first caller runs `fetch` and every caller that arrives
    /// meanwhile waits for that one result. `fetch` gives the authentication and its lifetime.
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<(Auth, u64), Error>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<(Auth, Duration), Error>>,
    {
        loop {
            let step = {
                let mut state = self.lock();
                match &state.slot {
                    Slot::Ready { auth, id, refresh_at } if Instant::now() < *refresh_at => {
                        return Ok((auth.clone(), *id));
                    }
                    Slot::Fetching { done, .. } => Step::Wait(done.clone()),
                    Slot::Ready { .. } | Slot::Empty => {
                        let id = state.next_id;
                        state.next_id = state.next_id.wrapping_add(1);
                        let (tx, rx) = watch::channel(None);
                        state.slot = Slot::Fetching { id, done: rx };
                        Step::Lead(id, tx)
                    }
                }
            };
            let mut done = match step {
                Step::Lead(id, tx) => return self.lead(id, tx, fetch()).await,
                Step::Wait(done) => done,
            };
            let shared = match done.wait_for(Option::is_some).await {
                Ok(value) => value.clone(),
                // The leader was cancelled; its guard emptied the slot. Try again.
                Err(_) => None,
            };
            if let Some(result) = shared {
                return result;
            }
        }
    }

    async fn lead(
        &self,
        id: u64,
        tx: watch::Sender<Shared>,
        fetch: impl Future<Output = Result<(Auth, Duration), Error>>,
    ) -> Result<(Auth, u64), Error> {
        let guard = EmptyOnDrop { cache: self, id };
        let result = fetch.await;
        {
            let mut state = self.lock();
            if matches!(state.slot, Slot::Fetching { id: current, .. } if current == id) {
                state.slot = match &result {
                    Ok((auth, ttl)) => Slot::Ready {
                        auth: auth.clone(),
                        id,
                        refresh_at: Instant::now()
                            + ttl.saturating_sub(REFRESH_BUFFER.min(*ttl / 2)),
                    },
                    Err(_) => Slot::Empty,
                };
            }
        }
        std::mem::forget(guard);
        let shared = result.map(|(auth, _)| (auth, id));
        // Nobody waiting is fine.
        let _ = tx.send(Some(shared.clone()));
        shared
    }

    /// Forgets the authentication `id` (a GET with it was answered 401), unless it was already
    /// replaced.
    pub(crate) fn invalidate(&self, id: u64) {
        let mut state = self.lock();
        if matches!(state.slot, Slot::Ready { id: current, .. } if current == id) {
            state.slot = Slot::Empty;
        }
    }
}

/// Empties the slot if the leader is dropped before it finishes, so that a waiter takes over.
struct EmptyOnDrop<'a> {
    cache: &'a TokenCache,
    id: u64,
}

impl Drop for EmptyOnDrop<'_> {
    fn drop(&mut self) {
        let mut state = self.cache.lock();
        if matches!(state.slot, Slot::Fetching { id, .. } if id == self.id) {
            state.slot = Slot::Empty;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn token(s: &str) -> Auth {
        Auth::Token(Arc::from(s))
    }

    #[tokio::test(start_paused = true)]
    async fn reused_until_the_refresh_buffer_then_replaced() {
        let cache = TokenCache::new();
        let calls = AtomicU32::new(0);
        let fetch = || async {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            Ok((token(&format!("t{n}")), Duration::from_secs(21_600)))
        };
        let (_, first) = cache.get(fetch).await.unwrap();
        tokio::time::advance(Duration::from_secs(21_600 - 121)).await;
        assert_eq!(cache.get(fetch).await.unwrap().1, first);
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_ne!(cache.get(fetch).await.unwrap().1, first);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn short_tokens_refresh_at_half_life() {
        let cache = TokenCache::new();
        let calls = AtomicU32::new(0);
        let fetch = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok((token("t"), Duration::from_secs(10)))
        };
        cache.get(fetch).await.unwrap();
        tokio::time::advance(Duration::from_secs(4)).await;
        cache.get(fetch).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        tokio::time::advance(Duration::from_secs(2)).await;
        cache.get(fetch).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_share_one_fetch_and_its_failure() {
        let cache = Arc::new(TokenCache::new());
        let calls = Arc::new(AtomicU32::new(0));
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (cache, calls) = (cache.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get(|| async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        Err::<(Auth, Duration), _>(Error::new(
                            crate::ErrorKind::Timeout,
                            "no answer",
                        ))
                    })
                    .await
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap_err().kind(), crate::ErrorKind::Timeout);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_leader_hands_over() {
        let cache = Arc::new(TokenCache::new());
        let leader = {
            let cache = cache.clone();
            tokio::spawn(async move {
                cache
                    .get(|| async {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        Ok((token("never"), Duration::from_secs(60)))
                    })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(1)).await;
        let waiter = {
            let cache = cache.clone();
            tokio::spawn(async move {
                cache.get(|| async { Ok((token("second"), Duration::from_secs(60))) }).await
            })
        };
        tokio::time::sleep(Duration::from_millis(1)).await;
        leader.abort();
        let (auth, _) = waiter.await.unwrap().unwrap();
        assert!(matches!(auth, Auth::Token(t) if &*t == "second"));
    }

    #[tokio::test(start_paused = true)]
    async fn invalidate_forgets_only_the_named_token() {
        let cache = TokenCache::new();
        let calls = AtomicU32::new(0);
        let fetch = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok((token("t"), Duration::from_secs(600)))
        };
        let (_, id) = cache.get(fetch).await.unwrap();
        cache.invalidate(id + 7);
        assert_eq!(cache.get(fetch).await.unwrap().1, id);
        cache.invalidate(id);
        assert_ne!(cache.get(fetch).await.unwrap().1, id);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
