//! coursebook's quiz grader and widget maths.
//!
//! One crate, two uses: the site generator links it natively to check every
//! quiz at build time and to pre-compute widget output for readers without
//! JavaScript, and `build.rs` compiles it to WebAssembly for the learner's
//! browser. Because both run the same code, a quiz cannot pass at build time
//! and grade differently in the page.
//!
//! - [`grade`](mod@grade): answer keys, responses, scoring, and their text encodings.
//! - [`conceal`](mod@conceal): keeps answer keys out of plain sight in page source.
//! - [`calc`]: the house-price calculator and number formatting.
//! - [`fit`]: gradient descent for the fit-the-line playground.
//! - [`js`]: the thin `#[wasm_bindgen]` layer the page calls.
//! - `number` (private): the decimal reader behind numeric keys, responses
//!   and calculator fields; it gives exactly `str::parse::<f64>`'s results
//!   without the standard parser and its tables (a quarter of the gzipped
//!   wasm).
//!
//! No dependencies beyond wasm-bindgen: the module ships to every learner.

pub mod calc;
pub mod conceal;
pub mod fit;
pub mod grade;
pub mod js;
mod number;
pub mod text;
/// The one number reader (see `number`), for the build to read authors' numbers as learners' are read.
pub use number::parse_f64 as parse_number;

pub use calc::{check_input, format_magnitude, format_number, predict};
pub use conceal::{conceal, reveal};
pub use fit::{DEFAULT_LEARNING_RATE, Fit, default_houses, gradients, least_squares, mse};
pub use grade::{
    Grade, Key, Response, Tolerance, answer_key_response, grade, grade_encoded, normalize_text,
};
pub use text::{Frame, equation, line_text, money};
