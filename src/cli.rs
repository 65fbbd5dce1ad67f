//! The command line (clap derive only). Doc comments are the help text.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Publish a course as a static website: lessons in Markdown, quizzes graded in the browser,
/// a glossary, and interactive widgets.
#[derive(Debug, Parser)]
#[command(name = "coursebook", version = env!("COURSEBOOK_LONG_VERSION"), about, propagate_version = true)]
pub struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what the build does.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Neither read nor write the caches kept between builds: highlighted code blocks
    /// (`[build] cache-dir`) and the site store.
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Let `{{#include}}` read files from this folder around the course too (such as the
    /// repository's root, for a book that includes its README); hidden files stay refused.
    #[arg(long, global = true, value_name = "DIR")]
    pub include_from: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the course into a static site.
    Build {
        /// The course root (the folder holding book.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write the site here instead of `build-dir` from book.toml.
        #[arg(short, long)]
        dest_dir: Option<PathBuf>,
        /// Fail on warnings too (for CI): nothing is written if there is any.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Build, serve the site locally, and rebuild and reload open pages on every change.
    Serve {
        /// The course root (the folder holding book.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The port to listen on.
        #[arg(short, long, default_value_t = 3000)]
        port: u16,
        /// The address to listen on.
        #[arg(short = 'n', long, default_value = "127.0.0.1")]
        hostname: String,
        /// Open the site in the default web browser.
        #[arg(long)]
        open: bool,
    },
    /// Create a new course, ready to build and publish to GitHub Pages.
    Init {
        /// Where to create the course (default: the current folder).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Run every check the build makes, writing nothing.
    Check {
        /// The course root (the folder holding book.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Also print problems as GitHub Actions annotations (automatic when GITHUB_ACTIONS=true).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Fail on warnings too (for CI).
        #[arg(long)]
        deny_warnings: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Github,
}
