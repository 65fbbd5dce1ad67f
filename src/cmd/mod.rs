//! One `run` per subcommand. Each returns whether the course is free of errors.

pub mod build;
pub mod check;
pub mod init;
pub mod serve;

use crate::diag::Diagnostics;

/// Print the diagnostics (warnings too, unless quiet) to stderr, sorted by file and line, many
/// of one kind in a file counted after the first few (`Diagnostics::shown`).
pub fn print(diags: &Diagnostics, quiet: bool) {
    for d in diags.shown(!quiet) {
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
