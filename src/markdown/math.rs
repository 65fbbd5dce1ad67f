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

/// Render LaTeX to a `<math>` element, or return the error message.
pub fn render(latex: &str, display: bool) -> Result<String, String> {
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
