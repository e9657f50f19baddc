//! Heap allocations of a signature, counted with an instrumented global allocator.
//!
//! One test per file: the allocator's counters are global to the test binary.

use std::alloc::System;
use std::time::{Duration, UNIX_EPOCH};

use signet_sigv4::{Credentials, Payload, SignableRequest, Signer};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The `get_small` workload of the benchmark: host, x-amz-date, content-type, three custom
/// headers and two query parameters. aws-sigv4 1.6.4 makes 69 allocations for it.
#[test]
fn header_signing_a_small_get_makes_at_most_four_allocations() {
    let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    let headers = [
        ("Host", "example.amazonaws.com"),
        ("X-Amz-Date", "20150830T123600Z"),
        ("Content-Type", "application/json"),
        ("X-Custom-One", "value one"),
        ("X-Custom-Two", "  value   two "),
        ("X-Custom-Three", "3"),
    ];
    let request = SignableRequest::new(
        "GET",
        "/path/to/resource?Param2=b&Param1=a",
        &headers,
        Payload::Empty,
    );
    let signer = Signer::new(&creds, "us-east-1", "service", time).unwrap();
    // The first signature derives the signing key and fills this thread's key cache.
    let first = signer.sign_headers(&request).unwrap();

    let region = Region::new(GLOBAL);
    let signed = signer.sign_headers(&request).unwrap();
    let stats = region.change();
    assert_eq!(signed.authorization(), first.authorization());
    let count = stats.allocations + stats.reallocations;
    assert!(count <= 4, "signing made {count} heap allocations: {stats:?}");
    // Today: only the Authorization value (work buffers are reused per thread).
    assert_eq!(count, 1, "{stats:?}");
}
