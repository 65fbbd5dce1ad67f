//! The texts and geometry the widgets show, written once for the build (the page without
//! JavaScript) and the browser (widgets.js, through `js.rs`), so the two never disagree:
//! prices with their currency, the worked example, the line's equation, and where a line
//! crosses a chart.

use crate::calc::{format_number, predict};

/// U+2212, the minus sign, for a negative intercept in an equation.
const MINUS: &str = "\u{2212}";

/// A price as the learner reads it: grouped for the language, the currency symbol in front and
/// the minus sign before that (`-$1,500`).
pub fn money(x: f64, currency: &str, lang: &str) -> String {
    let digits = format_number(x, lang);
    match digits.strip_prefix('-') {
        Some(rest) => format!("-{currency}{rest}"),
        None => format!("{currency}{digits}"),
    }
}

/// ` + 50,000` or ` − 12,000`: the intercept with its sign, as equations write it.
fn signed(b: f64, lang: &str) -> String {
    let f = |x: f64| format_number(x, lang);
    if b < 0.0 && f(-b) != "0" {
        format!("{MINUS} {}", f(-b))
    } else {
        format!("+ {}", f(b))
    }
}

/// The worked example: `200 × 1,000 + 50,000 = 250,000`. A number that is not usable (NaN,
/// a field the learner left unreadable) shows as `?`, and so does the price then.
pub fn equation(w: f64, size: f64, b: f64, lang: &str) -> String {
    let f = |x: f64| {
        if x.is_nan() {
            "?".to_string()
        } else {
            format_number(x, lang)
        }
    };
    let bias = if b.is_nan() {
        "+ ?".to_string()
    } else {
        signed(b, lang)
    };
    format!("{} × {} {bias} = {}", f(w), f(size), f(predict(w, size, b)))
}

/// The line `price = 196.5 × size + 52,000`: `pattern` in the page's language
/// (`price = {w} × size {b}`, the interface's `js.line`) with the numbers written for it, `{b}`
/// with its sign (`+ 52,000`, `− 3`).
pub fn line_text(w: f64, b: f64, lang: &str, pattern: &str) -> String {
    pattern
        .replace("{w}", &format_number(w, lang))
        .replace("{b}", &signed(b, lang))
}

/// A chart's frame: the data box `(x0, x1, y0, y1)` and where it lands in SVG units
/// `(left, right, top, bottom)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Frame {
    pub fn px(&self, x: f64) -> f64 {
        self.left + (x - self.x0) / (self.x1 - self.x0) * (self.right - self.left)
    }

    pub fn py(&self, y: f64) -> f64 {
        self.bottom - (y - self.y0) / (self.y1 - self.y0) * (self.bottom - self.top)
    }

    /// The visible part of `y = w·x + b` inside the data box, in SVG units rounded to two
    /// decimals (`[x1, y1, x2, y2]`), or `None` when the line misses the chart.
    pub fn line(&self, w: f64, b: f64) -> Option<[f64; 4]> {
        let (lo, hi) = if w == 0.0 {
            if b < self.y0 || b > self.y1 {
                return None;
            }
            (self.x0, self.x1)
        } else {
            let (xa, xb) = ((self.y0 - b) / w, (self.y1 - b) / w);
            (self.x0.max(xa.min(xb)), self.x1.min(xa.max(xb)))
        };
        // NaN (from an infinite slope) compares as neither: no line either.
        if lo
            .partial_cmp(&hi)
            .is_none_or(|o| o == core::cmp::Ordering::Greater)
        {
            return None;
        }
        Some([
            self.px(lo),
            self.py(w * lo + b),
            self.px(hi),
            self.py(w * hi + b),
        ])
        .map(|l| l.map(round2))
    }
}

/// SVG coordinates keep two decimals, so the markup stays short and stable.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn prices_and_equations() {
        assert_eq!(money(-1500.0, "$", "en"), "-$1500");
        assert_eq!(money(-15000.0, "$", "en"), "-$15,000");
        assert_eq!(money(250_000.0, "", "de"), "250.000");
        assert_eq!(
            equation(200.0, 1000.0, 50_000.0, "en"),
            "200 × 1000 + 50,000 = 250,000"
        );
        assert_eq!(
            equation(200.0, 1000.0, -12_000.0, "en"),
            "200 × 1000 − 12,000 = 188,000"
        );
        assert_eq!(equation(f64::NAN, 1000.0, 5.0, "en"), "? × 1000 + 5 = ?");
        assert_eq!(equation(1.0, 1.0, f64::NAN, "en"), "1 × 1 + ? = ?");
        let en = "price = {w} × size {b}";
        assert_eq!(
            line_text(196.5, -0.001, "en", en),
            "price = 196.5 × size + 0"
        );
        assert_eq!(
            line_text(2.0, -3.0, "fr", "prix = {w} × surface {b}"),
            "prix = 2 × surface − 3"
        );
    }

    #[test]
    fn lines_are_clipped_to_the_chart() {
        let f = Frame {
            x0: 0.0,
            x1: 10.0,
            y0: 0.0,
            y1: 10.0,
            left: 0.0,
            right: 100.0,
            top: 0.0,
            bottom: 100.0,
        };
        assert_eq!(f.line(0.0, 5.0), Some([0.0, 50.0, 100.0, 50.0]));
        assert_eq!(f.line(0.0, 11.0), None);
        assert_eq!(f.line(2.0, 0.0), Some([0.0, 100.0, 50.0, 0.0]));
        assert_eq!(f.line(-1.0, 21.0), None);
        // Touching a corner is still visible.
        assert_eq!(f.line(-1.0, 20.0), Some([100.0, 0.0, 100.0, 0.0]));
        assert_eq!(f.line(1e300, 0.0).map(|l| l[0]), Some(0.0));
        assert_eq!(f.line(1.0 / 3.0, 0.0).map(|l| l[3]), Some(66.67));
    }
}
