//! A lazy, single-flight credentials cache with static stability.

use std::cell::RefCell;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use signet_sigv4::Credentials;

use crate::{
    Error, ErrorKind, ProvideCredentials, SharedCredentialsProvider, SystemTimeSource, TimeSource,
};

/// Refresh this long before credentials expire, by default.
pub const DEFAULT_REFRESH_BUFFER: Duration = Duration::from_secs(300);
/// How long one load may take, by default.
pub const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(30);

/// A source of uniform random numbers in `[0, 1)`, for the static-stability jitter.
pub type JitterSource = Arc<dyn Fn() -> f64 + Send + Sync>;

/// A cache in front of a provider: loads lazily, shares one load among every concurrent
/// caller, and refreshes before expiry.
///
/// - **Lazy**: nothing is loaded until the first call.
/// - **Refresh buffer** (default 5 minutes): credentials are refreshed that long before they
///   expire. Credentials without an expiration are never refreshed.
/// - **Single flight**: when a load is needed, one caller loads and every other caller
///   waits for its result; 10,000 callers at expiry cause one upstream call.
/// - **Readers never wait while valid credentials are cached**: inside the refresh buffer
///   the cached (still valid) credentials are returned at once and one background task
///   refreshes them.
/// - **Load timeout** (default 30 s): a load that takes longer fails with
///   [`ErrorKind::Timeout`].
/// - **Static stability** (off by default; [`with_static_stability`]; the instance-profile provider has its own):
///   when a refresh fails or times out after the credentials expired, the last credentials
///   are served for another 5 to 10 minutes (jittered) and a warning is logged, as the AWS
///   SDKs do; expired credentials from the source are extended the same way.
///
/// [`with_static_stability`]: CredentialsCacheBuilder::static_stability
#[derive(Clone)]
pub struct CredentialsCache {
    inner: Arc<Inner>,
}

struct Inner {
    /// Identifies this cache in the per-thread snapshots.
    id: usize,
    /// Bumped whenever the entry changes, so per-thread snapshots know they are stale.
    generation: AtomicU64,
    provider: SharedCredentialsProvider,
    buffer: Duration,
    load_timeout: Duration,
    static_stability: bool,
    time: Arc<dyn TimeSource>,
    jitter: JitterSource,
    current: RwLock<Option<Entry>>,
    load: Arc<tokio::sync::Mutex<()>>,
    loads: AtomicU64,
}

#[derive(Clone)]
struct Entry {
    credentials: Arc<Credentials>,
    /// When to start refreshing; `None`: never.
    refresh_at: Option<SystemTime>,
    /// Until when the credentials may be served; `None`: forever.
    valid_until: Option<SystemTime>,
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsCache")
            .field("provider", &self.inner.provider)
            .field("buffer", &self.inner.buffer)
            .field("load_timeout", &self.inner.load_timeout)
            .field("static_stability", &self.inner.static_stability)
            .finish()
    }
}

/// Options for a [`CredentialsCache`].
#[derive(Clone)]
pub struct CredentialsCacheBuilder {
    buffer: Duration,
    load_timeout: Duration,
    static_stability: bool,
    time: Arc<dyn TimeSource>,
    jitter: Option<JitterSource>,
}

impl fmt::Debug for CredentialsCacheBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsCacheBuilder")
            .field("buffer", &self.buffer)
            .field("load_timeout", &self.load_timeout)
            .field("static_stability", &self.static_stability)
            .finish()
    }
}

impl CredentialsCacheBuilder {
    /// Refresh this long before expiry (default 5 minutes).
    pub fn refresh_buffer(mut self, buffer: Duration) -> Self {
        self.buffer = buffer;
        self
    }

    /// Give up on a load after this long (default 30 s).
    pub fn load_timeout(mut self, timeout: Duration) -> Self {
        self.load_timeout = timeout;
        self
    }

    /// Keep serving the last credentials when a refresh fails after they expired.
    pub fn static_stability(mut self, on: bool) -> Self {
        self.static_stability = on;
        self
    }

    /// Reads the wall clock from `time` (tests use a clock that follows tokio's paused time).
    pub fn time_source(mut self, time: impl TimeSource + 'static) -> Self {
        self.time = Arc::new(time);
        self
    }

    /// Draws static-stability jitter from `jitter` (uniform in `[0, 1)`).
    pub fn jitter(mut self, jitter: impl Fn() -> f64 + Send + Sync + 'static) -> Self {
        self.jitter = Some(Arc::new(jitter));
        self
    }

    /// A cache in front of `provider`.
    pub fn build(self, provider: impl ProvideCredentials + 'static) -> CredentialsCache {
        let jitter = self.jitter.unwrap_or_else(default_jitter);
        CredentialsCache {
            inner: Arc::new(Inner {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                generation: AtomicU64::new(0),
                provider: SharedCredentialsProvider::new(provider),
                buffer: self.buffer,
                load_timeout: self.load_timeout,
                static_stability: self.static_stability,
                time: self.time,
                jitter,
                current: RwLock::new(None),
                load: Arc::new(tokio::sync::Mutex::new(())),
                loads: AtomicU64::new(0),
            }),
        }
    }
}

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// After a failed advisory refresh, wait this long before the next attempt.
const REFRESH_RETRY: Duration = Duration::from_secs(30);

/// When to start refreshing credentials that expire at `expiry`: `buffer` before, or halfway
/// there when they live shorter than the buffer (otherwise every read would start a refresh).
fn refresh_time(now: SystemTime, expiry: SystemTime, buffer: Duration) -> SystemTime {
    match expiry.checked_sub(buffer) {
        Some(at) if at > now => at,
        _ => now + expiry.duration_since(now).unwrap_or_default() / 2,
    }
}

/// How many caches' snapshots a thread keeps.
const SNAPSHOTS_PER_THREAD: usize = 8;

/// A thread's private copy of a cache's entry: reading it touches no memory another thread
/// writes, so cached reads do not slow each other down.
struct Snapshot {
    id: usize,
    generation: u64,
    credentials: Arc<Credentials>,
    refresh_at: Option<SystemTime>,
    valid_until: Option<SystemTime>,
}

thread_local! {
    static SNAPSHOTS: RefCell<Vec<Snapshot>> = const { RefCell::new(Vec::new()) };
}

fn default_jitter() -> JitterSource {
    Arc::new(random_unit)
}

/// A uniform number in `[0, 1)`: a SplitMix64 sequence seeded once from the standard
/// library's per-process random keys. Jitter needs spread, not unpredictability.
pub(crate) fn random_unit() -> f64 {
    static STATE: std::sync::OnceLock<AtomicU64> = std::sync::OnceLock::new();
    let state = STATE.get_or_init(|| {
        AtomicU64::new(std::collections::hash_map::RandomState::new().build_hasher().finish())
    });
    let mut z = state.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let bits = u32::try_from(z >> 32).unwrap_or(0);
    f64::from(bits) / 4_294_967_296.0
}

impl CredentialsCache {
    /// A cache with the default settings in front of `provider`.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self::builder().build(provider)
    }

    /// Options: refresh buffer, load timeout, static stability, clock, jitter.
    pub fn builder() -> CredentialsCacheBuilder {
        CredentialsCacheBuilder {
            buffer: DEFAULT_REFRESH_BUFFER,
            load_timeout: DEFAULT_LOAD_TIMEOUT,
            static_stability: false,
            time: Arc::new(SystemTimeSource),
            jitter: None,
        }
    }

    /// How many times the cache has called its provider.
    pub fn load_count(&self) -> u64 {
        self.inner.loads.load(Ordering::Relaxed)
    }

    /// The cached credentials if they are valid now, without loading or waiting; `None` if
    /// there are none (call [`get`](Self::get)). This is the fast path for signing: a
    /// thread-local snapshot, a clock read and a reference-count increment. Inside the
    /// refresh buffer it starts the background refresh, as [`get`](Self::get) does.
    pub fn current(&self) -> Option<Arc<Credentials>> {
        let now = self.inner.time.now();
        let (creds, due) = self.inner.peek(now)?;
        if due {
            self.refresh_in_background();
        }
        Some(creds)
    }

    /// Like [`current`](Self::current), as an owned [`Credentials`].
    pub fn cached(&self) -> Option<Credentials> {
        self.current().map(|c| Credentials::clone(&c))
    }

    /// Credentials: cached ones while they are valid, else one shared load.
    pub async fn get(&self) -> Result<Credentials, Error> {
        let now = self.inner.time.now();
        if let Some((creds, refresh_due)) = self.inner.peek(now) {
            if refresh_due {
                self.refresh_in_background();
            }
            return Ok(Credentials::clone(&creds));
        }
        let _guard = self.inner.load.lock().await;
        // Another caller may have loaded while this one waited.
        let now = self.inner.time.now();
        if let Some((creds, _)) = self.inner.peek(now) {
            return Ok(Credentials::clone(&creds));
        }
        self.inner.load_now().await
    }

    fn refresh_in_background(&self) {
        let Ok(guard) = self.inner.load.clone().try_lock_owned() else {
            return; // a refresh is already running
        };
        let inner = self.inner.clone();
        let Ok(handle) = tokio::runtime::Handle::try_current() else { return };
        handle.spawn(async move {
            let _guard = guard;
            let now = inner.time.now();
            if inner.peek(now).is_some_and(|(_, due)| !due) {
                return;
            }
            if let Err(e) = inner.load_now().await {
                tracing::warn!(error = %e, "refreshing credentials before they expire failed; the cached ones stay in use");
            }
        });
    }
}

impl Inner {
    /// The cached credentials if still valid at `now`, and whether a refresh is due: from this
    /// thread's snapshot when it is current, else from the shared entry (refreshing the
    /// snapshot).
    fn peek(&self, now: SystemTime) -> Option<(Arc<Credentials>, bool)> {
        let generation = self.generation.load(Ordering::Acquire);
        let check = |refresh_at: Option<SystemTime>, valid_until: Option<SystemTime>| {
            if valid_until.is_some_and(|until| now >= until) {
                None
            } else {
                Some(refresh_at.is_some_and(|at| now >= at))
            }
        };
        let fast = SNAPSHOTS.with(|snapshots| {
            let snapshots = snapshots.borrow();
            let snap = snapshots.iter().find(|s| s.id == self.id && s.generation == generation)?;
            Some(
                check(snap.refresh_at, snap.valid_until).map(|due| (snap.credentials.clone(), due)),
            )
        });
        if let Some(found) = fast {
            return found;
        }
        let (entry, generation) = {
            let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
            (current.as_ref()?.clone(), self.generation.load(Ordering::Acquire))
        };
        let due = check(entry.refresh_at, entry.valid_until)?;
        // A private copy for this thread, so its reads share no reference count.
        let credentials = Arc::new(Credentials::clone(&entry.credentials));
        SNAPSHOTS.with(|snapshots| {
            let mut snapshots = snapshots.borrow_mut();
            snapshots.retain(|s| s.id != self.id);
            if snapshots.len() >= SNAPSHOTS_PER_THREAD {
                snapshots.remove(0);
            }
            snapshots.push(Snapshot {
                id: self.id,
                generation,
                credentials: credentials.clone(),
                refresh_at: entry.refresh_at,
                valid_until: entry.valid_until,
            });
        });
        Some((credentials, due))
    }

    fn store(&self, entry: Option<Entry>) {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        *current = entry;
        self.generation.fetch_add(1, Ordering::Release);
    }

    fn extension(&self, now: SystemTime) -> SystemTime {
        let jitter = (self.jitter)().clamp(0.0, 1.0);
        now + Duration::from_secs(300) + Duration::from_secs_f64(300.0 * jitter)
    }

    /// Loads from the provider (the caller holds the load lock) and stores the result.
    async fn load_now(&self) -> Result<Credentials, Error> {
        self.loads.fetch_add(1, Ordering::Relaxed);
        let loaded = match tokio::time::timeout(
            self.load_timeout,
            self.provider.provide_credentials(),
        )
        .await
        {
            Ok(result) => result,
            Err(_) => Err(Error::new(
                ErrorKind::Timeout,
                format!("loading credentials took longer than {:?}", self.load_timeout),
            )),
        };
        let now = self.time.now();
        match loaded {
            Ok(creds) => {
                let shared = Arc::new(creds.clone());
                let entry = match creds.expiration() {
                    None => Entry { credentials: shared, refresh_at: None, valid_until: None },
                    Some(expiry) if expiry <= now && self.static_stability => {
                        let until = self.extension(now);
                        tracing::warn!(
                            "the credentials source returned expired credentials; using them for a few more minutes (static stability)"
                        );
                        Entry {
                            credentials: shared,
                            refresh_at: Some(until),
                            valid_until: Some(until),
                        }
                    }
                    Some(expiry) => Entry {
                        credentials: shared,
                        refresh_at: Some(refresh_time(now, expiry, self.buffer)),
                        valid_until: Some(expiry),
                    },
                };
                self.store(Some(entry));
                Ok(creds)
            }
            Err(error) if !self.static_stability => {
                // A failed refresh while the credentials are still valid: wait a little
                // before the next attempt, so that readers do not retry on every call.
                let previous = self.current.read().unwrap_or_else(PoisonError::into_inner).clone();
                if let Some(mut entry) = previous {
                    if entry.valid_until.is_none_or(|until| now < until) {
                        let retry = now + REFRESH_RETRY;
                        entry.refresh_at =
                            Some(entry.valid_until.map_or(retry, |until| retry.min(until)));
                        self.store(Some(entry));
                    }
                }
                Err(error)
            }
            Err(error) => {
                let previous = self.current.read().unwrap_or_else(PoisonError::into_inner).clone();
                let Some(mut entry) = previous else { return Err(error) };
                let until = self.extension(now);
                if entry.valid_until.is_some_and(|valid| valid <= now) {
                    entry.valid_until = Some(until);
                }
                entry.refresh_at = Some(until);
                tracing::warn!(
                    error = %error,
                    "refreshing credentials failed; serving the last credentials for a few more minutes (static stability)"
                );
                let credentials = Credentials::clone(&entry.credentials);
                self.store(Some(entry));
                Ok(credentials)
            }
        }
    }
}

#[async_trait]
impl ProvideCredentials for CredentialsCache {
    async fn provide_credentials(&self) -> Result<Credentials, Error> {
        self.get().await
    }
}
