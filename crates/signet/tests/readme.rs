//! The README's quick start is `examples/quick_start.rs` as written: this test keeps the two
//! identical, so the example (built by `cargo test`, run against moto by `cargo xtask demo`)
//! is the README's code.

#[test]
fn the_readme_quick_start_is_the_example() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let section = readme.split("## Quick start").nth(1).expect("a Quick start section");
    let code = section
        .split("```rust\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a rust code block in the Quick start section");
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/quick_start.rs"))
            .unwrap();
    let body: String = example
        .lines()
        .skip_while(|l| l.starts_with("//") || l.starts_with("#![") || l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(code, body, "README.md's quick start and examples/quick_start.rs differ");
}
