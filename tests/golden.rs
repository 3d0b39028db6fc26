//! Same scenario, same numbers: the summaries of fixed scenarios match the committed fixture,
//! which the wasm test (tests/wasm.rs) checks in the browser too.
//! Regenerate after an intended change with `UPDATE_GOLDEN=1 cargo test --test golden`.

use analog_playground::sim::golden::golden_summaries;

#[test]
fn native_summaries_match_the_committed_fixture() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/summaries.json");
    let now = golden_summaries();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &now).unwrap();
    }
    let committed = std::fs::read_to_string(path).expect("tests/golden/summaries.json (UPDATE_GOLDEN=1 writes it)");
    assert!(committed == now, "summaries changed; if intended, rerun with UPDATE_GOLDEN=1");
}
