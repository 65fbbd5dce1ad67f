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

use crate::{calc, conceal, fit, grade};

/// Score a response (`0..=1`; `1` means fully correct) against an encoded
/// answer key. `-1` when the key cannot be decoded or the response cannot be
/// read for that question type (e.g. "abc" for a numeric question); ask
/// [`grade_error`] for the reason.
#[wasm_bindgen(js_name = grade)]
pub fn grade_js(key: &str, response: &str) -> f64 {
    match grade::grade_encoded(key, response) {
        Ok(g) => g.score,
        Err(_) => -1.0,
    }
}

/// Why [`grade_js`] returned -1, in English; empty when it did not.
#[wasm_bindgen]
pub fn grade_error(key: &str, response: &str) -> String {
    match grade::grade_encoded(key, response) {
        Ok(_) => String::new(),
        Err(e) => e,
    }
}

/// The concealed text, or `undefined` when the blob or salt is wrong.
#[wasm_bindgen(js_name = reveal)]
pub fn reveal_js(blob: &str, salt: &str) -> Option<String> {
    conceal::reveal(blob, salt)
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

/// The problem with a calculator field's text, or an empty string when it
/// holds a usable number (then read it with `Number(text)`).
#[wasm_bindgen(js_name = check_input)]
pub fn check_input_js(text: &str, name: &str, allow_negative: bool) -> String {
    match calc::check_input(text, name, allow_negative) {
        Ok(_) => String::new(),
        Err(e) => e,
    }
}

/// The default houses' sizes, for a playground without its own data.
#[wasm_bindgen]
pub fn default_sizes() -> Vec<f64> {
    fit::default_houses().iter().map(|h| h.0).collect()
}

/// The default houses' prices, paired with [`default_sizes`].
#[wasm_bindgen]
pub fn default_prices() -> Vec<f64> {
    fit::default_houses().iter().map(|h| h.1).collect()
}

/// The fit-the-line playground: gradient descent the learner can step.
#[wasm_bindgen]
pub struct Playground {
    fit: fit::Fit,
    xs: Vec<f64>,
    ys: Vec<f64>,
}

#[wasm_bindgen]
impl Playground {
    /// Start at `(w, b)` on the points `(xs[i], ys[i])`.
    #[wasm_bindgen(constructor)]
    pub fn new(xs: Vec<f64>, ys: Vec<f64>, w: f64, b: f64) -> Playground {
        Playground {
            fit: fit::Fit::new(&xs, &ys, w, b),
            xs,
            ys,
        }
    }

    /// One step at learning rate `lr` (safe below 1; 0.1 is the default).
    pub fn step(&mut self, lr: f64) {
        self.fit.step(lr);
    }

    /// `n` steps at learning rate `lr`.
    pub fn steps(&mut self, n: u32, lr: f64) {
        self.fit.steps(n, lr);
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

    /// The least-squares slope, or `undefined` when it is not determined.
    pub fn least_squares_w(&self) -> Option<f64> {
        fit::least_squares(&self.xs, &self.ys).map(|(w, _)| w)
    }

    /// The least-squares intercept, or `undefined` when it is not determined.
    pub fn least_squares_b(&self) -> Option<f64> {
        fit::least_squares(&self.xs, &self.ys).map(|(_, b)| b)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn shims_map_errors_to_sentinels() {
        assert_eq!(grade_js("single:1", "1"), 1.0);
        assert_eq!(grade_js("multiple:4:0,2", "0"), 0.5);
        assert_eq!(grade_js("nonsense", "1"), -1.0);
        assert_eq!(grade_js("numeric:1:0", "one"), -1.0);
        assert_eq!(grade_error("single:1", "1"), "");
        assert!(grade_error("numeric:1:0", "one").contains("not a number"));
        let blob = conceal::conceal("single:1", "s");
        assert_eq!(reveal_js(&blob, "s").as_deref(), Some("single:1"));
        assert_eq!(reveal_js(&blob, "t"), None);
        assert_eq!(predict_js(200.0, 1000.0, 50_000.0), 250_000.0);
        assert_eq!(format_number_js(250_000.0, "de"), "250.000");
        assert_eq!(check_input_js("1500", "size", false), "");
        assert_eq!(
            check_input_js("-1", "size", false),
            "Size must be a number of square feet, 0 or more."
        );
        assert_eq!(default_sizes().len(), default_prices().len());
    }

    #[test]
    fn playground_wraps_fit() {
        let mut p = Playground::new(default_sizes(), default_prices(), 0.0, 0.0);
        let start = p.loss();
        p.steps(200, 0.1);
        assert!(p.loss() < start);
        assert_eq!(p.iterations(), 200);
        let (w, b) = (p.least_squares_w().unwrap(), p.least_squares_b().unwrap());
        assert!((p.w() - w).abs() < 1e-6 * w.abs());
        assert!((p.b() - b).abs() < 1e-6 * b.abs());
        // Sitting on the optimum, a too-large rate needs a few dozen steps
        // before the tiny residual error grows enough to see.
        p.steps(100, 2.0);
        assert!(p.diverged());
        p.reset();
        assert!(!p.diverged() && p.w() == 0.0);
        let flat = Playground::new(vec![1.0, 1.0], vec![1.0, 2.0], 0.0, 0.0);
        assert_eq!(flat.least_squares_w(), None);
    }
}
