//! `coursebook check [DIR]`: every check the build makes, writing nothing.

use crate::cli::Format;
use crate::diag::{Diagnostic, Diagnostics, Severity, Shown};
use crate::site::{self, Mode};
use std::path::Path;

pub fn run(dir: &Path, format: Option<Format>, deny_warnings: bool, quiet: bool) -> bool {
    let mut diags = Diagnostics::default();
    if deny_warnings {
        diags.deny_warnings();
    }
    let summary = site::build(dir, None, Mode::Check, &mut diags);
    super::print(&diags, quiet);
    let github = format == Some(Format::Github)
        || (format.is_none() && std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"));
    if github {
        for shown in diags.shown(true) {
            let d = match shown {
                Shown::One(d) => d,
                // The count of those not shown, as a note on the file.
                Shown::More { .. } | Shown::Elsewhere { .. } => Diagnostic {
                    line: 0,
                    col: 0,
                    message: shown.to_string(),
                    help: None,
                    ..shown.diagnostic().clone()
                },
            };
            outln!("{}", annotation(&d, dir));
        }
    }
    match summary {
        Some(s) => {
            if !quiet {
                outln!(
                    "Checked {} page{}: no problems found",
                    s.pages,
                    if s.pages == 1 { "" } else { "s" }
                );
            }
            true
        }
        None => false,
    }
}

/// A GitHub Actions workflow command, so the problem shows on the pull request's diff.
fn annotation(d: &crate::diag::Diagnostic, dir: &Path) -> String {
    let level = if d.severity == Severity::Error {
        "error"
    } else {
        "warning"
    };
    let path = dir.join(&d.path);
    let path = path
        .strip_prefix("./")
        .unwrap_or(&path)
        .to_string_lossy()
        .replace('\\', "/");
    let escape = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    // Control characters from the course (an ESC in a fence's language, an include's anchor)
    // written as escapes, as the human output does: raw, they reached the runner's log.
    let path = crate::diag::escape_controls(&path).into_owned();
    let mut message = crate::diag::escape_controls(&d.message).into_owned();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(&crate::diag::escape_controls(help));
    }
    // A property also ends at `,` and at `::` (the runner takes the properties up to the next
    // `::`): a file named `a::b.md` put the annotation on `a` with its line lost.
    let property = |s: &str| escape(s).replace(',', "%2C").replace(':', "%3A");
    if d.line == 0 {
        format!("::{level} file={}::{}", property(&path), escape(&message))
    } else {
        format!(
            "::{level} file={},line={},col={}::{}",
            property(&path),
            d.line,
            d.col,
            escape(&message)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_cannot_end_an_annotation_s_properties() {
        let d = Diagnostic::error(
            "content/a::warning file=x,line=1::b.md",
            crate::diag::Pos::new(3, 1),
            "broken link",
        );
        assert_eq!(
            annotation(&d, Path::new(".")),
            "::error file=content/a%3A%3Awarning file=x%2Cline=1%3A%3Ab.md,line=3,col=1::broken link"
        );
    }
}
