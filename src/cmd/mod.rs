//! One `run` per subcommand. Each returns whether the course is free of errors.

pub mod build;
pub mod check;
pub mod init;
pub mod serve;

use crate::diag::{Diagnostics, Severity};

/// Print every diagnostic (warnings too, unless quiet) to stderr, sorted by file and line.
pub fn print(diags: &Diagnostics, quiet: bool) {
    for d in diags.sorted() {
        if quiet && d.severity == Severity::Warning {
            continue;
        }
        errln!("{d}");
    }
    let errors = diags.error_count();
    if errors > 0 {
        errln!(
            "error: {errors} problem{} found{}; nothing was written",
            if errors == 1 { "" } else { "s" },
            if diags.denies_warnings() {
                " (--deny-warnings: warnings count)"
            } else {
                ""
            }
        );
    }
}
