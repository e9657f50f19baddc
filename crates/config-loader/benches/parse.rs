//! Parsing a generated config file of 1,000 profiles (and a matching credentials file), the
//! size of a large organisation's shared config. The target is under 5 ms per parse.
//!
//! Run with `cargo bench -p signet-config-loader`.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use signet_config_loader::{FileKind, ProfileSet};

/// 1,000 profiles of 6-7 keys with comments, a role chain every tenth profile, sub-properties
/// in a services section, and 1,000 credential profiles.
fn generate() -> (String, String) {
    let mut config = String::from("# generated\n[default]\nregion = us-east-1\n\n");
    let mut credentials = String::new();
    for i in 0..1000 {
        let _ = write!(
            config,
            "[profile team-{i}]\nregion = eu-west-{r} # comment\noutput = json\nretry_mode = adaptive\n\
             max_attempts = {a}\nsso_session = corp\nservices = local\n",
            r = i % 3 + 1,
            a = i % 5 + 1
        );
        if i % 10 == 0 {
            let _ = write!(
                config,
                "role_arn = arn:aws:iam::123456789012:role/team-{i}\nsource_profile = team-{}\n",
                i + 1
            );
        }
        config.push('\n');
        let _ = write!(
            credentials,
            "[team-{i}]\naws_access_key_id = AKIDEXAMPLE{i:08}\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
        );
    }
    config.push_str("[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n");
    config.push_str("[services local]\nsts =\n  endpoint_url = http://localhost:4566\ns3 =\n  endpoint_url = http://localhost:9000\n");
    (config, credentials)
}

fn bench(c: &mut Criterion) {
    let (config, credentials) = generate();
    c.bench_function("parse 1000-profile config", |b| {
        b.iter(|| {
            let mut set = ProfileSet::new();
            set.add_file(FileKind::Config, None, black_box(&config)).unwrap();
            set
        })
    });
    c.bench_function("parse and merge 1000-profile config + credentials", |b| {
        b.iter(|| {
            let mut set = ProfileSet::new();
            set.add_file(FileKind::Config, None, black_box(&config)).unwrap();
            set.add_file(FileKind::Credentials, None, black_box(&credentials)).unwrap();
            set
        })
    });
    let mut set = ProfileSet::new();
    set.add_file(FileKind::Config, None, &config).unwrap();
    set.add_file(FileKind::Credentials, None, &credentials).unwrap();
    assert_eq!(set.profiles().count(), 1001);
    c.bench_function("check 1000 profiles", |b| b.iter(|| black_box(&set).check()));
}

criterion_group!(benches, bench);
criterion_main!(benches);
