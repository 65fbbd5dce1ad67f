//! `coursebook build [DIR] [-d DEST]`.

use crate::diag::Diagnostics;
use crate::site::{self, Mode};
use std::path::Path;

pub fn run(
    dir: &Path,
    dest: Option<&Path>,
    deny_warnings: bool,
    quiet: bool,
    verbose: bool,
) -> bool {
    let mut diags = Diagnostics::default();
    if deny_warnings {
        diags.deny_warnings();
    }
    let summary = site::build(dir, dest, Mode::Write, &mut diags);
    super::print(&diags, quiet);
    let Some(summary) = summary else { return false };
    if verbose {
        if summary.from_store {
            outln!(
                "the course is as an earlier build left it: its pages, print page and search index are that build's, linked from the site store"
            );
        }
        outln!("{} files written", summary.files);
        outln!("{}", site::wasm_size_note());
    }
    if !quiet {
        outln!(
            "Built {} page{} into {}/ in {} ms{}",
            summary.pages,
            if summary.pages == 1 { "" } else { "s" },
            summary.dest.display(),
            summary.millis,
            // Said, so that a build that made nothing anew is never taken for one that did.
            if summary.from_store {
                " (the course as last built: its pages from the site store; --no-cache builds them anew)"
            } else {
                ""
            }
        );
    }
    true
}
