//! The grading core: answer keys, learner responses, and the scores they earn.
//!
//! This module owns the one definition of "right" for every question type
//! (`single | multiple | true-false | numeric | text | order | tracing`). The same code
//! runs at build time (natively, to prove every answer key grades as fully
//! correct) and in the learner's browser (as WebAssembly), so a quiz can never
//! grade differently in the two places.
//!
//! # Scoring rules
//!
//! Every grade is a `score` in `0..=1` and a `correct` flag; `correct` is true
//! exactly when `score == 1.0`.
//!
//! | type | score |
//! | --- | --- |
//! | single | 1 for the correct choice, else 0 |
//! | true-false | 1 for the right boolean, else 0 |
//! | numeric | 1 when the distance from the answer is within the tolerance, else 0 |
//! | text | 1 when the normalized response equals any normalized accepted answer, else 0 |
//! | multiple | `max(0, (right picks − wrong picks) / number of correct choices)` |
//! | multiple, all or nothing | 1 for exactly the correct set, else 0 (mdbook-quiz's rule) |
//! | order | concordant pairs / all pairs (see below) |
//! | tracing | 1 when "does not compile" is right, or when it compiles and the output typed is the output, else 0 |
//!
//! **Multiple**: picks are a set (a repeated index counts once). Guessing
//! everything therefore earns nothing unless most choices are correct, and the
//! score reaches 1 only for exactly the correct set.
//!
//! **Order**: the correct order is item indices `0, 1, …, items − 1`; the
//! response is the learner's sequence of original item indices. The score is
//! the fraction of the `items·(items−1)/2` pairs that the learner put in the
//! correct relative order (one minus the normalized Kendall tau distance).
//! A fully reversed list scores 0, a single adjacent swap in five items scores
//! 0.9, and moving the last of five items to the front scores 0.6. A
//! one-item question scores 1 for `[0]`. We chose pairs over "longest
//! increasing subsequence / items" because the latter gives a reversed
//! two-item answer half credit.
//!
//! **Numeric**: `Absolute(t)` accepts `|given − answer| ≤ t`; `Percent(p)`
//! accepts `|given − answer| ≤ |answer|·p/100`. Both are inclusive, plus a
//! slack of `1e-9 × max(|answer|, tolerance)` so binary floating-point error
//! (`0.1 + 0.2` against `0.3`) at the boundary counts as inside. NaN and
//! infinities are never correct.
//!
//! **Text**: both sides are trimmed, every run of Unicode whitespace becomes
//! one space, and the result is lowercased with `str::to_lowercase` (full
//! Unicode case mapping, so `"İ"` becomes `"i̇"`, i + U+0307). There is **no
//! Unicode normalization** (NFC would need tables this crate does not carry to
//! keep the wasm small): a precomposed `é` (U+00E9) does not match `e` +
//! U+0301. Authors should write answers precomposed, as keyboards produce them.
//!
//! **Tracing** (mdbook-quiz's question: does this program compile, and if so what does it
//! print?): the output is compared as mdbook-quiz compares it, exactly but for white space at
//! either end (and `\r\n` read as `\n`): case, inner spaces and line breaks count.
//!
//! **Robustness**: a response of the wrong type for the key, an out-of-range
//! index (for multiple and order: any out-of-range index), or an order that is
//! not a permutation of `0..items` grades 0. A key that fails
//! [`Key::validate`] grades 0. Nothing here panics.
//!
//! # Text encodings
//!
//! Keys travel into the page (concealed) and into wasm as plain strings, so
//! no serde is needed. See [`Key::encode`] and [`Response::decode`].

use std::fmt::Write as _;

use crate::number;

/// How far a numeric response may be from the answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// Accept `|given − answer| ≤ t` (same units as the answer).
    Absolute(f64),
    /// Accept `|given − answer| ≤ |answer| · p / 100`.
    Percent(f64),
}

/// An answer key: what counts as right for one question.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    /// One choice is correct (index into the choices as written).
    Single {
        correct: usize,
    },
    /// Any number of choices are correct, out of `choices`.
    Multiple {
        correct: Vec<usize>,
        choices: usize,
    },
    /// As [`Key::Multiple`], scored 1 for exactly the correct set and 0 for anything else, as
    /// mdbook-quiz scores its questions (`partial: false`).
    AllOf {
        correct: Vec<usize>,
        choices: usize,
    },
    TrueFalse {
        answer: bool,
    },
    Numeric {
        answer: f64,
        tolerance: Tolerance,
    },
    /// Accepted answers; matched after normalization (see module docs).
    Text {
        answers: Vec<String>,
    },
    /// The correct order is `0..items`.
    Order {
        items: usize,
    },
    /// A program's behaviour: `None` when it does not compile, else what it prints.
    Tracing {
        output: Option<String>,
    },
}

/// What a learner answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    Choice(usize),
    Choices(Vec<usize>),
    Bool(bool),
    Number(f64),
    Text(String),
    Order(Vec<usize>),
    /// "It does not compile" (`None`), or "it compiles and prints" this.
    Tracing(Option<String>),
}

/// The result of grading one response.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grade {
    /// In `0..=1`.
    pub score: f64,
    /// True exactly when `score == 1.0`.
    pub correct: bool,
}

impl Grade {
    const ZERO: Grade = Grade {
        score: 0.0,
        correct: false,
    };
    const FULL: Grade = Grade {
        score: 1.0,
        correct: true,
    };

    fn all_or_nothing(right: bool) -> Grade {
        if right { Grade::FULL } else { Grade::ZERO }
    }

    fn partial(score: f64) -> Grade {
        // Clamp so a rounding wobble can never leave 0..=1, and derive
        // `correct` from the score so the two can never disagree.
        let score = if score.is_finite() {
            score.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Grade {
            score,
            correct: score == 1.0,
        }
    }
}

/// Grade `response` against `key`. Never panics; see the module docs for the
/// rules.
pub fn grade(key: &Key, response: &Response) -> Grade {
    if key.validate().is_err() {
        return Grade::ZERO;
    }
    match (key, response) {
        (Key::Single { correct }, Response::Choice(given)) => {
            Grade::all_or_nothing(given == correct)
        }
        (Key::Multiple { correct, choices }, Response::Choices(given)) => {
            grade_multiple(correct, *choices, given)
        }
        (Key::AllOf { correct, choices }, Response::Choices(given)) => {
            Grade::all_or_nothing(grade_multiple(correct, *choices, given).correct)
        }
        (Key::TrueFalse { answer }, Response::Bool(given)) => {
            Grade::all_or_nothing(given == answer)
        }
        (Key::Numeric { answer, tolerance }, Response::Number(given)) => {
            Grade::all_or_nothing(within_tolerance(*answer, *tolerance, *given))
        }
        (Key::Text { answers }, Response::Text(given)) => {
            let given = normalize_text(given);
            Grade::all_or_nothing(answers.iter().any(|a| normalize_text(a) == given))
        }
        (Key::Order { items }, Response::Order(given)) => grade_order(*items, given),
        (Key::Tracing { output }, Response::Tracing(given)) => {
            Grade::all_or_nothing(match (output, given) {
                (None, None) => true,
                (Some(output), Some(given)) => same_output(output, given),
                _ => false,
            })
        }
        _ => Grade::ZERO,
    }
}

fn grade_multiple(correct: &[usize], choices: usize, given: &[usize]) -> Grade {
    if given.iter().any(|&i| i >= choices) {
        return Grade::ZERO;
    }
    // Tables indexed by choice (validate() caps `choices` at MAX_ITEMS):
    // linear, and no sort routine in the wasm.
    let mut is_correct = vec![false; choices];
    for &i in correct {
        is_correct[i] = true;
    }
    let mut picked = vec![false; choices];
    let (mut right, mut wrong) = (0usize, 0usize);
    for &i in given {
        // A repeated pick counts once.
        if !std::mem::replace(&mut picked[i], true) {
            if is_correct[i] {
                right += 1;
            } else {
                wrong += 1;
            }
        }
    }
    // validate() guarantees `correct` is non-empty and duplicate-free.
    Grade::partial((right as f64 - wrong as f64) / correct.len() as f64)
}

fn grade_order(items: usize, given: &[usize]) -> Grade {
    if given.len() != items {
        return Grade::ZERO;
    }
    let mut seen = vec![false; items];
    for &i in given {
        if i >= items || seen[i] {
            return Grade::ZERO;
        }
        seen[i] = true;
    }
    if items < 2 {
        return Grade::FULL;
    }
    // O(n²) is fine: order questions have a handful of items, and it keeps
    // the code obviously right.
    let mut concordant = 0usize;
    for (pos, &a) in given.iter().enumerate() {
        concordant += given[pos + 1..].iter().filter(|&&b| a < b).count();
    }
    let pairs = items * (items - 1) / 2;
    Grade::partial(concordant as f64 / pairs as f64)
}

/// Whether `given` is an accepted answer for a numeric key (see module docs).
pub fn within_tolerance(answer: f64, tolerance: Tolerance, given: f64) -> bool {
    if !answer.is_finite() || !given.is_finite() {
        return false;
    }
    let allowed = match tolerance {
        Tolerance::Absolute(t) => t,
        Tolerance::Percent(p) => {
            let allowed = answer.abs() * p / 100.0;
            // A valid but huge percentage (`1e308%`) overflows to infinity, which made a key
            // reject even its own answer (found by the fuzz tests): such a tolerance is at
            // least as wide as the largest float, so it saturates there.
            if allowed == f64::INFINITY && p.is_finite() {
                f64::MAX
            } else {
                allowed
            }
        }
    };
    if !allowed.is_finite() || allowed < 0.0 {
        return false;
    }
    // The slack is relative so it stays negligible for any magnitude, yet
    // absorbs the last-bit error of decimal fractions like 0.1 + 0.2. The sum
    // saturates too, so a distance that overflows (answers of opposite signs
    // near the largest float) is never "within" by infinity <= infinity.
    let slack = 1e-9 * answer.abs().max(allowed);
    (given - answer).abs() <= (allowed + slack).min(f64::MAX)
}

/// Text normalization used on both sides of a text comparison: trim, collapse
/// Unicode whitespace runs to one space, Unicode lowercase. No NFC (see module
/// docs).
pub fn normalize_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.to_lowercase()
}

/// Whether a program's output typed by a learner is the output: as mdbook-quiz compares them,
/// exactly but for white space at either end; a line break typed `\r\n` is `\n`.
fn same_output(output: &str, given: &str) -> bool {
    let clean = |s: &str| s.trim().replace("\r\n", "\n");
    clean(output) == clean(given)
}

/// The response that the answer key itself implies: the correct choice(s),
/// `true`/`false`, the exact numeric answer, the first accepted text answer,
/// the order `0..items`. Build time grades it to prove the key is coherent.
pub fn answer_key_response(key: &Key) -> Response {
    match key {
        Key::Single { correct } => Response::Choice(*correct),
        Key::Multiple { correct, .. } | Key::AllOf { correct, .. } => {
            Response::Choices(correct.clone())
        }
        Key::TrueFalse { answer } => Response::Bool(*answer),
        Key::Numeric { answer, .. } => Response::Number(*answer),
        Key::Text { answers } => Response::Text(answers.first().cloned().unwrap_or_default()),
        Key::Order { items } => Response::Order((0..*items).collect()),
        Key::Tracing { output } => Response::Tracing(output.clone()),
    }
}

/// Decode `key`, parse `response` in the format that key type expects, and
/// grade. Errors name what could not be read.
pub fn grade_encoded(key: &str, response: &str) -> Result<Grade, String> {
    let key = Key::decode(key)?;
    let response = Response::decode(&key, response)?;
    Ok(grade(&key, &response))
}

// ---------------------------------------------------------------------------
// Validation and encoding
// ---------------------------------------------------------------------------

/// The key encoding's type tags: the quiz YAML's own type names, so an encoded
/// key reads like the source.
const SINGLE: &str = "single";
const MULTIPLE: &str = "multiple";
const ALL_OF: &str = "all-of";
const TRUE_FALSE: &str = "true-false";
const NUMERIC: &str = "numeric";
const TEXT: &str = "text";
const ORDER: &str = "order";
const TRACING: &str = "tracing";

/// The most choices or items a key may have. Far beyond any real question;
/// it stops a corrupt key such as `order:99999999999` from making
/// [`answer_key_response`] try to allocate gigabytes.
pub const MAX_ITEMS: usize = 10_000;

impl Key {
    /// The question type name, as written in quiz YAML.
    pub fn kind(&self) -> &'static str {
        match self {
            Key::Single { .. } => SINGLE,
            Key::Multiple { .. } => MULTIPLE,
            Key::AllOf { .. } => ALL_OF,
            Key::TrueFalse { .. } => TRUE_FALSE,
            Key::Numeric { .. } => NUMERIC,
            Key::Text { .. } => TEXT,
            Key::Order { .. } => ORDER,
            Key::Tracing { .. } => TRACING,
        }
    }

    /// Check that the key can be graded at all: a multiple has at least one
    /// correct choice, all in range and none repeated, and at most
    /// [`MAX_ITEMS`] choices; a numeric answer is
    /// finite with a finite, non-negative tolerance; a text key has at least
    /// one answer and none is empty after normalization (an empty answer would
    /// accept a blank response); an order has 1 to [`MAX_ITEMS`] items.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Key::Single { .. } | Key::TrueFalse { .. } | Key::Tracing { .. } => Ok(()),
            Key::Multiple { correct, choices } | Key::AllOf { correct, choices } => {
                if correct.is_empty() {
                    return Err("multiple: no correct choice".into());
                }
                if *choices > MAX_ITEMS {
                    return Err(format!("multiple: more than {MAX_ITEMS} choices"));
                }
                if let Some(i) = correct.iter().find(|&&i| i >= *choices) {
                    return Err(format!(
                        "multiple: correct choice {i} is out of range (there are {choices} choices)"
                    ));
                }
                let mut seen = vec![false; *choices];
                for &i in correct {
                    if std::mem::replace(&mut seen[i], true) {
                        return Err(format!("multiple: correct choice {i} is repeated"));
                    }
                }
                Ok(())
            }
            Key::Numeric { answer, tolerance } => {
                // No numbers in these messages: float formatting would add
                // kilobytes to the wasm for errors no learner sees.
                if !answer.is_finite() {
                    return Err("numeric: the answer is not a finite number".into());
                }
                let t = match tolerance {
                    Tolerance::Absolute(t) | Tolerance::Percent(t) => *t,
                };
                if !t.is_finite() || t < 0.0 {
                    return Err("numeric: the tolerance must be a finite number, 0 or more".into());
                }
                Ok(())
            }
            Key::Text { answers } => {
                if answers.is_empty() {
                    return Err("text: no accepted answer".into());
                }
                if answers.iter().any(|a| normalize_text(a).is_empty()) {
                    return Err("text: an accepted answer is empty".into());
                }
                Ok(())
            }
            Key::Order { items } => {
                if *items == 0 {
                    return Err("order: no items".into());
                }
                if *items > MAX_ITEMS {
                    return Err(format!("order: more than {MAX_ITEMS} items"));
                }
                Ok(())
            }
        }
    }

    /// Encode the key as one line of text:
    ///
    /// ```text
    /// single:<correct>                  single:0
    /// multiple:<choices>:<i>,<j>,…      multiple:4:0,2
    /// all-of:<choices>:<i>,<j>,…        all-of:4:0,2
    /// true-false:<true|false>           true-false:false
    /// numeric:<answer>:<tolerance>      numeric:350000:0   numeric:200:1%
    /// text:<answer>|<answer>|…          text:inference|prediction
    /// order:<items>                     order:5
    /// tracing:no | tracing:yes:<output> tracing:yes:Hello, world!
    /// ```
    ///
    /// Numbers are written in Rust's shortest round-trip form. In text
    /// answers `%` is written `%25` and `|` is written `%7C`; every other
    /// character (newlines, emoji, `:` and `,`) is written as is, so any
    /// string survives.
    pub fn encode(&self) -> String {
        let mut out = String::from(self.kind());
        out.push(':');
        match self {
            Key::Single { correct } => out.push_str(&correct.to_string()),
            Key::Multiple { correct, choices } | Key::AllOf { correct, choices } => {
                out.push_str(&choices.to_string());
                out.push(':');
                out.push_str(&join_indices(correct));
            }
            Key::TrueFalse { answer } => out.push_str(if *answer { "true" } else { "false" }),
            Key::Numeric { answer, tolerance } => {
                out.push_str(&fmt_f64(*answer));
                out.push(':');
                match tolerance {
                    Tolerance::Absolute(t) => out.push_str(&fmt_f64(*t)),
                    Tolerance::Percent(p) => {
                        out.push_str(&fmt_f64(*p));
                        out.push('%');
                    }
                }
            }
            Key::Text { answers } => {
                for (n, a) in answers.iter().enumerate() {
                    if n > 0 {
                        out.push('|');
                    }
                    for ch in a.chars() {
                        match ch {
                            '%' => out.push_str("%25"),
                            '|' => out.push_str("%7C"),
                            c => out.push(c),
                        }
                    }
                }
            }
            Key::Order { items } => out.push_str(&items.to_string()),
            Key::Tracing { output: None } => out.push_str("no"),
            Key::Tracing {
                output: Some(output),
            } => {
                out.push_str("yes:");
                out.push_str(output);
            }
        }
        out
    }

    /// Decode [`Key::encode`]'s format, then [`Key::validate`] the result.
    pub fn decode(s: &str) -> Result<Key, String> {
        let (kind, rest) = s
            .split_once(':')
            .ok_or_else(|| format!("answer key has no type: {}", preview(s)))?;
        let key = match kind {
            SINGLE => Key::Single {
                correct: parse_index(rest, "single: correct choice")?,
            },
            MULTIPLE | ALL_OF => {
                let (choices, correct) = rest
                    .split_once(':')
                    .ok_or("multiple: expected <choices>:<correct indices>")?;
                let choices = parse_index(choices, "multiple: number of choices")?;
                let correct = parse_indices(correct, "multiple: correct choice")?;
                match kind {
                    MULTIPLE => Key::Multiple { correct, choices },
                    _ => Key::AllOf { correct, choices },
                }
            }
            TRUE_FALSE => Key::TrueFalse {
                answer: parse_bool(rest).ok_or("true-false: expected true or false")?,
            },
            NUMERIC => {
                let (answer, tol) = rest
                    .split_once(':')
                    .ok_or("numeric: expected <answer>:<tolerance>")?;
                let answer = parse_number(answer).ok_or("numeric: the answer is not a number")?;
                let tolerance = match tol.strip_suffix('%') {
                    Some(p) => Tolerance::Percent(
                        parse_number(p).ok_or("numeric: the tolerance is not a number")?,
                    ),
                    None => Tolerance::Absolute(
                        parse_number(tol).ok_or("numeric: the tolerance is not a number")?,
                    ),
                };
                Key::Numeric { answer, tolerance }
            }
            TEXT => Key::Text {
                answers: rest
                    .split('|')
                    .map(unescape_text)
                    .collect::<Result<_, _>>()?,
            },
            ORDER => Key::Order {
                items: parse_index(rest, "order: number of items")?,
            },
            TRACING => Key::Tracing {
                output: parse_tracing(rest).ok_or("tracing: expected no or yes:<output>")?,
            },
            other => {
                return Err(format!(
                    "unknown question type in answer key: {}",
                    preview(other)
                ));
            }
        };
        key.validate()?;
        Ok(key)
    }
}

impl Response {
    /// Encode a response in the string format the browser sends:
    /// single `2`, multiple `0,2`, true-false `true`/`false`, numeric
    /// `350000`, text as is, order `3,1,0,2`, tracing `no` or `yes:<output>`.
    pub fn encode(&self) -> String {
        match self {
            Response::Choice(i) => i.to_string(),
            Response::Choices(v) | Response::Order(v) => join_indices(v),
            Response::Bool(b) => if *b { "true" } else { "false" }.to_string(),
            Response::Number(x) => fmt_f64(*x),
            Response::Text(t) => t.clone(),
            Response::Tracing(None) => "no".to_string(),
            Response::Tracing(Some(output)) => format!("yes:{output}"),
        }
    }

    /// Parse a response string in the format `key`'s type expects (see
    /// [`Response::encode`]). Numbers and indices may have surrounding
    /// spaces; an empty multiple or order response is an empty selection.
    /// Text is taken as is (normalization happens when grading).
    pub fn decode(key: &Key, s: &str) -> Result<Response, String> {
        Ok(match key {
            Key::Single { .. } => Response::Choice(parse_index(s, "response: choice")?),
            Key::Multiple { .. } | Key::AllOf { .. } => {
                Response::Choices(parse_indices(s, "response: choice")?)
            }
            Key::TrueFalse { .. } => {
                Response::Bool(parse_bool(s).ok_or_else(|| {
                    format!("response: expected true or false, not {}", preview(s))
                })?)
            }
            Key::Numeric { .. } => Response::Number(
                parse_number(s)
                    .ok_or_else(|| format!("response: {} is not a number", preview(s)))?,
            ),
            Key::Text { .. } => Response::Text(s.to_string()),
            Key::Order { .. } => Response::Order(parse_indices(s, "response: item")?),
            Key::Tracing { .. } => Response::Tracing(parse_tracing(s).ok_or_else(|| {
                format!("response: expected no or yes:<output>, not {}", preview(s))
            })?),
        })
    }
}

fn join_indices(v: &[usize]) -> String {
    let mut out = String::new();
    for (n, i) in v.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        let _ = write!(out, "{i}");
    }
    out
}

/// Shortest round-trip decimal form (`{:?}` switches to exponent notation for
/// very large or small values, which [`parse_number`] reads back exactly).
/// Only the build encodes keys, so this float formatting never reaches the
/// wasm.
fn fmt_f64(x: f64) -> String {
    let s = format!("{x:?}");
    // "350000.0" reads better as "350000" and parses back identically.
    match s.strip_suffix(".0") {
        Some(int) => int.to_string(),
        None => s,
    }
}

fn parse_index(s: &str, what: &str) -> Result<usize, String> {
    let t = s.trim();
    // usize::from_str accepts a leading '+'; insist on plain digits so the
    // format has one spelling.
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{what}: {} is not an index", preview(s)));
    }
    t.parse::<usize>()
        .map_err(|_| format!("{what}: {} is too large", preview(s)))
}

fn parse_indices(s: &str, what: &str) -> Result<Vec<usize>, String> {
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    s.split(',').map(|part| parse_index(part, what)).collect()
}

/// `no` (does not compile) or `yes:<output>` (the output as it is, any characters).
fn parse_tracing(s: &str) -> Option<Option<String>> {
    match s {
        "no" => Some(None),
        "yes" => Some(Some(String::new())),
        _ => s.strip_prefix("yes:").map(|out| Some(out.to_string())),
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// A decimal number with optional surrounding spaces, read exactly as
/// `str::parse::<f64>` would (see [`crate::number`]). NaN and infinities
/// parse ("inf", "NaN"); keys reject them in validate(), and grading never
/// counts them as correct.
fn parse_number(s: &str) -> Option<f64> {
    number::parse_f64(s.trim())
}

fn unescape_text(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        let esc = rest.get(pos..pos + 3);
        match esc {
            Some("%25") => out.push('%'),
            Some("%7C") | Some("%7c") => out.push('|'),
            _ => {
                return Err(format!(
                    "text: bad escape in answer key: {}",
                    preview(&rest[pos..])
                ));
            }
        }
        rest = &rest[pos + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A short, quoted excerpt for error messages (never dumps a whole key).
/// Quoted by hand: `{:?}` would pull Unicode escaping tables into the wasm.
fn preview(s: &str) -> String {
    let mut p: String = s.chars().take(40).collect();
    if p.len() < s.len() {
        p.push('…');
    }
    format!("“{p}”")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn score(key: &Key, r: Response) -> f64 {
        grade(key, &r).score
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn single_and_true_false() {
        let k = Key::Single { correct: 1 };
        assert_eq!(grade(&k, &Response::Choice(1)), Grade::FULL);
        assert_eq!(grade(&k, &Response::Choice(0)), Grade::ZERO);
        assert_eq!(grade(&k, &Response::Choice(usize::MAX)), Grade::ZERO);
        let k = Key::TrueFalse { answer: false };
        assert_eq!(grade(&k, &Response::Bool(false)), Grade::FULL);
        assert_eq!(grade(&k, &Response::Bool(true)), Grade::ZERO);
    }

    #[test]
    fn mismatched_response_types_grade_zero() {
        let keys = [
            Key::Single { correct: 0 },
            Key::Multiple {
                correct: vec![0],
                choices: 2,
            },
            Key::TrueFalse { answer: true },
            Key::Numeric {
                answer: 1.0,
                tolerance: Tolerance::Absolute(0.0),
            },
            Key::Text {
                answers: vec!["1".into()],
            },
            Key::Order { items: 1 },
        ];
        let responses = [
            Response::Choice(0),
            Response::Choices(vec![0]),
            Response::Bool(true),
            Response::Number(1.0),
            Response::Text("1".into()),
            Response::Order(vec![0]),
        ];
        for (ki, k) in keys.iter().enumerate() {
            for (ri, r) in responses.iter().enumerate() {
                let expected = if ki == ri { 1.0 } else { 0.0 };
                assert_eq!(grade(k, r).score, expected, "{k:?} / {r:?}");
            }
        }
    }

    #[test]
    fn multiple_partial_credit() {
        let k = Key::Multiple {
            correct: vec![0, 2],
            choices: 4,
        };
        assert_eq!(grade(&k, &Response::Choices(vec![2, 0])), Grade::FULL);
        assert!(close(score(&k, Response::Choices(vec![0])), 0.5));
        // one right, one wrong: (1 - 1) / 2
        assert_eq!(score(&k, Response::Choices(vec![0, 1])), 0.0);
        // everything: (2 - 2) / 2
        assert_eq!(score(&k, Response::Choices(vec![0, 1, 2, 3])), 0.0);
        // two right, one wrong: (2 - 1) / 2, and not "correct"
        let g = grade(&k, &Response::Choices(vec![0, 1, 2]));
        assert!(close(g.score, 0.5) && !g.correct);
        // never negative
        assert_eq!(score(&k, Response::Choices(vec![1, 3])), 0.0);
        assert_eq!(score(&k, Response::Choices(vec![])), 0.0);
        // repeated picks count once
        assert!(close(score(&k, Response::Choices(vec![0, 0, 0])), 0.5));
        // out of range: 0 even alongside right picks
        assert_eq!(score(&k, Response::Choices(vec![0, 2, 4])), 0.0);
        let k3 = Key::Multiple {
            correct: vec![0, 1, 2],
            choices: 5,
        };
        assert!(close(score(&k3, Response::Choices(vec![0, 1])), 2.0 / 3.0));
    }

    #[test]
    fn order_partial_credit() {
        let k = Key::Order { items: 5 };
        assert_eq!(
            grade(&k, &Response::Order(vec![0, 1, 2, 3, 4])),
            Grade::FULL
        );
        assert_eq!(score(&k, Response::Order(vec![4, 3, 2, 1, 0])), 0.0);
        // one adjacent swap: 9 of 10 pairs
        assert!(close(score(&k, Response::Order(vec![1, 0, 2, 3, 4])), 0.9));
        // last moved to the front: 6 of 10 pairs
        assert!(close(score(&k, Response::Order(vec![4, 0, 1, 2, 3])), 0.6));
        assert!(!grade(&k, &Response::Order(vec![1, 0, 2, 3, 4])).correct);
        // not a permutation
        assert_eq!(score(&k, Response::Order(vec![0, 1, 2, 3])), 0.0);
        assert_eq!(score(&k, Response::Order(vec![0, 1, 2, 3, 4, 5])), 0.0);
        assert_eq!(score(&k, Response::Order(vec![0, 0, 2, 3, 4])), 0.0);
        assert_eq!(score(&k, Response::Order(vec![0, 1, 2, 3, 5])), 0.0);
        let two = Key::Order { items: 2 };
        assert_eq!(score(&two, Response::Order(vec![1, 0])), 0.0);
        let one = Key::Order { items: 1 };
        assert_eq!(grade(&one, &Response::Order(vec![0])), Grade::FULL);
    }

    #[test]
    fn numeric_absolute_boundary() {
        let k = Key::Numeric {
            answer: 350_000.0,
            tolerance: Tolerance::Absolute(0.0),
        };
        assert_eq!(score(&k, Response::Number(350_000.0)), 1.0);
        assert_eq!(score(&k, Response::Number(350_001.0)), 0.0);
        let k = Key::Numeric {
            answer: 10.0,
            tolerance: Tolerance::Absolute(0.5),
        };
        assert_eq!(score(&k, Response::Number(10.5)), 1.0);
        assert_eq!(score(&k, Response::Number(9.5)), 1.0);
        assert_eq!(score(&k, Response::Number(10.500_001)), 0.0);
        assert_eq!(score(&k, Response::Number(9.499_999)), 0.0);
        // float error at the boundary counts as inside
        let k = Key::Numeric {
            answer: 0.3,
            tolerance: Tolerance::Absolute(0.0),
        };
        assert_eq!(score(&k, Response::Number(0.1 + 0.2)), 1.0);
        let k = Key::Numeric {
            answer: 0.2,
            tolerance: Tolerance::Absolute(0.1),
        };
        assert_eq!(score(&k, Response::Number(0.1 + 0.2)), 1.0);
        assert_eq!(score(&k, Response::Number(0.1)), 1.0);
    }

    #[test]
    fn numeric_percent_boundary() {
        let k = Key::Numeric {
            answer: 200.0,
            tolerance: Tolerance::Percent(1.0),
        };
        assert_eq!(score(&k, Response::Number(202.0)), 1.0);
        assert_eq!(score(&k, Response::Number(198.0)), 1.0);
        assert_eq!(score(&k, Response::Number(202.001)), 0.0);
        assert_eq!(score(&k, Response::Number(197.999)), 0.0);
        let k = Key::Numeric {
            answer: -0.3,
            tolerance: Tolerance::Percent(10.0),
        };
        assert_eq!(score(&k, Response::Number(-0.33)), 1.0);
        assert_eq!(score(&k, Response::Number(-0.27)), 1.0);
        assert_eq!(score(&k, Response::Number(-0.331)), 0.0);
        // a percentage of zero is zero
        let k = Key::Numeric {
            answer: 0.0,
            tolerance: Tolerance::Percent(5.0),
        };
        assert_eq!(score(&k, Response::Number(0.0)), 1.0);
        assert_eq!(score(&k, Response::Number(1e-300)), 0.0);
    }

    #[test]
    fn numeric_huge_tolerance_saturates() {
        // Found by the fuzz tests (src/fuzz.rs, fuzz_grader): |answer| * p / 100 overflowed to
        // infinity, so this valid key rejected its own answer.
        let k = Key::Numeric {
            answer: 417434.7417226221,
            tolerance: Tolerance::Percent(f64::MAX),
        };
        assert!(k.validate().is_ok());
        assert_eq!(score(&k, answer_key_response(&k)), 1.0);
        assert_eq!(score(&k, Response::Number(-f64::MAX)), 1.0);
        // A distance that overflows is not within a tolerance of f64::MAX.
        let k = Key::Numeric {
            answer: f64::MAX,
            tolerance: Tolerance::Absolute(f64::MAX),
        };
        assert_eq!(score(&k, Response::Number(0.0)), 1.0);
        assert_eq!(score(&k, Response::Number(-f64::MAX)), 0.0);
    }

    #[test]
    fn numeric_non_finite_never_correct() {
        let k = Key::Numeric {
            answer: 1.0,
            tolerance: Tolerance::Absolute(f64::MAX),
        };
        assert_eq!(score(&k, Response::Number(f64::NAN)), 0.0);
        assert_eq!(score(&k, Response::Number(f64::INFINITY)), 0.0);
        assert_eq!(score(&k, Response::Number(f64::NEG_INFINITY)), 0.0);
        let bad = Key::Numeric {
            answer: f64::NAN,
            tolerance: Tolerance::Absolute(1.0),
        };
        assert_eq!(score(&bad, Response::Number(f64::NAN)), 0.0);
        let neg = Key::Numeric {
            answer: 1.0,
            tolerance: Tolerance::Absolute(-1.0),
        };
        assert_eq!(score(&neg, Response::Number(1.0)), 0.0);
    }

    #[test]
    fn text_normalization() {
        let k = Key::Text {
            answers: vec!["inférence".into(), "prediction".into()],
        };
        assert_eq!(score(&k, Response::Text("  Inférence ".into())), 1.0);
        assert_eq!(score(&k, Response::Text("PREDICTION\n".into())), 1.0);
        assert_eq!(score(&k, Response::Text("inference".into())), 0.0);
        let k = Key::Text {
            answers: vec!["language model".into()],
        };
        assert_eq!(
            score(&k, Response::Text("language\t\u{3000} \u{a0}model".into())),
            1.0
        );
        assert_eq!(score(&k, Response::Text("languagemodel".into())), 0.0);
        assert_eq!(score(&k, Response::Text(String::new())), 0.0);
    }

    #[test]
    fn text_unicode_case() {
        // İ lowercases to i + U+0307, so "İSTANBUL" matches "İstanbul" and its
        // full lowercase, but not a dotless-ASCII "istanbul".
        let k = Key::Text {
            answers: vec!["İstanbul".into()],
        };
        assert_eq!(score(&k, Response::Text("İSTANBUL".into())), 1.0);
        assert_eq!(score(&k, Response::Text("i\u{307}stanbul".into())), 1.0);
        assert_eq!(score(&k, Response::Text("istanbul".into())), 0.0);
        let k = Key::Text {
            answers: vec!["STRASSE".into()],
        };
        assert_eq!(score(&k, Response::Text("strasse".into())), 1.0);
        // Σ at the end of a word lowercases to final sigma ς (U+03C2), not σ.
        let k = Key::Text {
            answers: vec!["ΟΔΟΣ".into()],
        };
        assert_eq!(
            score(&k, Response::Text("\u{3bf}\u{3b4}\u{3bf}\u{3c2}".into())),
            1.0
        );
        assert_eq!(
            score(&k, Response::Text("\u{3bf}\u{3b4}\u{3bf}\u{3c3}".into())),
            0.0
        );
        // Accents are not folded.
        assert_eq!(score(&k, Response::Text("οδός".into())), 0.0);
    }

    #[test]
    fn text_has_no_unicode_normalization() {
        // Documented limitation: precomposed and decomposed forms differ.
        let k = Key::Text {
            answers: vec!["caf\u{e9}".into()],
        };
        assert_eq!(score(&k, Response::Text("cafe\u{301}".into())), 0.0);
        assert_eq!(score(&k, Response::Text("CAF\u{c9}".into())), 1.0);
    }

    #[test]
    fn invalid_keys_grade_zero() {
        let keys = [
            Key::Multiple {
                correct: vec![],
                choices: 3,
            },
            Key::Multiple {
                correct: vec![3],
                choices: 3,
            },
            Key::Multiple {
                correct: vec![1, 1],
                choices: 3,
            },
            Key::Text { answers: vec![] },
            Key::Text {
                answers: vec!["  ".into()],
            },
            Key::Order { items: 0 },
            Key::Numeric {
                answer: f64::INFINITY,
                tolerance: Tolerance::Percent(1.0),
            },
            Key::Numeric {
                answer: 1.0,
                tolerance: Tolerance::Percent(f64::NAN),
            },
        ];
        for k in &keys {
            assert!(k.validate().is_err(), "{k:?}");
            assert_eq!(grade(k, &answer_key_response(k)), Grade::ZERO, "{k:?}");
        }
        assert_eq!(
            grade(
                &Key::Multiple {
                    correct: vec![],
                    choices: 3
                },
                &Response::Choices(vec![])
            )
            .score,
            0.0
        );
    }

    fn sample_keys() -> Vec<Key> {
        vec![
            Key::Single { correct: 0 },
            Key::Single { correct: 12 },
            Key::Multiple {
                correct: vec![0, 2],
                choices: 4,
            },
            Key::Multiple {
                correct: vec![3],
                choices: 4,
            },
            Key::TrueFalse { answer: true },
            Key::TrueFalse { answer: false },
            Key::Numeric {
                answer: 350_000.0,
                tolerance: Tolerance::Absolute(0.0),
            },
            Key::Numeric {
                answer: -0.1,
                tolerance: Tolerance::Percent(2.5),
            },
            Key::Numeric {
                answer: 1e300,
                tolerance: Tolerance::Absolute(1e-300),
            },
            Key::Numeric {
                answer: 0.1 + 0.2,
                tolerance: Tolerance::Percent(0.0),
            },
            Key::Text {
                answers: vec!["inference".into(), "prediction".into()],
            },
            Key::Text {
                answers: vec![
                    "a, b | c".into(),
                    "line\nbreak\r\n".into(),
                    "🦀 emoji ‍👩‍💻".into(),
                    "100% | %7C %25 %".into(),
                    "text:order:5".into(),
                    "back\\slash \"quotes\" 'single'".into(),
                    "|".into(),
                    "%".into(),
                ],
            },
            Key::Order { items: 1 },
            Key::Order { items: 5 },
            Key::Tracing { output: None },
            Key::Tracing {
                output: Some(String::new()),
            },
            Key::Tracing {
                output: Some("A\nB\ndrop\nC | 100% yes:no".into()),
            },
        ]
    }

    /// mdbook-quiz's Tracing (tracing.tsx `compareAnswers`): "does not compile" is the whole
    /// answer when the program does not compile (its line number is not asked); an output is
    /// compared exactly but for white space at either end.
    #[test]
    fn all_of_is_multiple_without_partial_credit() {
        let k = Key::AllOf {
            correct: vec![0, 2],
            choices: 4,
        };
        assert_eq!(score(&k, Response::Choices(vec![2, 0])), 1.0);
        assert_eq!(score(&k, Response::Choices(vec![0])), 0.0);
        assert_eq!(score(&k, Response::Choices(vec![0, 2, 3])), 0.0);
        assert_eq!(Key::decode(&k.encode()), Ok(k.clone()));
        assert_eq!(k.encode(), "all-of:4:0,2");
        assert!(Key::decode("all-of:2:5").is_err());
    }

    #[test]
    fn tracing_as_mdbook_quiz_grades_it() {
        let fails = Key::Tracing { output: None };
        assert_eq!(score(&fails, Response::Tracing(None)), 1.0);
        assert_eq!(score(&fails, Response::Tracing(Some(String::new()))), 0.0);
        let prints = Key::Tracing {
            output: Some("A\nB\ndrop\nC".into()),
        };
        assert_eq!(score(&prints, Response::Tracing(None)), 0.0);
        for right in ["A\nB\ndrop\nC", "  A\r\nB\r\ndrop\r\nC\n\n"] {
            assert_eq!(
                score(&prints, Response::Tracing(Some(right.into()))),
                1.0,
                "{right:?}"
            );
        }
        for wrong in ["a\nb\ndrop\nc", "A B drop C", "A\nB\n drop\nC", "A\nB\nC"] {
            assert_eq!(
                score(&prints, Response::Tracing(Some(wrong.into()))),
                0.0,
                "{wrong:?}"
            );
        }
        let silent = Key::Tracing {
            output: Some(String::new()),
        };
        assert_eq!(score(&silent, Response::Tracing(Some(" \n".into()))), 1.0);
        assert_eq!(
            grade_encoded("tracing:yes:0 2", "yes:0 2").map(|g| g.correct),
            Ok(true)
        );
        assert_eq!(
            grade_encoded("tracing:yes:0 2", "yes:0  2").map(|g| g.correct),
            Ok(false)
        );
        assert_eq!(
            grade_encoded("tracing:no", "no").map(|g| g.correct),
            Ok(true)
        );
        assert!(grade_encoded("tracing:no", "maybe").is_err());
        assert!(Key::decode("tracing:perhaps").is_err());
    }

    #[test]
    fn key_round_trip() {
        for k in sample_keys() {
            let enc = k.encode();
            assert!(!enc.is_empty());
            let back = Key::decode(&enc).unwrap_or_else(|e| panic!("{enc:?}: {e}"));
            assert_eq!(back, k, "{enc:?}");
        }
    }

    #[test]
    fn key_encoding_is_readable() {
        assert_eq!(Key::Single { correct: 2 }.encode(), "single:2");
        assert_eq!(
            Key::Multiple {
                correct: vec![0, 2],
                choices: 4
            }
            .encode(),
            "multiple:4:0,2"
        );
        assert_eq!(
            Key::TrueFalse { answer: false }.encode(),
            "true-false:false"
        );
        assert_eq!(
            Key::Numeric {
                answer: 350_000.0,
                tolerance: Tolerance::Absolute(0.0)
            }
            .encode(),
            "numeric:350000:0"
        );
        assert_eq!(
            Key::Numeric {
                answer: 200.5,
                tolerance: Tolerance::Percent(1.0)
            }
            .encode(),
            "numeric:200.5:1%"
        );
        assert_eq!(
            Key::Text {
                answers: vec!["a|b".into(), "50%".into()]
            }
            .encode(),
            "text:a%7Cb|50%25"
        );
        assert_eq!(Key::Order { items: 5 }.encode(), "order:5");
    }

    #[test]
    fn key_decode_errors() {
        for bad in [
            "",
            "single",
            "single:",
            "single:-1",
            "single:+1",
            "single:x",
            "multiple:4",
            "multiple:4:",
            "multiple:4:4",
            "multiple:4:1,1",
            "multiple:x:1",
            "true-false:yes",
            "numeric:1",
            "numeric:x:0",
            "numeric:1:x",
            "numeric:1:-1",
            "numeric:1:-1%",
            "numeric:NaN:0",
            "numeric:inf:0",
            "numeric:1:inf",
            "text:",
            "text:a|",
            "text:50%",
            "text:%7",
            "text:%41",
            "order:0",
            "order:",
            "order:10001",
            "order:99999999999",
            "multiple:99999999999:0",
            "essay:1",
            "99999999999999999999999999:1",
            "single:99999999999999999999999999",
        ] {
            assert!(Key::decode(bad).is_err(), "{bad:?} should not decode");
        }
    }

    #[test]
    fn response_round_trip() {
        for k in sample_keys() {
            let r = answer_key_response(&k);
            let back = Response::decode(&k, &r.encode()).unwrap();
            assert_eq!(back, r, "{k:?}");
        }
        let k = Key::Order { items: 4 };
        let r = Response::Order(vec![3, 1, 0, 2]);
        assert_eq!(r.encode(), "3,1,0,2");
        assert_eq!(Response::decode(&k, " 3, 1 ,0,2 ").unwrap(), r);
    }

    #[test]
    fn response_decoding() {
        let num = Key::Numeric {
            answer: 1.0,
            tolerance: Tolerance::Absolute(0.0),
        };
        assert_eq!(
            Response::decode(&num, " 350000 ").unwrap(),
            Response::Number(350_000.0)
        );
        assert_eq!(
            Response::decode(&num, "-1.5e3").unwrap(),
            Response::Number(-1500.0)
        );
        assert!(Response::decode(&num, "350,000").is_err());
        assert!(Response::decode(&num, "").is_err());
        assert!(Response::decode(&num, "abc").is_err());
        let multi = Key::Multiple {
            correct: vec![0],
            choices: 2,
        };
        assert_eq!(
            Response::decode(&multi, "").unwrap(),
            Response::Choices(vec![])
        );
        assert_eq!(
            Response::decode(&multi, "0,1").unwrap(),
            Response::Choices(vec![0, 1])
        );
        assert!(Response::decode(&multi, "0,,1").is_err());
        assert!(Response::decode(&multi, "0;1").is_err());
        let tf = Key::TrueFalse { answer: true };
        assert_eq!(
            Response::decode(&tf, " true ").unwrap(),
            Response::Bool(true)
        );
        assert!(Response::decode(&tf, "yes").is_err());
        let single = Key::Single { correct: 0 };
        assert!(Response::decode(&single, "").is_err());
        assert!(Response::decode(&single, "1.0").is_err());
        let text = Key::Text {
            answers: vec!["x".into()],
        };
        assert_eq!(
            Response::decode(&text, " a|b\n").unwrap(),
            Response::Text(" a|b\n".into())
        );
    }

    #[test]
    fn grade_encoded_end_to_end() {
        for k in sample_keys() {
            let r = answer_key_response(&k).encode();
            let g = grade_encoded(&k.encode(), &r).unwrap();
            assert_eq!(g, Grade::FULL, "{k:?} with {r:?}");
        }
        assert!(close(
            grade_encoded("multiple:4:0,2", "0").unwrap().score,
            0.5
        ));
        assert!(close(
            grade_encoded("order:5", "1,0,2,3,4").unwrap().score,
            0.9
        ));
        assert_eq!(
            grade_encoded("numeric:350000:0", " 350000 ").unwrap(),
            Grade::FULL
        );
        assert_eq!(grade_encoded("order:3", "0,1,7").unwrap(), Grade::ZERO);
        assert!(grade_encoded("bogus", "1").is_err());
        assert!(grade_encoded("numeric:1:0", "one").is_err());
    }
}
