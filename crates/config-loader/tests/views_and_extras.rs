//! The `Env` and `Fs` views, and parser behaviour the shared suite does not cover (the
//! Kotlin SDK's extra expectations, `shared/notes/credentials.md` §4.9).

use std::path::Path;

use signet_config_loader::{Env, FileKind, Fs, ProfileSet, Severity};

fn config(text: &str) -> ProfileSet {
    let mut set = ProfileSet::new();
    set.add_file(FileKind::Config, Some(Path::new("/c")), text).unwrap();
    set
}

#[test]
fn services_sections_parse_into_sub_properties() {
    let set = config(
        "[services my-services]\ns3 =\n\tendpoint_url = https://s3.local\n  addressing_style = path ; c\nsts =\n  endpoint_url = http://sts.local\n",
    );
    let section = set.section("services", "my-services").unwrap();
    let s3 = section.property("s3").unwrap();
    assert_eq!(s3.sub_property("endpoint_url"), Some("https://s3.local"));
    assert_eq!(s3.sub_property("addressing_style"), Some("path"));
    assert_eq!(s3.value(), "\nendpoint_url = https://s3.local\naddressing_style = path ; c");
    let lines: Vec<usize> = s3.sub_properties().map(|(_, _, l)| l.line()).collect();
    assert_eq!(lines, [4, 3]); // sorted by key: addressing_style, endpoint_url
    assert_eq!(section.get("sts").map(str::trim), Some("endpoint_url = http://sts.local"));
    assert!(set.profiles().next().is_none());
}

#[test]
fn unknown_sections_are_kept_apart_with_a_warning() {
    let set = config("[foobar my-custom-section]\nkey =\n  a = b\n[profile p]\n");
    assert!(set.section("foobar", "my-custom-section").is_some());
    assert_eq!(set.profiles().map(|p| p.name()).collect::<Vec<_>>(), ["p"]);
    let warning = &set.warnings()[0];
    assert_eq!(warning.severity(), Severity::Warning);
    assert_eq!(warning.location().unwrap().line(), 1);
}

#[test]
fn sso_session_edge_cases() {
    // No name: ignored. Same name as a profile: both exist.
    let set = config(
        "[sso-session]\nsso_region = x\n[sso-session dev]\nsso_region = y\n[profile dev]\nsso_session = dev\n",
    );
    assert_eq!(set.sso_sessions().count(), 1);
    assert_eq!(set.sso_session("dev").unwrap().get("sso_region"), Some("y"));
    assert_eq!(set.profile("dev").unwrap().get("sso_session"), Some("dev"));
    // In the credentials file an sso-session is ignored, not an error.
    let mut set = ProfileSet::new();
    set.add_file(FileKind::Credentials, None, "[sso-session dev]\nsso_region = y\n").unwrap();
    assert_eq!(set.sso_sessions().count(), 0);
    assert_eq!(set.warnings().len(), 1);
}

#[test]
fn merge_order_is_file_order_and_lines_follow_the_winner() {
    let set = config("[profile a]\nk = 1\n[profile  a]\nk = 2\n");
    let k = set.profile("a").unwrap().property("k").unwrap();
    assert_eq!((k.value(), k.location().line()), ("2", 4));
    assert_eq!(set.profile("a").unwrap().location().line(), 1);
}

#[test]
fn a_syntax_error_merges_nothing() {
    let mut set = config("[profile a]\nk = 1\n");
    let err = set.add_file(FileKind::Credentials, None, "[a]\nk = 2\n[b\n").unwrap_err();
    assert_eq!(err.line(), Some(3));
    assert_eq!(set.profile("a").unwrap().get("k"), Some("1"));
    assert!(set.profile("b").is_none());
}

#[test]
fn env_views() {
    let env = Env::from_map([("AWS_SECRET_ACCESS_KEY", "s3cr3t"), ("BLANK", "  ")]);
    assert_eq!(env.get("AWS_SECRET_ACCESS_KEY").as_deref(), Some("s3cr3t"));
    assert_eq!(env.get("BLANK").as_deref(), Some("  "));
    assert_eq!(env.get_non_blank("BLANK"), None);
    let shown = format!("{env:?}");
    assert!(shown.contains("AWS_SECRET_ACCESS_KEY") && !shown.contains("s3cr3t"), "{shown}");
    assert_eq!(Env::empty().get("HOME"), None);
}

#[test]
fn in_memory_fs_is_shared_between_clones() {
    let fs = Fs::from_map([("/a", "one")]);
    let clone = fs.clone();
    clone.write(Path::new("/b"), b"two").unwrap();
    assert_eq!(fs.read(Path::new("/b")).unwrap(), b"two");
    assert_eq!(fs.read(Path::new("/a")).unwrap(), b"one");
    let shown = format!("{fs:?}");
    assert!(shown.contains("/a") && !shown.contains("one"), "{shown}");
}

#[test]
fn rooted_fs_maps_absolute_paths_and_refuses_to_climb_out() {
    let dir =
        std::env::temp_dir().join(format!("signet-config-loader-rooted-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("home/.aws")).unwrap();
    std::fs::write(dir.join("home/.aws/config"), "[default]\n").unwrap();
    let fs = Fs::rooted(&dir);
    assert_eq!(fs.read(Path::new("/home/.aws/config")).unwrap(), b"[default]\n");
    assert_eq!(
        fs.read(Path::new("/home/../../etc/passwd")).unwrap_err().kind(),
        std::io::ErrorKind::PermissionDenied
    );
    assert_eq!(fs.read(Path::new("/missing")).unwrap_err().kind(), std::io::ErrorKind::NotFound);
    fs.write(Path::new("/home/token"), b"t").unwrap();
    assert_eq!(std::fs::read(dir.join("home/token")).unwrap(), b"t");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn values_of_other_profiles_and_sso_sessions_have_sources() {
    use signet_config_loader::{Loader, Platform, Source};
    let fs = Fs::from_map([(
        "/c",
        "[profile a]\nsource_profile = b\n[profile b]\nregion = r\n[sso-session corp]\nsso_region = us-east-1\n",
    )]);
    let s =
        Loader::new(Env::empty(), fs).platform(Platform::Unix).config_file("/c").load().unwrap();
    let region = s.profile_value_in("b", "region").unwrap();
    assert_eq!(region.value, "r");
    assert_eq!(region.source.to_string(), "`region` in [profile b] at /c:4");
    let sso = s.sso_session_value("corp", "sso_region").unwrap();
    assert!(matches!(&sso.source, Source::File { section, .. } if section == "sso-session corp"));
    assert_eq!(s.sso_session_value("corp", "sso_start_url"), None);
    // No HOME: the credentials file (default path under `~`) was not read, and check says so.
    let found: Vec<String> = s.check().iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("credentials file was not read"), "{found:?}");
}
