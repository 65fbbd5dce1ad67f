//! Formulas (`$…$` and `$$…$$`, MathJax's delimiters found by `mathjax.rs`) rendered to MathML
//! at build time: the only math-core user. No script and no CDN: browsers render MathML Core
//! natively.

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};
use std::sync::OnceLock;

fn converter() -> Option<&'static LatexToMathML> {
    static CONVERTER: OnceLock<Option<LatexToMathML>> = OnceLock::new();
    CONVERTER
        .get_or_init(|| LatexToMathML::new(MathCoreConfig::default()).ok())
        .as_ref()
}

/// How deep one formula may nest (see [`nesting`]). The renderer recurses once per level, and
/// a few thousand levels (a 10 KB lesson) would overflow the stack and abort the build; real
/// formulas stay under ten.
const MAX_DEPTH: usize = 100;

/// How deep one formula nests: `{…}` groups, `\left…\right`, `\begin…\end`, `\sqrt[…]`-style
/// optional arguments, style switches (`\displaystyle`, `\color`: each wraps the rest of its
/// group), and commands whose argument is another command (`\sqrt\sqrt…`), whichever is
/// deepest. These are exactly what math-core's parser recurses on (one Rust call per level), so
/// this count is what bounds its stack. One pass, linear in the formula.
fn nesting(latex: &str) -> usize {
    // What closes each open level, with the style switches met inside it: those end with it.
    #[derive(PartialEq)]
    enum Closer {
        Brace,
        Right,
        End,
        Bracket,
    }
    let mut open: Vec<(Closer, usize)> = Vec::new();
    let (mut depth, mut deepest, mut chain) = (0usize, 0usize, 0usize);
    let close = |open: &mut Vec<(Closer, usize)>, depth: &mut usize, kind: Closer| {
        // A closer that matches nothing open (a math-core error anyway) closes nothing.
        if open.last().is_some_and(|(k, _)| *k == kind)
            && let Some((_, styles)) = open.pop()
        {
            *depth = depth.saturating_sub(1 + styles);
        }
    };
    let mut chars = latex.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                // `\{` and `\}` are literal braces; a command name runs on to the next non-letter.
                match chars.peek() {
                    Some((_, '{' | '}' | '\\' | '[' | ']')) => {
                        chars.next();
                        chain = 0;
                    }
                    _ => {
                        let start = i + 1;
                        let mut end = start;
                        while let Some(&(j, c)) = chars.peek() {
                            if !c.is_ascii_alphabetic() {
                                break;
                            }
                            end = j + c.len_utf8();
                            chars.next();
                        }
                        let name = &latex[start..end.max(start)];
                        chain += 1;
                        match name {
                            "left" | "begin" => {
                                let kind = if name == "left" {
                                    Closer::Right
                                } else {
                                    Closer::End
                                };
                                open.push((kind, 0));
                                depth += 1;
                            }
                            "right" => close(&mut open, &mut depth, Closer::Right),
                            "end" => close(&mut open, &mut depth, Closer::End),
                            "displaystyle" | "textstyle" | "scriptstyle" | "scriptscriptstyle"
                            | "color" => {
                                // At the top level only the formula's end closes them.
                                if let Some((_, styles)) = open.last_mut() {
                                    *styles += 1;
                                }
                                depth += 1;
                            }
                            _ => {}
                        }
                        // An optional argument in brackets (`\sqrt[3]`, `\xrightarrow[a]`) is
                        // parsed as a nested sequence up to its `]`.
                        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                            chars.next();
                        }
                        if (name == "sqrt" || name.starts_with('x'))
                            && chars.peek().is_some_and(|(_, c)| *c == '[')
                        {
                            chars.next();
                            open.push((Closer::Bracket, 0));
                            depth += 1;
                        }
                    }
                }
            }
            '{' => {
                open.push((Closer::Brace, 0));
                depth += 1;
                chain = 0;
            }
            '}' => {
                close(&mut open, &mut depth, Closer::Brace);
                chain = 0;
            }
            ']' => {
                close(&mut open, &mut depth, Closer::Bracket);
                chain = 0;
            }
            c if c.is_whitespace() => {}
            _ => chain = 0,
        }
        deepest = deepest.max(depth).max(chain);
    }
    deepest
}

/// Render LaTeX to a `<math>` element, or return the error message.
pub fn render(latex: &str, display: bool) -> Result<String, String> {
    let depth = nesting(latex);
    if depth > MAX_DEPTH {
        return Err(format!(
            "the formula nests {depth} levels deep; coursebook renders at most {MAX_DEPTH}"
        ));
    }
    let mode = if display {
        MathDisplay::Block
    } else {
        MathDisplay::Inline
    };
    let converter = converter().ok_or_else(|| "the math renderer failed to start".to_string())?;
    let mathml = converter
        .convert_with_local_state(latex, mode)
        .map(|r| r.mathml)
        .map_err(|e| e.to_string())?;
    if !is_plain_mathml(&mathml) {
        return Err(
            "its MathML would carry markup of its own (`\\operatorname{…}` holding `<` or `>`)"
                .to_string(),
        );
    }
    Ok(mathml)
}

/// Elements math-core writes (MathML, and the HTML it puts in `<mtext>` for `\textbf` and the
/// like, and `<a>` for `\eqref`).
const ELEMENTS: &[&str] = &[
    "math",
    "semantics",
    "annotation",
    "mrow",
    "mi",
    "mo",
    "mn",
    "mtext",
    "mspace",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mfrac",
    "msqrt",
    "mroot",
    "mphantom",
    "mpadded",
    "mmultiscripts",
    "mprescripts",
    "menclose",
    "merror",
    "mtable",
    "mtr",
    "mtd",
    "mstyle",
    "a",
    "b",
    "i",
    "em",
    "code",
    "span",
    "s",
    "u",
];

/// Whether `mathml` is only what math-core itself writes: tags of [`ELEMENTS`] with quoted
/// attributes that run nothing (no `on…`, an `href` only to `#…`), and no raw `>` in text.
/// math-core 0.7 writes `\operatorname{…}`'s text into `<mo>` unescaped (`Node::PseudoOp`), so
/// `$\operatorname{<img/src=x/onerror=alert(1)>}$` put a tag with a script into the page, even
/// with `raw-html = false`; every other text it writes is escaped. One pass, linear.
fn is_plain_mathml(mathml: &str) -> bool {
    let b = mathml.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'>' => return false,
            b'<' => {
                i += 1;
                if b.get(i) == Some(&b'/') {
                    i += 1;
                }
                let start = i;
                while i < b.len() && (b[i].is_ascii_lowercase() || b[i].is_ascii_digit()) {
                    i += 1;
                }
                if !ELEMENTS.contains(&&mathml[start..i]) {
                    return false;
                }
                // ` name="value"`…, then `>` or `/>`.
                loop {
                    match b.get(i) {
                        Some(b'>') => break,
                        Some(b'/') if b.get(i + 1) == Some(&b'>') => {
                            i += 1;
                            break;
                        }
                        Some(b' ') => {
                            i += 1;
                            let name_start = i;
                            while i < b.len() && (b[i].is_ascii_lowercase() || b[i] == b'-') {
                                i += 1;
                            }
                            let name = &mathml[name_start..i];
                            if name.is_empty()
                                || name.starts_with("on")
                                || b.get(i..i + 2) != Some(b"=\"")
                            {
                                return false;
                            }
                            i += 2;
                            let value_start = i;
                            while i < b.len() && !matches!(b[i], b'"' | b'<' | b'>') {
                                i += 1;
                            }
                            if b.get(i) != Some(&b'"')
                                || (name == "href" && !mathml[value_start..i].starts_with('#'))
                            {
                                return false;
                            }
                            i += 1;
                        }
                        _ => return false,
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_hats_fractions_sums_and_errors() {
        let html = render(r"\hat{y} = \frac{1}{n}\sum_{i=1}^{n} x_i", false).unwrap_or_default();
        assert!(html.starts_with("<math"), "{html}");
        assert!(html.contains("<mfrac>"));
        assert!(render(r"\frac{1}{", false).is_err());
    }

    #[test]
    fn operatorname_text_cannot_write_markup() {
        for bad in [
            r"\operatorname{<img/src=x/onerror=alert(1)>}",
            r"\operatorname*{</math><svg/onload=alert(2)>}",
            r"\operatornamewithlimits{<x>}",
            r"\operatorname{\lt}",
            r"\operatorname{\text{>}}",
        ] {
            assert!(render(bad, false).is_err(), "{bad}");
        }
        for good in [
            r"\operatorname{sgn}(x) < 0 > y",
            r"\operatorname*{arg\,max}_x f",
            r"\text{a<b>c} \textbf{x} \texttt{y} \textsc{z}",
            r"\max_i x_i \lim_{n\to\infty} \hspace{-1em} \quad \color{red}{x}",
            r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
            r"\sqrt[3]{x} \overbrace{a+b}^{n} \not= \cancel{x}",
        ] {
            let html = render(good, true);
            assert!(
                html.as_ref().is_ok_and(|h| is_plain_mathml(h)),
                "{good}: {html:?}"
            );
        }
    }

    #[test]
    fn left_right_begin_end_and_styles_count_as_levels() {
        assert_eq!(nesting(r"\left( x \right)"), 1);
        // The environment's name is a brace group inside the level it opens.
        assert_eq!(nesting(r"\begin{matrix} a & b \end{matrix}"), 2);
        let deep = format!("{}x{}", r"\left(".repeat(150), r"\right)".repeat(150));
        assert_eq!(nesting(&deep), 150);
        let deep = format!(
            "{}x{}",
            r"\begin{matrix}".repeat(150),
            r"\end{matrix}".repeat(150)
        );
        assert_eq!(nesting(&deep), 151);
        assert_eq!(nesting(&r"\displaystyle x ".repeat(150)), 150);
        assert_eq!(
            nesting(&format!("{}x{}", r"\sqrt[".repeat(150), "]".repeat(150))),
            150
        );
        // Styles end with their group.
        assert_eq!(nesting(&r"{\displaystyle x} ".repeat(150)), 2);
        assert!(render(&deep, true).is_err());
        assert!(render(r"\left( \frac{1}{2} \right)", true).is_ok());
    }
}
