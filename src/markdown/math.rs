//! `$…$` and `$$…$$` rendered to MathML at build time: the only math-core user. No script and
//! no CDN: browsers render MathML Core natively.

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};
use std::sync::OnceLock;

fn converter() -> Option<&'static LatexToMathML> {
    static CONVERTER: OnceLock<Option<LatexToMathML>> = OnceLock::new();
    CONVERTER
        .get_or_init(|| LatexToMathML::new(MathCoreConfig::default()).ok())
        .as_ref()
}

/// How deep braces may nest in one formula. The renderer recurses once per level, and a few
/// thousand levels (a 10 KB lesson) would overflow the stack and abort the build; real formulas
/// stay under ten.
const MAX_DEPTH: usize = 100;

/// The deepest nesting of `{…}` groups and of commands whose argument is another command
/// (`\sqrt\sqrt…`), whichever is larger.
fn nesting(latex: &str) -> usize {
    let (mut depth, mut deepest, mut chain) = (0usize, 0usize, 0usize);
    let mut chars = latex.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                // `\{` and `\}` are literal braces; a command name runs on to the next non-letter.
                match chars.peek() {
                    Some('{' | '}' | '\\') => {
                        chars.next();
                        chain = 0;
                    }
                    _ => {
                        while chars.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                            chars.next();
                        }
                        chain += 1;
                    }
                }
            }
            '{' => {
                depth += 1;
                chain = 0;
            }
            '}' => {
                depth = depth.saturating_sub(1);
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
    converter
        .convert_with_local_state(latex, mode)
        .map(|r| r.mathml)
        .map_err(|e| e.to_string())
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
}
