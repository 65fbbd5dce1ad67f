//! The JavaScript-facing API: thin `#[wasm_bindgen]` shims over the Rust API.
//!
//! Everything here takes and returns plain strings and numbers so the page's
//! script stays small and no serde is needed. The shims are compiled on every
//! target (not only wasm32) so native tests exercise exactly the functions
//! the browser calls; natively `#[wasm_bindgen]` only adds inert glue.
//!
//! JS names are the same as the Rust names below except where noted with
//! `js_name`. Errors never throw: they come back as sentinel values (-1,
//! `undefined`, or a message string) because an exception in a quiz handler
//! would leave the page half-updated.

use wasm_bindgen::prelude::wasm_bindgen;

use crate::{calc, conceal, fit, grade, text};

/// Check one answer in one call. `answer` is the question's concealed payload (its answer key
/// and the details shown after a check, joined by [`answer_payload`]); it is revealed with the
/// quiz's salt, the response graded, and the key forgotten inside the module: it never reaches
/// the page's script. Returns JSON:
///
/// ```text
/// {"score": 500000000000, "error": "", "details": "{\"feedback\": [...], \"explanation\": \"...\", \"answer\": \"...\"}"}
/// ```
///
/// `score` is in `0..=1` (`1`: fully correct) times 10¹², or `-1` (times 10¹²) with `error`
/// saying, in English, why the response cannot be read for that question (`“abc” is not a
/// number`); `details` is the JSON text the build wrote, as a string the script parses on its
/// own, so a damaged one cannot spoil the grade; empty when there is none. A payload that is not
/// concealed is taken as a bare answer key (as the shared test table writes them). A numeric
/// answer is read as the page's language `lang` prints numbers (`350,000`, `$350,000`,
/// `350 000` and `1,5` in French: [`calc::plain_number_text`]); with `lang` empty, only plain
/// numbers are read (the grader's own rule, as the shared test table checks it).
#[wasm_bindgen]
pub fn check(answer: &str, salt: &str, response: &str, lang: &str) -> String {
    let revealed = conceal::reveal(answer, salt);
    let (key, details) = match revealed.as_deref().and_then(split_payload) {
        Some((key, details)) => (key, details),
        None => (revealed.as_deref().unwrap_or(answer), ""),
    };
    let plain;
    let response = if key.starts_with("numeric:") && !lang.is_empty() {
        plain = calc::plain_number_text(response, lang);
        plain.as_str()
    } else {
        response
    };
    let (score, error) = match grade::grade_encoded(key, response) {
        Ok(g) => (g.score, String::new()),
        Err(e) => (-1.0, e),
    };
    let mut out = String::with_capacity(details.len() + error.len() + 40);
    out.push_str("{\"score\":");
    out.push_str(&number(score));
    out.push_str(",\"error\":");
    json_string(&error, &mut out);
    out.push_str(",\"details\":");
    json_string(details, &mut out);
    out.push('}');
    out
}

/// One question's answer key and details as one text, to conceal as one payload:
/// `<key length>:<key><details>`. The length prefix needs no escaping whatever the key holds.
pub fn answer_payload(key: &str, details: &str) -> String {
    format!("{}:{key}{details}", key.len())
}

/// The key and details of a payload made by [`answer_payload`].
fn split_payload(payload: &str) -> Option<(&str, &str)> {
    let (len, rest) = payload.split_once(':')?;
    if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let len: usize = len.parse().ok()?;
    Some((rest.get(..len)?, rest.get(len..)?))
}

/// A score as JSON, in millionths of a millionth (`1` → `1000000000000`, `2/3` →
/// `666666666667`; the script divides). Formatting an `f64` as text would pull Rust's float
/// printing into the module: 24 KB of the 107 KB it weighed with it (82.6 KB without).
fn number(x: f64) -> String {
    if x.is_finite() {
        ((x * 1e12).round() as i64).to_string()
    } else {
        "-1000000000000".to_string()
    }
}

/// `s` as a JSON string (quotes, backslashes and control characters escaped).
fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `w × size + b`.
#[wasm_bindgen(js_name = predict)]
pub fn predict_js(w: f64, size: f64, b: f64) -> f64 {
    calc::predict(w, size, b)
}

/// `x` formatted for the page language (see [`calc::format_number`]).
#[wasm_bindgen(js_name = format_number)]
pub fn format_number_js(x: f64, lang: &str) -> String {
    calc::format_number(x, lang)
}

/// A quantity that may be huge, as a power of ten past a million (see
/// [`calc::format_magnitude`]).
#[wasm_bindgen(js_name = format_magnitude)]
pub fn format_magnitude_js(x: f64, lang: &str) -> String {
    calc::format_magnitude(x, lang)
}

/// A price with its currency (see [`text::money`]).
#[wasm_bindgen(js_name = money)]
pub fn money_js(x: f64, currency: &str, lang: &str) -> String {
    text::money(x, currency, lang)
}

/// The worked example; pass NaN for a number the learner left unusable (shown as `?`).
#[wasm_bindgen(js_name = equation)]
pub fn equation_js(w: f64, size: f64, b: f64, lang: &str) -> String {
    text::equation(w, size, b, lang)
}

/// `price = w × size + b` with the numbers written for the language, in the words of
/// `pattern` (`price = {w} × size {b}`).
#[wasm_bindgen(js_name = line_text)]
pub fn line_text_js(w: f64, b: f64, lang: &str, pattern: &str) -> String {
    text::line_text(w, b, lang, pattern)
}

/// Where `y = w·x + b` crosses a chart whose frame is `[x0, x1, y0, y1, left, right, top,
/// bottom]` (its `data-x0`…, `data-frame`): `[x1, y1, x2, y2]` in SVG units, two decimals,
/// or an empty array when the line misses the chart (or the frame is not eight numbers).
#[wasm_bindgen]
pub fn clip_line(w: f64, b: f64, frame: Vec<f64>) -> Vec<f64> {
    let [x0, x1, y0, y1, left, right, top, bottom] = frame[..] else {
        return Vec::new();
    };
    let frame = text::Frame {
        x0,
        x1,
        y0,
        y1,
        left,
        right,
        top,
        bottom,
    };
    frame.line(w, b).map_or_else(Vec::new, |l| l.to_vec())
}

/// What is wrong with a number field's text (`empty`, `separators`, `invalid`, `too_large`:
/// see [`calc::check_input`]), or an empty string when it holds a usable number (then read it
/// with `Number(text)`).
#[wasm_bindgen(js_name = check_input)]
pub fn check_input_js(text: &str, allow_negative: bool) -> String {
    match calc::check_input(text, allow_negative) {
        Ok(_) => String::new(),
        Err(code) => code.to_string(),
    }
}

/// The fit-the-line playground: gradient descent the learner can step.
#[wasm_bindgen]
pub struct Playground {
    fit: fit::Fit,
}

#[wasm_bindgen]
impl Playground {
    /// Start at `(w, b)` on the points `(xs[i], ys[i])`.
    #[wasm_bindgen(constructor)]
    pub fn new(xs: Vec<f64>, ys: Vec<f64>, w: f64, b: f64) -> Playground {
        Playground {
            fit: fit::Fit::new(&xs, &ys, w, b),
        }
    }

    /// One step at learning rate `lr` (safe below 1; 0.1 is the default).
    pub fn step(&mut self, lr: f64) {
        self.fit.step(lr);
    }

    /// Mean squared error in price².
    pub fn loss(&self) -> f64 {
        self.fit.loss()
    }

    pub fn w(&self) -> f64 {
        self.fit.w()
    }

    pub fn b(&self) -> f64 {
        self.fit.b()
    }

    pub fn iterations(&self) -> u32 {
        self.fit.iterations()
    }

    pub fn reset(&mut self) {
        self.fit.reset();
    }

    pub fn diverged(&self) -> bool {
        self.fit.diverged()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn check_grades_reveals_and_reports_in_one_call() {
        let answer = conceal::conceal(&answer_payload("single:1", "{\"answer\":\"B\"}"), "s");
        assert_eq!(
            check(&answer, "s", "1", "en"),
            r#"{"score":1000000000000,"error":"","details":"{\"answer\":\"B\"}"}"#
        );
        assert_eq!(
            check(&answer, "s", "0", "en"),
            r#"{"score":0,"error":"","details":"{\"answer\":\"B\"}"}"#
        );
        // A bare key (the shared test table's form).
        assert_eq!(
            check("multiple:4:0,2", "s", "0", "en"),
            r#"{"score":500000000000,"error":"","details":""}"#
        );
        // The wrong salt leaves the payload unreadable: an error, never a grade.
        assert!(check(&answer, "t", "1", "en").starts_with(r#"{"score":-1000000000000,"error":""#));
        // A numeric answer as the lesson prints it, in the page's language.
        let key = "numeric:350000:0";
        assert!(check(key, "", " $350,000 ", "en").starts_with(r#"{"score":1000000000000,"#));
        assert!(check(key, "", "350 000", "fr").starts_with(r#"{"score":1000000000000,"#));
        assert!(check(key, "", "350 000", "en").starts_with(r#"{"score":-1000000000000,"#));
        let unreadable = check("numeric:1:0", "", "one\"\n", "en");
        assert!(
            unreadable.starts_with(r#"{"score":-1000000000000,"error":"#),
            "{unreadable}"
        );
        assert!(unreadable.contains("not a number"), "{unreadable}");
        assert!(unreadable.contains(r#"one\"\n"#), "{unreadable}");
        // A key holding anything, even what looks like a length, splits back exactly.
        for key in ["text:a%7Cb", "text:3:x", ""] {
            let payload = answer_payload(key, "{}");
            assert_eq!(split_payload(&payload), Some((key, "{}")));
        }
        assert_eq!(split_payload("single:1"), None);
        assert_eq!(split_payload("99:short"), None);
        assert_eq!(predict_js(200.0, 1000.0, 50_000.0), 250_000.0);
        assert_eq!(format_number_js(250_000.0, "de"), "250.000");
        assert_eq!(check_input_js("1500", false), "");
        assert_eq!(check_input_js("-1", false), "invalid");
    }

    #[test]
    fn playground_wraps_fit() {
        let (xs, ys): (Vec<f64>, Vec<f64>) = fit::default_houses().into_iter().unzip();
        let (w, b) = fit::least_squares(&xs, &ys).unwrap();
        let mut p = Playground::new(xs, ys, 0.0, 0.0);
        let start = p.loss();
        for _ in 0..200 {
            p.step(0.1);
        }
        assert!(p.loss() < start);
        assert_eq!(p.iterations(), 200);
        assert!((p.w() - w).abs() < 1e-6 * w.abs());
        assert!((p.b() - b).abs() < 1e-6 * b.abs());
        // Sitting on the optimum, a too-large rate needs a few dozen steps
        // before the tiny residual error grows enough to see.
        for _ in 0..100 {
            p.step(2.0);
        }
        assert!(p.diverged());
        p.reset();
        assert!(!p.diverged() && p.w() == 0.0);
    }
}
