//! `coursebook serve`: build, serve the site under its `site-url` path, watch the sources,
//! rebuild on change (debounced, so an editor's save-and-rename is one rebuild) and reload every
//! open page. A failed rebuild keeps the last good site and shows its problems in the pages.

mod http;
mod reload;

use crate::diag::Diagnostics;
use crate::site::{self, Mode};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use reload::Hub;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

pub struct Options {
    pub dir: PathBuf,
    pub port: u16,
    pub hostname: String,
    pub open: bool,
    pub quiet: bool,
}

/// Build once; the problems as text when it failed.
fn rebuild(root: &Path, quiet: bool, cache: &mut site::Cache) -> Option<String> {
    let started = Instant::now();
    let mut diags = Diagnostics::default();
    let summary = site::build_cached(root, None, Mode::Write, &mut diags, Some(cache));
    crate::cmd::print(&diags, quiet);
    match summary {
        Some(s) => {
            if !quiet {
                println!(
                    "Built {} pages in {} ms",
                    s.pages,
                    started.elapsed().as_millis()
                );
            }
            None
        }
        None => Some(
            diags
                .sorted()
                .iter()
                .filter(|d| d.severity == crate::diag::Severity::Error)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}

pub fn run(options: &Options) -> bool {
    let root = options.dir.clone();
    let mut diags = Diagnostics::default();
    let Some(config) = crate::config::load(&root, &mut diags) else {
        crate::cmd::print(&diags, options.quiet);
        return false;
    };
    let hub = Arc::new(Hub::default());
    let mut cache = site::Cache::default();
    hub.built(rebuild(&root, options.quiet, &mut cache));
    let address = format!("{}:{}", options.hostname, options.port);
    let server = match tiny_http::Server::http(&address) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("error: cannot listen on {address}: {e}");
            eprintln!("  help: choose another port with `--port`");
            return false;
        }
    };
    let url = format!("http://{address}{}", config.site_url);
    println!("Serving {} at {url} (Ctrl-C to stop)", config.title);
    let _ = ctrlc::set_handler(|| {
        println!("\nStopped.");
        std::process::exit(0);
    });
    let site = Arc::new(http::Site {
        dir: config.build_dir.clone(),
        prefix: config.site_url.clone(),
    });
    for _ in 0..4 {
        let (server, site, hub) = (Arc::clone(&server), Arc::clone(&site), Arc::clone(&hub));
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                let (site, hub) = (Arc::clone(&site), Arc::clone(&hub));
                // Event streams stay open: each gets its own thread so pages never wait.
                if request.url().ends_with("__coursebook/events") {
                    std::thread::spawn(move || http::handle(request, &site, &hub));
                } else {
                    http::handle(request, &site, &hub);
                }
            }
        });
    }
    if options.open {
        open_browser(&url);
    }
    watch(&root, &config, &hub, options.quiet, &mut cache)
}

/// Watch book.toml, the source folder and the theme folder; rebuild after each burst of changes.
fn watch(
    root: &Path,
    config: &crate::config::Config,
    hub: &Hub,
    quiet: bool,
    cache: &mut site::Cache,
) -> bool {
    let (tx, rx) = channel::<DebounceEventResult>();
    let mut debouncer = match new_debouncer(Duration::from_millis(30), None, tx) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot watch files: {e}");
            return false;
        }
    };
    let mut paths = vec![
        (root.join("book.toml"), RecursiveMode::NonRecursive),
        (config.src.clone(), RecursiveMode::Recursive),
    ];
    if let Some(theme) = &config.theme_dir {
        paths.push((theme.clone(), RecursiveMode::Recursive));
    }
    for (path, mode) in paths {
        if let Err(e) = debouncer.watch(&path, mode) {
            eprintln!("warning: cannot watch {}: {e}", path.display());
        }
    }
    let out = config
        .build_dir
        .canonicalize()
        .unwrap_or_else(|_| config.build_dir.clone());
    for result in rx {
        let Ok(events) = result else { continue };
        // Our own output (when it sits inside a watched folder) must not trigger a rebuild.
        // Reading files during the build is reported as access: only changes count.
        let relevant = events
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
                )
            })
            .flat_map(|e| e.paths.iter())
            .any(|p| {
                !p.starts_with(&out)
                    && !p
                        .components()
                        .any(|c| c.as_os_str().to_string_lossy().contains(".coursebook-"))
            });
        if relevant {
            hub.built(rebuild(root, quiet, cache));
        }
    }
    true
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("warning: could not open a browser; visit {url}");
    }
}
