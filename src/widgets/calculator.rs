//! The house-price calculator (```` ```calculator ````): its YAML keys, the checks an author's
//! mistake deserves, and the view the theme's `calculator.html` draws.
//!
//! Without JavaScript the block shows the worked example, computed here with quiz-wasm's
//! `predict` and `format_number`; with it, the theme's `widgets.js` recomputes with the same
//! functions compiled to WebAssembly, so the page never disagrees with the build. The markup
//! contract (docs/theming.md): `[data-widget="calculator"]` holding `input[name=size]`,
//! `input[name=w]`, `input[name=b]` and `output[name=price]`.
//!
//! Also home to the small helpers the playground shares (reading numbers and strings from YAML
//! with clear messages, "nice" axis numbers): both widgets read their blocks the same way.

use crate::diag::{Diagnostic, Pos};
use crate::markdown::Output;
use crate::render::Renderer;
use crate::render::widgets::{CalculatorView, NumberFieldView};
use crate::yaml::{self, Spanned, pos_of};
// Written once in quiz-wasm, for this page without JavaScript and for widgets.js.
use quiz_wasm::{equation, money};
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

const KEYS: &[&str] = &["w", "b", "size", "currency", "label"];
const DEFAULT_W: f64 = 200.0;
const DEFAULT_B: f64 = 50_000.0;
const DEFAULT_SIZE: f64 = 1000.0;
const DEFAULT_LABEL: &str = "House-price calculator";
/// A currency symbol, not a sentence: it goes in front of every price.
const MAX_CURRENCY_CHARS: usize = 8;

/// The block as written. Every value is read as any YAML value and checked by hand, so a
/// mistake gets a sentence about the key ("`w` must be a number, not the text …") instead of
/// serde's "invalid type".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalculator {
    w: Option<Spanned<Value>>,
    b: Option<Spanned<Value>>,
    size: Option<Spanned<Value>>,
    currency: Option<Spanned<Value>>,
    label: Option<Spanned<Value>>,
}

/// A checked calculator, ready to render.
#[derive(Clone, Debug, PartialEq)]
pub struct Calculator {
    pub w: f64,
    pub b: f64,
    pub size: f64,
    /// Written in front of prices ("$250,000"); empty for none.
    pub currency: String,
    /// The author's title; the interface string `calculator.default_title` when `None`.
    pub label: Option<String>,
}

/// Parse, check and render a ```` ```calculator ```` block: HTML to `out.html`, or, when the
/// block has mistakes, diagnostics to `out.diags` and no HTML. `body_line` is the number of
/// lines in the file before the block's first YAML line.
pub fn render(body: &str, path: &Path, body_line: usize, place: &Place<'_>, out: &mut Output) {
    match parse(body, path, body_line) {
        Ok(calc) => {
            let view = view(&calc, &format!("calculator_{body_line}"), place);
            match place.renderer.render_widget("calculator.html", "c", &view) {
                Ok(html) => out.html.push_str(&html),
                Err(d) => out.diags.push(d),
            }
        }
        Err(diags) => out.diags.extend(diags),
    }
}

/// What a widget's view needs from the page: its language and the theme.
pub struct Place<'a> {
    pub lang: &'a str,
    pub renderer: &'a Renderer,
}

/// Parse and check a block's YAML (`line_offset` lines into `path`).
pub fn parse(body: &str, path: &Path, line_offset: usize) -> Result<Calculator, Vec<Diagnostic>> {
    let raw: RawCalculator = yaml::parse(body, path, line_offset)
        .map_err(|d| vec![explain_yaml_error(d, "calculator", KEYS)])?;
    let mut diags = Vec::new();
    let field = Field {
        path,
        line_offset,
        widget: "calculator",
    };
    let mut num = |v: &Option<Spanned<Value>>, key: &str, default: f64| {
        field
            .optional_number(v.as_ref(), key, default, default, &mut diags)
            .unwrap_or(default)
    };
    let w = num(&raw.w, "w", DEFAULT_W);
    let b = num(&raw.b, "b", DEFAULT_B);
    let size = num(&raw.size, "size", DEFAULT_SIZE);
    if let Some(s) = &raw.size
        && size < 0.0
    {
        diags.push(
            Diagnostic::error(
                path,
                pos_of(s, line_offset),
                format!("the calculator's `size` is {}, below 0", plain_number(size)),
            )
            .with_help("a house's size is 0 sq ft or more, e.g. `size: 1000`"),
        );
    }
    let currency = match &raw.currency {
        None => String::new(),
        Some(c) => match field.text(c, "currency") {
            Ok(text)
                if text.chars().count() > MAX_CURRENCY_CHARS
                    || text.chars().any(|c| c.is_ascii_digit()) =>
            {
                diags.push(
                    Diagnostic::error(path, pos_of(c, line_offset), format!("the calculator's `currency` \"{text}\" is not a currency symbol"))
                        .with_help(format!("write the symbol that goes in front of prices (at most {MAX_CURRENCY_CHARS} characters, no digits), e.g. `currency: \"$\"`")),
                );
                String::new()
            }
            Ok(text) => text,
            Err(d) => {
                diags.push(d);
                String::new()
            }
        },
    };
    let label = raw
        .label
        .as_ref()
        .map(|l| field.label(Some(l), DEFAULT_LABEL, &mut diags));
    if diags.is_empty() && !quiz_wasm::predict(w, size, b).is_finite() {
        let at = raw
            .w
            .as_ref()
            .or(raw.size.as_ref())
            .or(raw.b.as_ref())
            .map_or(Pos::new(line_offset, 1), |v| pos_of(v, line_offset));
        diags.push(
            Diagnostic::error(
                path,
                at,
                "the calculator's prediction w × size + b is too large to show",
            )
            .with_help("use smaller numbers for `w`, `size` and `b`"),
        );
    }
    if diags.is_empty() {
        Ok(Calculator {
            w,
            b,
            size,
            currency,
            label,
        })
    } else {
        Err(diags)
    }
}

/// What the theme's `calculator.html` sees; `id` must be unique on the page (it prefixes every
/// element id).
pub fn view(c: &Calculator, id: &str, place: &Place<'_>) -> CalculatorView {
    let lang = place.lang;
    let price = quiz_wasm::predict(c.w, c.size, c.b);
    let field = |name: &'static str, label: &'static str, value: f64, allow_negative: bool| {
        let (min, max, step) = slider_range(value, allow_negative, name);
        NumberFieldView {
            id: format!("{id}-{name}"),
            name,
            label,
            value_attr: attr_number(value),
            value_text: quiz_wasm::format_number(value, lang),
            allow_negative,
            range_min: attr_number(min),
            range_max: attr_number(max),
            range_step: attr_number(step),
            range_value: attr_number(value.clamp(min, max)),
        }
    };
    CalculatorView {
        id: id.to_string(),
        lang: lang.to_string(),
        currency: c.currency.clone(),
        title: c.label.clone().unwrap_or_else(|| {
            place
                .renderer
                .strings()
                .get("calculator", "default_title")
                .to_string()
        }),
        fields: vec![
            field("size", "size", c.size, false),
            field("w", "weight", c.w, true),
            field("b", "bias", c.b, true),
        ],
        price_attr: attr_number(price),
        price_text: money(price, &c.currency, lang),
        equation: equation(c.w, c.size, c.b, lang),
    }
}

/// A slider's `(min, max, step)`: from 0 (or the mirror of the maximum, for a value that may
/// be negative) to a round number about twice the starting value, in about 200 steps.
pub fn slider_range(value: f64, allow_negative: bool, name: &str) -> (f64, f64, f64) {
    let span = if value == 0.0 {
        match name {
            "size" => 2.0 * DEFAULT_SIZE,
            "w" => 2.0 * DEFAULT_W,
            _ => 2.0 * DEFAULT_B,
        }
    } else {
        nice_up(2.0 * value.abs())
    };
    let min = if allow_negative && value < 0.0 {
        -span
    } else {
        0.0
    };
    let step = nice_up((span - min) / 200.0);
    (min, span, step)
}

// ------------------------------------------------------------------------------------------
// Shared with the playground.
// ------------------------------------------------------------------------------------------

/// A number as an HTML attribute or a `data-*` value: the shortest text that reads back as the
/// same double in JavaScript (`Number(text)`), never locale-formatted.
pub fn attr_number(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x}")
    }
}

/// A number in a message to the author, as they would write it in YAML.
pub fn plain_number(x: f64) -> String {
    attr_number(x)
}

/// The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least `x` (`x > 0`); 1 for
/// anything else. Axis ends, tick spacing and slider ranges are all such "nice" numbers.
pub fn nice_up(x: f64) -> f64 {
    if !(x > 0.0 && x.is_finite()) {
        return 1.0;
    }
    let mut p = 10f64.powi(x.log10().floor() as i32);
    // log10 can be one off near powers of ten; correct it so p ≤ x < 10p.
    if p > x {
        p /= 10.0;
    }
    if p * 10.0 <= x {
        p *= 10.0;
    }
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let v = m * p;
        if v >= x * (1.0 - 1e-12) {
            return v;
        }
    }
    10.0 * p
}

/// Where a widget's values come from, for messages at the right line.
pub struct Field<'a> {
    pub path: &'a Path,
    pub line_offset: usize,
    /// "calculator" or "playground", for "the calculator's `w` …".
    pub widget: &'a str,
}

impl Field<'_> {
    fn error(&self, at: &Spanned<Value>, message: String) -> Diagnostic {
        Diagnostic::error(self.path, pos_of(at, self.line_offset), message)
    }

    /// A finite number, with a message naming the key and what was written instead.
    /// `example` goes in the help line (`w: 200`).
    pub fn number(&self, v: &Spanned<Value>, key: &str, example: f64) -> Result<f64, Diagnostic> {
        let widget = self.widget;
        let example = format!("`{key}: {}`", plain_number(example));
        let what = match &v.value {
            Value::Number(n) => match n.as_f64() {
                Some(x) if x.is_finite() => return Ok(if x == 0.0 { 0.0 } else { x }),
                _ => {
                    return Err(self
                        .error(v, format!("the {widget}'s `{key}` is too large"))
                        .with_help(format!("write a smaller number, like {example}")));
                }
            },
            Value::String(s) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
                return Err(self
                    .error(
                        v,
                        format!("the {widget}'s `{key}` must be a number, not the text \"{s}\""),
                    )
                    .with_help(format!("write the number without quotes, like {example}")));
            }
            other => describe_value(other),
        };
        let help = match &v.value {
            Value::Null => {
                format!("write a number, like {example}, or leave `{key}` out for the default")
            }
            Value::String(s) if looks_grouped(s) => {
                format!("write digits without separators, like {example}")
            }
            _ => format!("write a number, like {example}"),
        };
        Err(self
            .error(
                v,
                format!("the {widget}'s `{key}` must be a number, not {what}"),
            )
            .with_help(help))
    }

    /// A key's number, `default` when the key is left out, or `None` after pushing the reason
    /// to `diags`.
    pub fn optional_number(
        &self,
        v: Option<&Spanned<Value>>,
        key: &str,
        default: f64,
        example: f64,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<f64> {
        match v {
            None => Some(default),
            Some(v) => self.number(v, key, example).map_err(|d| diags.push(d)).ok(),
        }
    }

    /// The widget's title: `label` trimmed, or `default` when it is left out (or unusable, after
    /// pushing the reason to `diags`).
    pub fn label(
        &self,
        v: Option<&Spanned<Value>>,
        default: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> String {
        let Some(v) = v else {
            return default.to_string();
        };
        match self.text(v, "label") {
            Ok(text) if !text.trim().is_empty() => text.trim().to_string(),
            Ok(_) => {
                diags.push(
                    self.error(v, format!("the {}'s `label` is empty", self.widget))
                        .with_help(format!(
                            "write a title, or leave `label` out for \"{default}\""
                        )),
                );
                default.to_string()
            }
            Err(d) => {
                diags.push(d);
                default.to_string()
            }
        }
    }

    /// A string (a bare YAML number such as `label: 2024` counts, as its text).
    pub fn text(&self, v: &Spanned<Value>, key: &str) -> Result<String, Diagnostic> {
        match &v.value {
            // A YAML escape ("\0", "\u202E") would put them in the widget's title.
            Value::String(s) if s.contains(crate::content::frontmatter::unsafe_char) => Err(self
                .error(
                    v,
                    format!(
                        "the {}'s `{key}` has control or bidi-override characters",
                        self.widget
                    ),
                )
                .with_help("remove them (a YAML escape such as \"\\0\" puts them there)")),
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(self
                .error(
                    v,
                    format!(
                        "the {}'s `{key}` must be text, not {}",
                        self.widget,
                        describe_value(other)
                    ),
                )
                .with_help(format!("write `{key}: \"…\"`"))),
        }
    }
}

/// A number written with thousands separators ("50,000", "1 500", "1'000").
fn looks_grouped(s: &str) -> bool {
    let s = s.trim();
    s.chars().any(|c| c.is_ascii_digit())
        && s.contains([',', ' ', '\'', '’', '\u{a0}', '\u{202f}'])
        && s.chars()
            .all(|c| c.is_ascii_digit() || ",. '’+-\u{a0}\u{202f}".contains(c))
}

/// What a YAML value is, for "must be a number, not …".
pub fn describe_value(v: &Value) -> String {
    match v {
        Value::Null => "empty".to_string(),
        Value::String(s) if s.trim().is_empty() => "empty text".to_string(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("\"{s}\""),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "a map".to_string(),
    }
}

/// serde-saphyr's messages, said for a widget block: unknown keys list the valid ones (and
/// suggest the one meant, for `Learning_Rate`), a repeated key says so plainly.
pub fn explain_yaml_error(d: Diagnostic, widget: &str, keys: &[&str]) -> Diagnostic {
    let valid = format!("valid keys: {}", keys.join(", "));
    if let Some(rest) = d.message.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or_default().to_string();
        let norm = |k: &str| k.to_ascii_lowercase().replace('_', "-");
        let help = match keys.iter().find(|k| norm(k) == norm(&key)) {
            Some(meant) => format!("did you mean `{meant}`? {valid}"),
            None => valid,
        };
        return Diagnostic {
            message: format!("unknown key `{key}` in a ```{widget} block"),
            ..d
        }
        .with_help(help);
    }
    // yaml.rs's words for a duplicate key: named here with the block it is in.
    if let Some(key) = d
        .message
        .strip_prefix("the key `")
        .and_then(|rest| rest.split_once("` is written twice here"))
        .map(|(key, _)| key.to_string())
    {
        return Diagnostic {
            message: format!("the key `{key}` is given twice in a ```{widget} block"),
            ..d
        }
        .with_help("keep one of them");
    }
    if d.message == "expected mapping start" {
        return Diagnostic {
            message: format!("a ```{widget} block must be a map of keys and values"),
            ..d
        }
        .with_help(format!("write one `key: value` per line; {valid}"));
    }
    if d.help.is_some() {
        d
    } else {
        d.with_help(format!("a ```{widget} block is YAML; {valid}"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn path() -> &'static Path {
        Path::new("content/01-lesson.md")
    }

    fn render_block(body: &str, lang: &str) -> Output {
        let renderer = Renderer::english_default();
        let mut out = Output::default();
        let place = Place {
            lang,
            renderer: &renderer,
        };
        render(body, path(), 12, &place, &mut out);
        out
    }

    /// The view of a block without mistakes, for snapshots: data, not markup.
    fn view_of(body: &str, lang: &str) -> CalculatorView {
        let renderer = Renderer::english_default();
        let place = Place {
            lang,
            renderer: &renderer,
        };
        view(&parse(body, path(), 12).unwrap(), "calculator_12", &place)
    }

    /// Each diagnostic as the author sees it, for snapshots.
    #[test]
    fn a_label_or_currency_with_controls_is_an_error() {
        for body in [
            "w: 1\nb: 2\nlabel: \"Price\\u202E\"\n",
            "w: 1\nb: 2\ncurrency: \"$\\0\"\n",
        ] {
            let shown = errors(body);
            assert!(
                shown.contains(":15:") && shown.contains("control or bidi-override"),
                "{shown}"
            );
        }
    }

    fn errors(body: &str) -> String {
        let out = render_block(body, "en");
        assert!(out.html.is_empty(), "a block with errors renders nothing");
        assert!(!out.diags.is_empty(), "expected errors for {body:?}");
        out.diags
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn seed_numbers_give_the_worked_example() {
        let out = render_block("w: 200\nb: 50000\nsize: 1000\n", "en");
        assert!(out.diags.is_empty(), "{:?}", out.diags);
        assert!(
            out.html.contains(">200 × 1000 + 50,000 = 250,000<"),
            "{}",
            out.html
        );
        assert!(out.html.contains("data-value=\"250000\">250,000</output>"));
        // The same numbers when every key is left out.
        assert_eq!(
            parse("", path(), 0).unwrap(),
            parse("w: 200\nb: 50000\nsize: 1000", path(), 0).unwrap()
        );
        assert_eq!(render_block("# all defaults\n", "en").html, out.html);
    }

    #[test]
    fn markup_snapshot() {
        insta::assert_debug_snapshot!(view_of("w: 200\nb: 50000\nsize: 1000\n", "en"));
        let out = render_block("w: 200\nb: 50000\nsize: 1000\n", "en");
        for name in ["size", "w", "b"] {
            assert!(
                out.html.contains(&format!("name=\"{name}\"")),
                "{}",
                out.html
            );
        }
        assert!(out.html.contains("<output name=\"price\""), "{}", out.html);
        assert!(
            out.html.contains(">House-price calculator<"),
            "{}",
            out.html
        );
    }

    #[test]
    fn markup_snapshot_with_currency_label_and_language() {
        let out = render_block(
            "w: 185.5\nb: -12000\nsize: 1234.5\ncurrency: \"€\"\nlabel: Preis <schätzen>\n",
            "de",
        );
        assert!(out.diags.is_empty(), "{:?}", out.diags);
        // The author's label is text, escaped by the template.
        assert!(
            out.html.contains(">Preis &lt;schätzen&gt;<"),
            "{}",
            out.html
        );
        insta::assert_debug_snapshot!(view_of(
            "w: 185.5\nb: -12000\nsize: 1234.5\ncurrency: \"€\"\nlabel: Preis <schätzen>\n",
            "de"
        ));
    }

    #[test]
    fn formats_the_equation_and_money() {
        assert_eq!(
            equation(200.0, 1000.0, 50_000.0, "en"),
            "200 × 1000 + 50,000 = 250,000"
        );
        assert_eq!(
            equation(200.0, 1000.0, 50_000.0, "de"),
            "200 × 1.000 + 50.000 = 250.000"
        );
        assert_eq!(
            equation(-20.0, 1500.5, -1000.0, "en"),
            "-20 × 1500.5 − 1000 = -31,010"
        );
        assert_eq!(equation(1.0, 1.0, -0.001, "en"), "1 × 1 + 0 = 1");
        assert_eq!(money(250_000.0, "$", "en"), "$250,000");
        assert_eq!(money(-1500.0, "$", "en"), "-$1500");
        assert_eq!(money(1500.0, "", "fr"), "1\u{202f}500");
    }

    #[test]
    fn nice_numbers_and_sliders() {
        assert_eq!(nice_up(2000.0), 2000.0);
        assert_eq!(nice_up(2001.0), 2500.0);
        assert_eq!(nice_up(370.0), 500.0);
        assert_eq!(nice_up(0.3), 0.5);
        assert_eq!(nice_up(1000.0), 1000.0);
        assert_eq!(nice_up(0.0), 1.0);
        assert_eq!(slider_range(1000.0, false, "size"), (0.0, 2000.0, 10.0));
        assert_eq!(slider_range(200.0, true, "w"), (0.0, 500.0, 2.5));
        assert_eq!(slider_range(50_000.0, true, "b"), (0.0, 100_000.0, 500.0));
        assert_eq!(slider_range(-20.0, true, "w"), (-50.0, 50.0, 0.5));
        assert_eq!(slider_range(0.0, true, "w"), (0.0, 400.0, 2.0));
        assert_eq!(slider_range(0.0, false, "size"), (0.0, 2000.0, 10.0));
    }

    #[test]
    fn diagnostics_point_at_the_value() {
        let out = render_block("w: 200\nsize: -5\n", "en");
        assert_eq!(out.diags.len(), 1);
        // YAML line 2 is file line 12 + 2.
        assert_eq!((out.diags[0].line, out.diags[0].col), (14, 7));
    }

    #[test]
    fn error_unknown_key() {
        insta::assert_snapshot!(errors("w: 200\nprice: 5\n"));
    }

    #[test]
    fn error_misspelled_key() {
        insta::assert_snapshot!(errors("W: 200\n"));
    }

    #[test]
    fn error_not_a_number() {
        insta::assert_snapshot!(errors("w: two hundred\nb: \"50000\"\nsize: [1000]\n"));
    }

    #[test]
    fn error_separators_and_empty_text() {
        // `size:` with nothing after it is YAML's null: the same as leaving the key out.
        assert!(render_block("size:\n", "en").diags.is_empty());
        insta::assert_snapshot!(errors("b: 50,000\nsize: 1 500\nw: ''\n"));
    }

    #[test]
    fn error_negative_size() {
        insta::assert_snapshot!(errors("size: -1000\n"));
    }

    #[test]
    fn error_bad_currency_and_label() {
        insta::assert_snapshot!(errors("currency: US dollars\nlabel: \"  \"\n"));
    }

    #[test]
    fn error_too_large() {
        insta::assert_snapshot!(errors("w: 1e300\nsize: 1e300\n"));
    }

    #[test]
    fn error_not_a_map() {
        insta::assert_snapshot!(errors("- w: 200\n"));
    }

    #[test]
    fn error_repeated_key() {
        insta::assert_snapshot!(errors("w: 200\nw: 300\n"));
    }

    #[test]
    fn error_broken_yaml() {
        insta::assert_snapshot!(errors("w: [200\n"));
    }
}
