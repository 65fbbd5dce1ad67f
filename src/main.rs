//! coursebook: parse the command line, run the command, print what it found, choose the exit
//! code (0 success, 1 the course has errors, 2 a bad command line).

/// `println!` that ends quietly when stdout is closed (`coursebook build | head -0`) instead of
/// panicking: what is printed is a courtesy, the exit code is the result.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `eprintln!` that ends quietly when stderr is closed.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod cli;
mod cmd;
mod config;
mod confine;
mod content;
mod diag;
#[cfg(test)]
mod fuzz;
mod i18n;
mod markdown;
mod memory_watch;
mod render;
mod serve;
mod site;
mod theme;
mod widgets;
mod yaml;

use clap::Parser;
use std::process::ExitCode;

// The build allocates many small strings on every core at once; glibc's malloc spent ~15 % of a
// large build's CPU in its own bookkeeping (perf), mimalloc's per-thread heaps much less
// (mimalloc v2; v3 was no better than glibc there).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // mimalloc asks the kernel for transparent huge pages (madvise), and the first touch of each
    // zeroes 2 MB. A build is short and touches its memory sparsely: on the code-heavy
    // 1,000-lesson benchmark course, turning them off took the kernel's share from 2.0 to 1.1 s
    // of CPU and peak memory from 217 to 164 MB. Inherited by anything serve starts; harmless.
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(true);
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap uses 0 for --help/--version and 2 for usage errors.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // Deep input is refused with an error where the recursion is ours (math, YAML budgets), but
    // the libraries we call recurse too: big stacks keep a pathological lesson from overflowing
    // one (an abort, not an error) before a limit reports it. Untouched stack costs nothing.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK)
        .build_global();
    let worker = std::thread::Builder::new()
        .name("coursebook".into())
        .stack_size(STACK)
        .spawn(move || run(cli));
    match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(true)) => ExitCode::SUCCESS,
        Ok(Ok(false)) => ExitCode::from(1),
        // A panic was already printed by the panic hook; never exit 101 for a course.
        Ok(Err(_)) | Err(_) => ExitCode::from(1),
    }
}

const STACK: usize = 64 << 20;

fn run(cli: cli::Cli) -> bool {
    markdown::block_cache::DISABLED.store(cli.no_cache, std::sync::atomic::Ordering::Relaxed);
    if let Some(dir) = &cli.include_from {
        let course = match &cli.command {
            cli::Command::Build { dir, .. }
            | cli::Command::Check { dir, .. }
            | cli::Command::Serve { dir, .. }
            | cli::Command::Init { dir } => dir,
        };
        let refused = match dir.is_dir() {
            false => Err("not a folder".to_string()),
            true => confine::Jail::may_include_from(dir, course),
        };
        if let Err(why) = refused {
            errln!(
                "error: --include-from {}: {}",
                diag::escape_controls(&dir.display().to_string()),
                diag::escape_controls(&why)
            );
            errln!(
                "  help: name a folder that holds the book, such as its repository (`--include-from ..`)"
            );
            return false;
        }
        confine::include_from(dir);
    }
    match cli.command {
        cli::Command::Build {
            dir,
            dest_dir,
            deny_warnings,
        } => cmd::build::run(
            &dir,
            dest_dir.as_deref(),
            deny_warnings,
            cli.quiet,
            cli.verbose,
        ),
        cli::Command::Check {
            dir,
            format,
            deny_warnings,
        } => cmd::check::run(&dir, format, deny_warnings, cli.quiet),
        cli::Command::Serve {
            dir,
            port,
            hostname,
            open,
        } => cmd::serve::run(&cmd::serve::Options {
            dir,
            port,
            hostname,
            open,
            quiet: cli.quiet,
        }),
        cli::Command::Init { dir } => cmd::init::run(&dir, cli.quiet),
    }
}
