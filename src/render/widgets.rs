//! The views the widget templates see (`calculator.html` and `playground.html` in the theme;
//! docs/theming.md lists their fields). Built by `widgets::calculator` and
//! `widgets::playground`: numbers come twice, as `*_attr` (what a script reads back with
//! `Number()`) and as text formatted for the page's language; chart geometry is computed in
//! Rust, in SVG units, and only drawn by the template.

use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct CalculatorView {
    /// Unique on the page; prefixes every element id.
    pub id: String,
    pub lang: String,
    /// Written in front of prices; empty for none.
    pub currency: String,
    /// The author's `label`, else the string `calculator.default_title`.
    pub title: String,
    /// size, w and b, in that order.
    pub fields: Vec<NumberFieldView>,
    pub price_attr: String,
    pub price_text: String,
    /// The worked example: `200 × 1,000 + 50,000 = 250,000`.
    pub equation: String,
}

#[derive(Debug, Serialize)]
pub struct NumberFieldView {
    /// The input's element id.
    pub id: String,
    /// The input's name: size, w or b.
    pub name: &'static str,
    /// Its label's key in the `calculator` strings: size, weight or bias.
    pub label: &'static str,
    pub value_attr: String,
    pub value_text: String,
    pub allow_negative: bool,
    /// The slider: min, max, step and its starting value (the value, clamped).
    pub range_min: String,
    pub range_max: String,
    pub range_step: String,
    pub range_value: String,
}

#[derive(Debug, Serialize)]
pub struct PlaygroundView {
    pub id: String,
    pub lang: String,
    /// The author's `label`, else the string `playground.default_title`.
    pub title: String,
    /// The houses' sizes and prices as space-separated numbers, for widgets.js.
    pub sizes_attr: String,
    pub prices_attr: String,
    /// The starting line.
    pub w: Reading,
    pub b: Reading,
    pub loss: Reading,
    pub learning_rate_attr: String,
    pub steps: u32,
    pub chart: ScatterView,
    pub loss_chart: LossView,
    /// The data table's rows: size and price as text.
    pub rows: Vec<[String; 2]>,
    /// "The data: 7 houses".
    pub caption: String,
    /// The least-squares line.
    pub best_w_attr: String,
    pub best_b_attr: String,
    pub best_line: String,
    pub best_loss: Reading,
}

/// A number for a script (`attr`) and for a reader (`text`).
#[derive(Debug, Serialize)]
pub struct Reading {
    pub attr: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct ScatterView {
    pub width: String,
    pub height: String,
    /// The data ranges the axes span, for widgets.js.
    pub x0: String,
    pub x1: String,
    pub y0: String,
    pub y1: String,
    /// The plotting area: left, right, top, bottom.
    pub left: String,
    pub right: String,
    pub top: String,
    pub bottom: String,
    /// "7 houses from 850 to 2,400 sq ft, priced 215,000 to 522,000."
    pub summary: String,
    /// "The current line is price = … ." (and, when it misses the chart, that it does).
    pub current: String,
    /// Horizontal grid lines and y-axis labels.
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    /// Where the axis labels go.
    pub x_label_x: String,
    pub x_label_y: String,
    pub y_label_y: String,
    pub points: Vec<[String; 2]>,
    /// The least-squares and the current line; `None` when it misses the chart.
    pub best_line: Option<[String; 4]>,
    pub line: Option<[String; 4]>,
}

#[derive(Debug, Serialize)]
pub struct Tick {
    /// Position along its axis, in SVG units.
    pub at: String,
    /// Where its label goes across the axis (x for y ticks, y for x ticks).
    pub label_at: String,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct LossView {
    pub width: String,
    pub height: String,
    pub left: String,
    pub right: String,
    pub top: String,
    pub bottom: String,
    /// "No steps yet: the loss is … ."
    pub description: String,
    /// Label positions: the y axis's 0 and maximum, the x axis's 0 and step count.
    pub zero_x: String,
    pub zero_y: String,
    pub max_y: String,
    pub steps_y: String,
    pub x_label_x: String,
    pub x_label_y: String,
    pub y_label_y: String,
}

/// `callout.html`: one part of a callout (its start or its end).
#[derive(Debug, Serialize)]
pub struct CalloutView<'a> {
    pub open: bool,
    /// note, tip, important, warning or caution.
    pub kind: &'a str,
    pub title: &'a str,
}

/// `term.html`: a glossary term mentioned in prose.
#[derive(Debug, Serialize)]
pub struct MentionView<'a> {
    /// The term's id (its glossary entry is `#term-<id>`).
    pub id: &'a str,
    /// The words as the author wrote them.
    pub text: &'a str,
    /// The glossary entry, relative to the page.
    pub href: &'a str,
    /// The tooltip's element id, unique on the page.
    pub tip: &'a str,
    pub definition_html: &'a str,
}
