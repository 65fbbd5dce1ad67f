//! The wasm build grades exactly as the native core: `tests/wasm_parity/parity.mjs` runs the
//! shared table of cases (`tests/wasm_parity/cases.txt`) through the quiz-wasm module that
//! build.rs produced for this very build; quiz-wasm's own tests run the same table natively.

#![allow(clippy::panic, reason = "a test reports failure by panicking")]

use std::process::Command;

#[test]
fn wasm_grades_like_the_native_core() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("node")
        .arg(format!("{root}/tests/wasm_parity/parity.mjs"))
        .arg(env!("OUT_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (Node.js 20+ is needed for this test): {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "wasm and native grading differ:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
