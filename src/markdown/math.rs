//! Formulas (`$…$` and `$$…$$`, MathJax's delimiters found by `mathjax.rs`) rendered to MathML
//! at build time: the only math-core user. No script and no CDN: browsers render MathML Core
//! natively.

use crate::diag::{Diagnostic, Pos};
use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock, RwLock};

fn converter() -> Option<&'static LatexToMathML> {
    static CONVERTER: OnceLock<Option<LatexToMathML>> = OnceLock::new();
    CONVERTER
        .get_or_init(|| LatexToMathML::new(MathCoreConfig::default()).ok())
        .as_ref()
}

/// A book's own commands (mdbook-katex's macros file), for the build under way: a converter
/// that knows them, and each one's definition length, to bound what a formula expands to.
struct Macros {
    converter: LatexToMathML,
    lens: HashMap<String, usize>,
}

/// Set once a build from its configuration ([`set_macros`]), read by every formula.
static MACROS: RwLock<Option<Arc<Macros>>> = RwLock::new(None);

/// A macros file's bounds. A definition is expanded where it is used, so each use of a long one
/// costs its length again: definitions are short (halo2's longest is 60 bytes), few, and use
/// each argument once (a definition that used `#1` twice, nested in itself, would double the
/// formula at every level).
pub const MAX_MACROS_FILE: u64 = 64 << 10;
const MAX_MACROS: usize = 1000;
const MAX_DEFINITION: usize = 1000;
/// How deep a definition may nest: it adds to the depth of every formula that uses it.
const MAX_DEFINITION_DEPTH: usize = 10;

/// The commands of an mdbook-katex macros file (`shown`: its path for messages), one
/// `\\name:definition` a line as mdbook-katex reads it; other lines (headings such as
/// `# Fields`, blank lines) are skipped. A definition may use commands the file defines
/// (halo2's `\\rep` uses `\\repr`): math-core expands one level, so they are written out here. A command coursebook cannot take is a warning at its line, and left out:
/// a formula that uses it is then a formula it cannot render.
pub fn read_macros(text: &str, shown: &Path, diags: &mut Vec<Diagnostic>) -> Vec<(String, String)> {
    let problem = |line: usize, why: String| {
        Diagnostic::warning(shown, Pos::new(line, 1), why)
            .with_help("write `\\name:definition`, e.g. `\\RR:{\\mathbb{R}}`; a formula using a command left out is shown as its LaTeX")
    };
    // The file's commands, checked for what needs no renderer: (line, name, definition).
    let mut pending: Vec<(usize, String, String)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if !line.starts_with('\\') {
            continue;
        }
        if pending.len() == MAX_MACROS {
            diags.push(problem(n + 1, format!(
                "coursebook reads at most {MAX_MACROS} commands from a macros file; this one and the rest are left out"
            )));
            break;
        }
        let Some((name, definition)) = line[1..].split_once(':') else {
            diags.push(problem(
                n + 1,
                "this command has no `:definition`; left out".to_string(),
            ));
            continue;
        };
        let (name, definition) = (name.trim(), aliased(definition.trim()).into_owned());
        let shown_name = crate::diag::clip(name, 40);
        if let Some(k) = (1..=9).find(|k| definition.matches(&format!("#{k}")).count() > 1) {
            diags.push(problem(n + 1, format!(
                "`\\{shown_name}` uses its argument #{k} more than once; coursebook takes a command that uses each argument once; left out"
            )));
            continue;
        }
        pending.retain(|(_, other, _)| other != name);
        pending.push((n + 1, name.to_string(), definition));
    }
    // Accepted in rounds: a command that uses another the file defines waits for it (a round
    // for each level of such use; a cycle never comes in).
    let mut accepted: Vec<(usize, String, String)> = Vec::new();
    let mut last: HashMap<usize, String> = HashMap::new();
    for _ in 0..MAX_DEFINITION_DEPTH {
        let known: HashMap<&str, &str> = accepted
            .iter()
            .map(|(_, n, d)| (n.as_str(), d.as_str()))
            .collect();
        let mut next = Vec::new();
        let mut waiting = Vec::new();
        for (line, name, definition) in pending {
            let written = written_out(&definition, &known);
            let shown_name = crate::diag::clip(&name, 40);
            if written.len() > MAX_DEFINITION {
                diags.push(problem(line, format!(
                    "`\\{shown_name}` is {} bytes long written out; a definition may be {MAX_DEFINITION}; left out",
                    written.len()
                )));
                continue;
            }
            if nesting(&written) > MAX_DEFINITION_DEPTH {
                diags.push(problem(line, format!(
                    "`\\{shown_name}` nests more than {MAX_DEFINITION_DEPTH} levels deep; left out"
                )));
                continue;
            }
            let one = MathCoreConfig {
                macros: vec![(name.clone(), written.clone())],
                ..MathCoreConfig::default()
            };
            match LatexToMathML::new(one) {
                Ok(_) => next.push((line, name, written)),
                Err((e, _, _)) => {
                    last.insert(line, e.to_string());
                    waiting.push((line, name, definition));
                }
            }
        }
        let progress = !next.is_empty();
        accepted.extend(next);
        pending = waiting;
        if pending.is_empty() || !progress {
            break;
        }
    }
    for (line, name, _) in pending {
        let why = last.remove(&line).unwrap_or_default();
        diags.push(problem(line, format!(
            "`\\{}` cannot be read: {why} (a definition may use LaTeX's commands and the file's own); left out",
            crate::diag::clip(&name, 40)
        )));
    }
    accepted.sort_by_key(|(line, _, _)| *line);
    accepted
        .into_iter()
        .map(|(_, name, definition)| (name, definition))
        .collect()
}

/// `definition` with each use of a command of `known` (the file's commands accepted so far)
/// replaced by that command's definition, its `#1`… by the arguments written after the use
/// (`{…}` groups or single characters). Each argument is used once in a definition (checked
/// before), so what is written out grows by the definitions' lengths only.
fn written_out(definition: &str, known: &HashMap<&str, &str>) -> String {
    let mut out = String::with_capacity(definition.len());
    let mut copied = 0;
    for (at, name, end) in commands(definition) {
        // A command inside arguments already written out is written out with them.
        let Some(with) = known.get(&definition[name]).filter(|_| at >= copied) else {
            continue;
        };
        let wanted = (1..=9u8)
            .filter(|k| with.contains(&format!("#{k}")))
            .max()
            .unwrap_or(0);
        let mut args = Vec::new();
        let mut after = end;
        while args.len() < usize::from(wanted) {
            let Some((arg, next)) = argument(definition, after) else {
                break;
            };
            args.push(arg);
            after = next;
        }
        if args.len() == usize::from(wanted) {
            let mut body = (*with).to_string();
            for (k, arg) in args.iter().enumerate() {
                body = body.replace(&format!("#{}", k + 1), arg);
            }
            out.push_str(&definition[copied..at]);
            out.push_str(&body);
            copied = after;
        }
    }
    out.push_str(&definition[copied..]);
    out
}

/// Each command of `latex`: where its backslash is, its name (letters; empty for a
/// one-character command such as `\\,`, whose character goes with it), and where it ends.
fn commands(latex: &str) -> impl Iterator<Item = (usize, std::ops::Range<usize>, usize)> + '_ {
    let bytes = latex.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && bytes[i] != b'\\' {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let (at, start) = (i, i + 1);
        let mut end = start;
        while end < bytes.len() && bytes[end].is_ascii_alphabetic() {
            end += 1;
        }
        // `\\,` or `\\{`: the character is the command's, never the start of another.
        i = if end == start {
            latex[start..]
                .chars()
                .next()
                .map_or(start, |c| start + c.len_utf8())
        } else {
            end
        };
        Some((at, start..end, end))
    })
}

/// The argument of a command that starts at `from` in `text` (spaces skipped): a `{…}` group's
/// inside, or one character; with where it ends.
fn argument(text: &str, from: usize) -> Option<(&str, usize)> {
    let rest = text.get(from..)?;
    let skipped = rest.len() - rest.trim_start().len();
    let start = from + skipped;
    let mut chars = text.get(start..)?.char_indices();
    let (_, first) = chars.next()?;
    if first != '{' {
        return (first != '}').then(|| {
            (
                &text[start..start + first.len_utf8()],
                start + first.len_utf8(),
            )
        });
    }
    let mut depth = 0usize;
    let mut escaped = false;
    for (j, c) in text[start..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((&text[start + 1..start + j], start + j + 1));
                }
            }
            _ => {}
        }
    }
    None
}

/// The commands formulas of this build know besides LaTeX's (none when `macros` is empty).
pub fn set_macros(macros: &[(String, String)]) {
    let custom = (!macros.is_empty())
        .then(|| {
            let config = MathCoreConfig {
                macros: macros.to_vec(),
                ..MathCoreConfig::default()
            };
            LatexToMathML::new(config).ok().map(|converter| {
                let lens = macros
                    .iter()
                    .map(|(name, definition)| (name.clone(), definition.len()))
                    .collect();
                Arc::new(Macros { converter, lens })
            })
        })
        .flatten();
    if let Ok(mut current) = MACROS.write() {
        *current = custom;
    }
}

/// The bytes `latex` comes to with each use of a book's command replaced by its definition: a
/// short formula of many uses of a long command must not become megabytes for the renderer.
fn expanded_len(latex: &str, lens: &HashMap<String, usize>) -> usize {
    commands(latex)
        .filter_map(|(_, name, _)| lens.get(&latex[name]))
        .fold(latex.len(), |total, len| total.saturating_add(*len))
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

/// Commands of KaTeX and MathJax that math-core 0.7 knows by another name, with that name:
/// halo2's macros and formulas write `\textnormal{…}` throughout.
const ALIASES: &[(&str, &str)] = &[("textnormal", "textrm")];

/// `latex` with each command of [`ALIASES`] written as math-core names it.
fn aliased(latex: &str) -> std::borrow::Cow<'_, str> {
    let mut out = std::borrow::Cow::Borrowed(latex);
    for (from, to) in ALIASES {
        let command = format!("\\{from}");
        if !out.contains(&command) {
            continue;
        }
        let mut text = String::with_capacity(out.len());
        let mut rest: &str = &out;
        while let Some(i) = rest.find(&command) {
            let after = &rest[i + command.len()..];
            text.push_str(&rest[..i]);
            // `\textnormalx` is another command: only the whole name is replaced.
            if after.starts_with(|c: char| c.is_ascii_alphabetic()) {
                text.push_str(&command);
            } else {
                text.push('\\');
                text.push_str(to);
            }
            rest = after;
        }
        text.push_str(rest);
        out = std::borrow::Cow::Owned(text);
    }
    out
}

/// Render LaTeX to a `<math>` element, or return the error message.
pub fn render(latex: &str, display: bool) -> Result<String, String> {
    let latex = &*aliased(latex);
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
    let custom = MACROS.read().ok().and_then(|m| m.clone());
    let converter = match &custom {
        Some(macros) => {
            let expanded = expanded_len(latex, &macros.lens);
            let bound = latex.len().saturating_mul(16).saturating_add(16 << 10);
            if expanded > bound {
                return Err(format!(
                    "with the book's macros the formula comes to {} KB; coursebook renders a formula of up to 16 times its length (plus 16 KB)",
                    expanded >> 10
                ));
            }
            &macros.converter
        }
        None => converter().ok_or_else(|| "the math renderer failed to start".to_string())?,
    };
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
