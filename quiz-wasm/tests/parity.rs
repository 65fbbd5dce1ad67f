//! The native half of the wasm parity check: grades every case in
//! `tests/wasm_parity/cases.txt` (at the workspace root) with the native
//! grader. `tests/wasm_parity/parity.mjs` runs the same table through the
//! built wasm, so together they prove the browser grades exactly as the
//! build-time check does. The table format is described in its header.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

struct Case {
    line: usize,
    key: String,
    response: String,
    /// `None` means "error": the key or response must not decode.
    expected: Option<f64>,
}

/// Undo the table's escapes: `\t`, `\n`, `\r`, `\\`, `\u{HEX}`.
fn unescape(field: &str, line: usize) -> String {
    let mut out = String::new();
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('u') => {
                let rest: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let hex = rest
                    .strip_prefix('{')
                    .unwrap_or_else(|| panic!("line {line}: \\u needs {{HEX}}"));
                let code = u32::from_str_radix(hex, 16)
                    .unwrap_or_else(|_| panic!("line {line}: bad \\u{{{hex}}}"));
                out.push(
                    char::from_u32(code)
                        .unwrap_or_else(|| panic!("line {line}: U+{hex} is not a char")),
                );
            }
            other => panic!("line {line}: unknown escape \\{other:?}"),
        }
    }
    out
}

fn parse_expected(s: &str, line: usize) -> Option<f64> {
    if s == "error" {
        return None;
    }
    let value = match s.split_once('/') {
        Some((n, d)) => n
            .parse::<f64>()
            .ok()
            .zip(d.parse::<f64>().ok())
            .map(|(n, d)| n / d),
        None => s.parse::<f64>().ok(),
    };
    Some(value.unwrap_or_else(|| panic!("line {line}: bad expected score {s:?}")))
}

fn load_cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/wasm_parity/cases.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut cases = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = raw.split('\t').collect();
        let [key, response, expected] = fields[..] else {
            panic!(
                "line {line}: expected 3 tab-separated fields, found {}",
                fields.len()
            );
        };
        cases.push(Case {
            line,
            key: unescape(key, line),
            response: unescape(response, line),
            expected: parse_expected(expected.trim(), line),
        });
    }
    cases
}

#[test]
fn native_grader_matches_the_shared_table() {
    let cases = load_cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let got = quiz_wasm::grade_encoded(&case.key, &case.response);
        // The JS-facing shim (`check`, a key written as is) must agree with the Rust API too.
        let checked = quiz_wasm::js::check(&case.key, "", &case.response, "");
        let shim: f64 = checked
            .strip_prefix("{\"score\":")
            .and_then(|rest| rest.split(',').next())
            .and_then(|score| score.parse::<f64>().ok())
            .map_or(f64::NAN, |s| s / 1e12);
        let ok = match (case.expected, &got) {
            (None, Err(_)) => shim == -1.0,
            (Some(want), Ok(g)) => {
                (g.score - want).abs() < 1e-12
                    && g.correct == (want == 1.0)
                    && (shim - g.score).abs() < 1e-12
            }
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "line {}: key {:?} response {:?}: expected {:?}, got {:?} (shim {shim})",
                case.line, case.key, case.response, case.expected, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_key_in_the_table_round_trips() {
    for case in load_cases() {
        if let Ok(key) = quiz_wasm::Key::decode(&case.key) {
            assert_eq!(
                quiz_wasm::Key::decode(&key.encode()),
                Ok(key.clone()),
                "line {}",
                case.line
            );
            let own = quiz_wasm::answer_key_response(&key);
            assert!(
                quiz_wasm::grade(&key, &own).correct,
                "line {}: the key's own answer",
                case.line
            );
        }
    }
}
