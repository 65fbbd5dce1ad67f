//! The fit-the-line playground (```` ```playground ````): its YAML keys, the checks an
//! author's mistake deserves, and the view the theme's `playground.html` draws (the charts'
//! geometry is computed here; the template only places it).
//!
//! With JavaScript, the theme's `widgets.js` runs quiz-wasm's `Playground` (gradient descent
//! on `price = w × size + b`) and redraws the line, the readout and the loss chart after every
//! step. Without it, the block still teaches: the data as a table and the least-squares line,
//! computed here with quiz-wasm's `least_squares` and `mse`, with the chart drawn at build time.
//!
//! The markup is `[data-widget="playground"]` holding an inline SVG chart (`svg[data-chart]`,
//! `role="img"`), `output[name=w]`, `output[name=b]`, `output[name=loss]`,
//! `output[name=steps]`, `input[name=learning-rate]`, `button[data-action=step|run|reset]`,
//! the divergence message `[data-diverged]` and the loss chart `svg[data-loss-chart]`.

use super::calculator::Place;
use super::calculator::{
    Field, attr_number, describe_value, explain_yaml_error, nice_up, plain_number,
};
use crate::diag::{Diagnostic, Pos};
use crate::markdown::Output;
use crate::render::widgets::{LossView, PlaygroundView, Reading, ScatterView, Tick};
use crate::yaml::{self, Spanned, pos_of};
// Written once in quiz-wasm, for this page without JavaScript and for widgets.js.
use quiz_wasm::{Frame, line_text};
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

const KEYS: &[&str] = &["data", "w", "b", "learning-rate", "steps", "label"];
const DEFAULT_LABEL: &str = "Fit the line";
const DEFAULT_STEPS: u32 = 25;
const MAX_STEPS: u32 = 1000;
/// More houses than a chart can show as separate dots, or a table anyone would read.
const MAX_POINTS: usize = 500;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPlayground {
    data: Option<Spanned<Vec<Spanned<Value>>>>,
    w: Option<Spanned<Value>>,
    b: Option<Spanned<Value>>,
    learning_rate: Option<Spanned<Value>>,
    steps: Option<Spanned<Value>>,
    label: Option<Spanned<Value>>,
}

/// A checked playground, ready to render.
#[derive(Clone, Debug, PartialEq)]
pub struct Playground {
    /// `(size, price)` pairs, at least two different sizes.
    pub data: Vec<(f64, f64)>,
    pub w: f64,
    pub b: f64,
    pub learning_rate: f64,
    pub steps: u32,
    /// The author's title; the interface string `playground.default_title` when `None`.
    pub label: Option<String>,
}

/// Parse, check and render a ```` ```playground ```` block: HTML to `out.html`, or, when the
/// block has mistakes, diagnostics to `out.diags` and no HTML. `body_line` is the number of
/// lines in the file before the block's first YAML line.
pub fn render(body: &str, path: &Path, body_line: usize, place: &Place<'_>, out: &mut Output) {
    match parse(body, path, body_line) {
        Ok(p) => {
            let view = view(&p, &format!("playground_{body_line}"), place);
            match place.renderer.render_widget("playground.html", "p", &view) {
                Ok(html) => out.html.push_str(&html),
                Err(d) => out.diags.push(d),
            }
        }
        Err(diags) => out.diags.extend(diags),
    }
}

/// Parse and check a block's YAML (`line_offset` lines into `path`).
pub fn parse(body: &str, path: &Path, line_offset: usize) -> Result<Playground, Vec<Diagnostic>> {
    let raw: RawPlayground = yaml::parse(body, path, line_offset).map_err(|d| {
        let d = if d.message == "expected sequence start" {
            Diagnostic {
                message: "the playground's `data` must be a list of houses".into(),
                ..d
            }
            .with_help("write one `- [size, price]` per line, e.g. `- [850, 225000]`")
        } else {
            d
        };
        vec![explain_yaml_error(d, "playground", KEYS)]
    })?;
    let mut diags = Vec::new();
    let field = Field {
        path,
        line_offset,
        widget: "playground",
    };
    let rate_default = quiz_wasm::DEFAULT_LEARNING_RATE;
    let steps_default = f64::from(DEFAULT_STEPS);
    let w = field.optional_number(raw.w.as_ref(), "w", 0.0, 200.0, &mut diags);
    let b = field.optional_number(raw.b.as_ref(), "b", 0.0, 50_000.0, &mut diags);
    let rate = field.optional_number(
        raw.learning_rate.as_ref(),
        "learning-rate",
        rate_default,
        rate_default,
        &mut diags,
    );
    let steps = field.optional_number(
        raw.steps.as_ref(),
        "steps",
        steps_default,
        steps_default,
        &mut diags,
    );
    let err = |v: &Spanned<Value>, message: String, help: String| {
        Diagnostic::error(path, pos_of(v, line_offset), message).with_help(help)
    };
    if let (Some(r), Some(v)) = (rate, &raw.learning_rate)
        && r <= 0.0
    {
        diags.push(err(
            v,
            format!(
                "the playground's `learning-rate` is {}, but it must be more than 0",
                plain_number(r)
            ),
            format!(
                "{} is a good start; above 1 the loss grows",
                quiz_wasm::DEFAULT_LEARNING_RATE
            ),
        ));
    }
    if let (Some(n), Some(v)) = (steps, &raw.steps)
        && (n < 1.0 || n > f64::from(MAX_STEPS) || n.fract() != 0.0)
    {
        diags.push(err(
            v,
            format!("the playground's `steps` is {}, but it must be a whole number from 1 to {MAX_STEPS}", plain_number(n)),
            format!("it is how many steps the \"Run\" button takes, e.g. `steps: {DEFAULT_STEPS}`"),
        ));
    }
    let label = raw
        .label
        .as_ref()
        .map(|l| field.label(Some(l), DEFAULT_LABEL, &mut diags));
    let data = match &raw.data {
        None => quiz_wasm::default_houses(),
        Some(list) => read_data(list, path, line_offset, &mut diags),
    };
    if diags.is_empty() {
        check_fit(&raw, &data, (w, b), path, line_offset, &mut diags);
    }
    match (w, b, rate, steps) {
        (Some(w), Some(b), Some(learning_rate), Some(steps)) if diags.is_empty() => {
            Ok(Playground {
                data,
                w,
                b,
                learning_rate,
                steps: steps as u32,
                label,
            })
        }
        _ => Err(diags),
    }
}

/// The houses, each `[size, price]` or `{size: …, price: …}`.
fn read_data(
    list: &Spanned<Vec<Spanned<Value>>>,
    path: &Path,
    line_offset: usize,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(f64, f64)> {
    if list.value.is_empty() {
        diags.push(
            Diagnostic::error(path, pos_of(list, line_offset), "the playground's `data` has no houses")
                .with_help("list at least two houses of different sizes as `- [size, price]`, or leave `data` out for the example houses"),
        );
        return Vec::new();
    }
    if list.value.len() > MAX_POINTS {
        diags.push(
            Diagnostic::error(
                path,
                pos_of(list, line_offset),
                format!(
                    "the playground's `data` has {} houses; at most {MAX_POINTS} fit on the chart",
                    list.value.len()
                ),
            )
            .with_help("use a sample of the data"),
        );
        return Vec::new();
    }
    let mut points = Vec::new();
    for (i, item) in list.value.iter().enumerate() {
        let n = i + 1;
        let error = |message: String, help: &str| {
            Diagnostic::error(path, pos_of(item, line_offset), message).with_help(help.to_string())
        };
        let pair_help = "write each house as `[size, price]`, e.g. `- [850, 225000]`, or as `{size: 850, price: 225000}`";
        let (size, price) = match &item.value {
            Value::Array(v) if v.len() == 2 => (&v[0], &v[1]),
            Value::Array(v) => {
                diags.push(error(
                    format!(
                        "house {n} in the playground's `data` has {} {}, not a size and a price",
                        v.len(),
                        if v.len() == 1 { "value" } else { "values" }
                    ),
                    pair_help,
                ));
                continue;
            }
            Value::Object(m) => {
                if let Some(k) = m.keys().find(|k| *k != "size" && *k != "price") {
                    diags.push(error(
                        format!("house {n} in the playground's `data` has an unknown key `{k}`"),
                        "a house has the keys `size` and `price`",
                    ));
                    continue;
                }
                match (m.get("size"), m.get("price")) {
                    (Some(s), Some(p)) => (s, p),
                    (None, _) => {
                        diags.push(error(
                            format!("house {n} in the playground's `data` has no `size`"),
                            pair_help,
                        ));
                        continue;
                    }
                    (_, None) => {
                        diags.push(error(
                            format!("house {n} in the playground's `data` has no `price`"),
                            pair_help,
                        ));
                        continue;
                    }
                }
            }
            other => {
                diags.push(error(
                    format!(
                        "house {n} in the playground's `data` must be a pair of numbers, not {}",
                        describe_value(other)
                    ),
                    pair_help,
                ));
                continue;
            }
        };
        let mut read = |v: &Value, what: &str| match v.as_f64().filter(|x| x.is_finite()) {
            Some(x) => Some(x),
            None => {
                diags.push(error(
                    format!("house {n} in the playground's `data` has the {what} {}, which is not a number", describe_value(v)),
                    "write digits only, without quotes or separators, e.g. `- [850, 225000]`",
                ));
                None
            }
        };
        let (Some(size), Some(price)) = (read(size, "size"), read(price, "price")) else {
            continue;
        };
        if size < 0.0 {
            diags.push(error(
                format!(
                    "house {n} in the playground's `data` has the size {}, below 0",
                    plain_number(size)
                ),
                "a house's size is 0 sq ft or more",
            ));
            continue;
        }
        points.push((size, price));
    }
    points
}

/// A line must be fittable (two different sizes) and the starting point reachable.
fn check_fit(
    raw: &RawPlayground,
    data: &[(f64, f64)],
    (w, b): (Option<f64>, Option<f64>),
    path: &Path,
    line_offset: usize,
    diags: &mut Vec<Diagnostic>,
) {
    let (xs, ys): (Vec<f64>, Vec<f64>) = data.iter().copied().unzip();
    let data_pos = raw
        .data
        .as_ref()
        .map_or(Pos::new(line_offset + 1, 1), |d| pos_of(d, line_offset));
    if quiz_wasm::least_squares(&xs, &ys).is_none() {
        diags.push(
            Diagnostic::error(path, data_pos, "the playground's `data` needs houses of at least two different sizes to fit a line")
                .with_help("add a house whose size differs from the others"),
        );
        return;
    }
    if let (Some(w), Some(b)) = (w, b) {
        let fit = quiz_wasm::Fit::new(&xs, &ys, w, b);
        if fit.diverged() || !fit.loss().is_finite() {
            let at = raw
                .w
                .as_ref()
                .or(raw.b.as_ref())
                .map_or(data_pos, |v| pos_of(v, line_offset));
            diags.push(Diagnostic::error(path, at, "the playground's starting line is so far from the houses that its loss is too large to show").with_help("start nearer the data, e.g. `w: 0` and `b: 0`"));
        }
    }
}

/// Ticks from 0 (or below, for negative values) past `max` in "nice" steps: `(ticks, low, high)`.
fn ticks(min: f64, max: f64) -> (Vec<f64>, f64, f64) {
    let (min, max) = (min.min(0.0), max.max(0.0));
    let step = if max > min {
        nice_up((max - min) / 4.0)
    } else {
        1.0
    };
    let lo = (min / step).floor() * step;
    let hi = ((max / step).ceil() * step).max(lo + step);
    let n = ((hi - lo) / step).round() as usize;
    ((0..=n).map(|i| lo + step * i as f64).collect(), lo, hi)
}

/// SVG coordinates with at most two decimals, so the markup stays short and stable.
fn u(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    attr_number(r)
}

/// Scatter chart geometry, shared by the markup and the data attributes widgets.js reads.
const CHART_W: f64 = 360.0;
const CHART_H: f64 = 260.0;
const LOSS_W: f64 = 360.0;
const LOSS_H: f64 = 150.0;

/// What the theme's `playground.html` sees; `id` must be unique on the page (it prefixes
/// every element id).
pub fn view(p: &Playground, id: &str, place: &Place<'_>) -> PlaygroundView {
    let (lang, strings) = (place.lang, place.renderer.strings());
    let reading = |x: f64| Reading {
        attr: attr_number(x),
        text: quiz_wasm::format_number(x, lang),
    };
    let (xs, ys): (Vec<f64>, Vec<f64>) = p.data.iter().copied().unzip();
    let fit = quiz_wasm::Fit::new(&xs, &ys, p.w, p.b);
    let (best_w, best_b) = quiz_wasm::least_squares(&xs, &ys).unwrap_or((0.0, 0.0));
    let join = |v: &[f64]| {
        v.iter()
            .map(|x| attr_number(*x))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let houses = p.data.len().to_string();
    PlaygroundView {
        id: id.to_string(),
        lang: lang.to_string(),
        title: p
            .label
            .clone()
            .unwrap_or_else(|| strings.get("playground", "default_title").to_string()),
        sizes_attr: join(&xs),
        prices_attr: join(&ys),
        w: reading(fit.w()),
        b: reading(fit.b()),
        loss: Reading {
            attr: attr_number(fit.loss()),
            text: quiz_wasm::format_magnitude(fit.loss(), lang),
        },
        learning_rate_attr: attr_number(p.learning_rate),
        steps: p.steps,
        chart: scatter_chart(p, place, &xs, &ys, (best_w, best_b)),
        loss_chart: loss_chart(place, fit.loss()),
        rows: p
            .data
            .iter()
            .map(|(x, y)| [reading(*x).text, reading(*y).text])
            .collect(),
        caption: strings.plural(
            "playground",
            "data_caption",
            p.data.len() as u64,
            &[("count", &houses)],
        ),
        best_w_attr: attr_number(best_w),
        best_b_attr: attr_number(best_b),
        best_line: line_text(best_w, best_b, lang, strings.get("js", "line")),
        best_loss: {
            let loss = quiz_wasm::mse(best_w, best_b, &xs, &ys);
            Reading {
                attr: attr_number(loss),
                text: quiz_wasm::format_magnitude(loss, lang),
            }
        },
    }
}

/// The houses as dots, the current line and the least-squares line, with axes: positions in
/// SVG units, labels formatted for the page's language.
fn scatter_chart(
    p: &Playground,
    place: &Place<'_>,
    xs: &[f64],
    ys: &[f64],
    (best_w, best_b): (f64, f64),
) -> ScatterView {
    let (lang, strings) = (place.lang, place.renderer.strings());
    let fmt = |x: f64| quiz_wasm::format_number(x, lang);
    let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let (xt, x0, x1) = ticks(0.0, max(xs));
    let (yt, y0, y1) = ticks(min(ys), max(ys));
    let widest = yt
        .iter()
        .map(|y| fmt(*y).chars().count())
        .max()
        .unwrap_or(1) as f64;
    let f = Frame {
        x0,
        x1,
        y0,
        y1,
        left: 26.0 + 7.2 * widest,
        right: CHART_W - 24.0,
        top: 12.0,
        bottom: CHART_H - 46.0,
    };
    let count = xs.len().to_string();
    let (from, to, low, high) = (fmt(min(xs)), fmt(max(xs)), fmt(min(ys)), fmt(max(ys)));
    let summary = strings.plural(
        "playground",
        "summary",
        xs.len() as u64,
        &[
            ("count", &count),
            ("from", &from),
            ("to", &to),
            ("low", &low),
            ("high", &high),
        ],
    );
    let mut current = strings.fill(
        "js",
        "current_line",
        &[(
            "line",
            &line_text(p.w, p.b, lang, strings.get("js", "line")),
        )],
    );
    if f.line(p.w, p.b).is_none() {
        current.push(' ');
        current.push_str(strings.get("js", "outside_chart"));
    }
    let line = |w: f64, b: f64| f.line(w, b).map(|l| l.map(u));
    ScatterView {
        width: u(CHART_W),
        height: u(CHART_H),
        x0: attr_number(x0),
        x1: attr_number(x1),
        y0: attr_number(y0),
        y1: attr_number(y1),
        left: u(f.left),
        right: u(f.right),
        top: u(f.top),
        bottom: u(f.bottom),
        summary,
        current,
        y_ticks: yt
            .iter()
            .map(|y| Tick {
                at: u(f.py(*y)),
                label_at: u(f.left - 5.0),
                label: fmt(*y),
            })
            .collect(),
        x_ticks: xt
            .iter()
            .map(|x| Tick {
                at: u(f.px(*x)),
                label_at: u(f.bottom + 16.0),
                label: fmt(*x),
            })
            .collect(),
        x_label_x: u((f.left + f.right) / 2.0),
        x_label_y: u(CHART_H - 8.0),
        y_label_y: u((f.top + f.bottom) / 2.0),
        points: xs
            .iter()
            .zip(ys)
            .map(|(x, y)| [u(f.px(*x)), u(f.py(*y))])
            .collect(),
        best_line: line(best_w, best_b),
        line: line(p.w, p.b),
    }
}

/// The loss after each step (drawn by widgets.js), starting with the loss before any step.
fn loss_chart(place: &Place<'_>, loss: f64) -> LossView {
    let (left, right, top, bottom) = (40.0, LOSS_W - 24.0, 24.0, LOSS_H - 34.0);
    let strings = place.renderer.strings();
    LossView {
        width: u(LOSS_W),
        height: u(LOSS_H),
        left: u(left),
        right: u(right),
        top: u(top),
        bottom: u(bottom),
        description: strings.fill(
            "js",
            "no_steps",
            &[("loss", &quiz_wasm::format_magnitude(loss, place.lang))],
        ),
        zero_x: u(left - 5.0),
        zero_y: u(bottom + 4.0),
        max_y: u(top - 8.0),
        steps_y: u(bottom + 16.0),
        x_label_x: u((left + right) / 2.0),
        x_label_y: u(LOSS_H - 6.0),
        y_label_y: u((top + bottom) / 2.0),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn path() -> &'static Path {
        Path::new("content/02-training.md")
    }

    fn render_block(body: &str) -> Output {
        let renderer = crate::render::Renderer::english_default();
        let mut out = Output::default();
        let place = Place {
            lang: "en",
            renderer: &renderer,
        };
        render(body, path(), 20, &place, &mut out);
        out
    }

    /// The view of a block without mistakes, for snapshots: data, not markup.
    fn view_of(body: &str) -> PlaygroundView {
        let renderer = crate::render::Renderer::english_default();
        let place = Place {
            lang: "en",
            renderer: &renderer,
        };
        view(&parse(body, path(), 20).unwrap(), "playground_20", &place)
    }

    fn errors(body: &str) -> String {
        let out = render_block(body);
        assert!(out.html.is_empty(), "a block with errors renders nothing");
        assert!(!out.diags.is_empty(), "expected errors for {body:?}");
        out.diags
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn defaults() {
        let p = parse("", path(), 0).unwrap();
        assert_eq!(p.data, quiz_wasm::default_houses());
        assert_eq!(
            (p.w, p.b, p.learning_rate, p.steps),
            (0.0, 0.0, quiz_wasm::DEFAULT_LEARNING_RATE, 25)
        );
        assert_eq!(p.label, None);
        assert!(render_block("").html.contains(">Fit the line</p>"));
    }

    #[test]
    fn both_point_forms() {
        let p = parse(
            "data:\n  - [1000, 250000]\n  - {size: 2000, price: 450000}\n  - {price: 1, size: 0}\n",
            path(),
            0,
        )
        .unwrap();
        assert_eq!(
            p.data,
            vec![(1000.0, 250_000.0), (2000.0, 450_000.0), (0.0, 1.0)]
        );
    }

    #[test]
    fn markup_shows_the_least_squares_line() {
        let out = render_block("");
        assert!(out.diags.is_empty(), "{:?}", out.diags);
        let (xs, ys): (Vec<f64>, Vec<f64>) = quiz_wasm::default_houses().into_iter().unzip();
        let (w, b) = quiz_wasm::least_squares(&xs, &ys).unwrap();
        assert!(
            out.html
                .contains(&line_text(w, b, "en", "price = {w} × size {b}"))
        );
        assert!(out.html.contains("<th scope=\"col\">Size (sq ft)</th>"));
        assert!(out.html.contains("<td>2800</td><td>604,000</td>"));
        assert!(out.html.contains("data-widget=\"playground\""));
    }

    #[test]
    fn markup_snapshot() {
        insta::assert_debug_snapshot!(view_of(""));
    }

    #[test]
    fn markup_snapshot_custom() {
        let out = render_block(
            "label: Fit three flats\ndata:\n  - [40, 150000]\n  - [60, 210000]\n  - {size: 90, price: 300000}\nw: 1000\nb: -5000\nlearning-rate: 0.3\nsteps: 10\n",
        );
        assert!(out.diags.is_empty(), "{:?}", out.diags);
        assert!(out.html.contains(">Fit three flats</p>"));
        assert!(
            out.html.contains("<caption>The data: 3 houses</caption>"),
            "{}",
            out.html
        );
        insta::assert_debug_snapshot!(view_of(
            "label: Fit three flats\ndata:\n  - [40, 150000]\n  - [60, 210000]\n  - {size: 90, price: 300000}\nw: 1000\nb: -5000\nlearning-rate: 0.3\nsteps: 10\n"
        ));
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(
            ticks(0.0, 2800.0),
            (vec![0.0, 1000.0, 2000.0, 3000.0], 0.0, 3000.0)
        );
        assert_eq!(ticks(225_000.0, 604_000.0).2, 800_000.0);
        assert_eq!(
            ticks(-10.0, 10.0),
            (vec![-10.0, -5.0, 0.0, 5.0, 10.0], -10.0, 10.0)
        );
        assert_eq!(ticks(0.0, 0.0), (vec![0.0, 1.0], 0.0, 1.0));
    }

    #[test]
    fn diagnostics_point_at_the_house() {
        let out = render_block("data:\n  - [1000, 250000]\n  - [2000, lots]\n");
        assert_eq!(out.diags.len(), 1);
        assert_eq!((out.diags[0].line, out.diags[0].col), (23, 5));
    }

    #[test]
    fn error_unknown_key() {
        insta::assert_snapshot!(errors("w: 0\nlearning_rate: 0.1\nepochs: 3\n"));
    }

    #[test]
    fn error_empty_data() {
        insta::assert_snapshot!(errors("data: []\n"));
    }

    #[test]
    fn error_data_not_a_list() {
        insta::assert_snapshot!(errors("data: 5\n"));
    }

    #[test]
    fn error_bad_houses() {
        insta::assert_snapshot!(errors(
            "data:\n  - [1000, 250000]\n  - [2000]\n  - [1500, \"300,000\"]\n  - {size: -3, price: 5}\n  - {size: 3, cost: 5}\n  - {size: 3}\n  - big\n  - [x, 1]\n"
        ));
    }

    #[test]
    fn error_one_size_only() {
        insta::assert_snapshot!(errors("data:\n  - [1000, 250000]\n  - [1000, 260000]\n"));
    }

    #[test]
    fn error_bad_numbers() {
        insta::assert_snapshot!(errors("w: fast\nb: true\nlearning-rate: 0\nsteps: 2.5\n"));
    }

    #[test]
    fn error_too_many_steps() {
        insta::assert_snapshot!(errors("steps: 5000\nlearning-rate: -1\n"));
    }

    #[test]
    fn error_starting_line_too_far() {
        insta::assert_snapshot!(errors("w: 1e200\n"));
    }
}
