//! `coursebook serve`: build, serve the site under its `site-url` path, watch the sources,
//! rebuild on each save (see `watch` for when a save is complete) and reload every open page.
//! A failed rebuild keeps the last good site and shows its problems in the pages.

mod http;
mod reload;
mod watch;

use crate::diag::Diagnostics;
use crate::site::{self, Mode};
use notify::{RecursiveMode, Watcher};
use reload::{Hub, Pages};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Instant;
use watch::{Followed, Save};

pub struct Options {
    pub dir: PathBuf,
    pub port: u16,
    pub hostname: String,
    pub open: bool,
    pub quiet: bool,
}

/// Build once, and tell the open pages: reload (all of them, or all but print.html once the
/// pages are written, then print.html once it is), or the problems as text.
fn rebuild(root: &Path, quiet: bool, cache: &mut site::Cache, hub: &Hub) {
    let started = Instant::now();
    let mut diags = Diagnostics::default();
    let mut told = false;
    let summary = site::build_cached(
        root,
        None,
        Mode::Write,
        &mut diags,
        Some(cache),
        &mut |stage| match stage {
            site::Stage::Pages => {
                told = true;
                hub.tell(Ok(Pages::AllBut(site::PRINT_URL)));
            }
            site::Stage::WholeCourse { print_changed } => {
                if print_changed {
                    hub.tell(Ok(Pages::Only(site::PRINT_URL)));
                }
            }
        },
    );
    crate::cmd::print(&diags, quiet);
    match summary {
        Some(s) => {
            if !quiet {
                outln!(
                    "Built {} pages in {} ms",
                    s.pages,
                    started.elapsed().as_millis()
                );
            }
            if !told {
                hub.tell(Ok(Pages::All));
            }
        }
        None => hub.tell(Err(diags
            .shown(false)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"))),
    }
}

pub fn run(options: &Options) -> bool {
    let root = options.dir.clone();
    let mut diags = Diagnostics::default();
    let Some(config) = crate::config::load(&root, &mut diags) else {
        crate::cmd::print(&diags, options.quiet);
        return false;
    };
    // Watch before the first build: a save made while it runs, or before the watcher would
    // otherwise be ready (a page can already be open on the port), is then never missed.
    let Some((mut watcher, events)) = watcher(&config) else {
        return false;
    };
    let mut followed = Followed::new(&watched(&config));
    crate::confine::record_reads();
    let hub = Arc::new(Hub::default());
    let mut cache = site::Cache::default();
    // The watcher reports every change from now on, so unchanged sources need not even be
    // looked at again.
    cache.sources.watched = true;
    rebuild(&root, options.quiet, &mut cache, &hub);
    follow(&mut watcher, &mut followed);
    let address = format!("{}:{}", options.hostname, options.port);
    let listener = match std::net::TcpListener::bind(&address) {
        Ok(l) => l,
        Err(e) => {
            errln!("error: cannot listen on {address}: {e}");
            errln!("  help: choose another port with `--port`");
            return false;
        }
    };
    let url = format!("http://{address}{}", config.site_url);
    outln!("Serving {} at {url} (Ctrl-C to stop)", config.title);
    let _ = ctrlc::set_handler(|| {
        outln!("\nStopped.");
        std::process::exit(0);
    });
    let site = Arc::new(http::Site {
        dir: config.build_dir.clone(),
        hostname: options.hostname.clone(),
        prefix: config.site_url.clone(),
    });
    let acceptor = Arc::clone(&hub);
    std::thread::spawn(move || http::serve(&listener, &site, &acceptor));
    // Event streams stay open in the hub, written to when there is news; one thread pings them.
    let pinger = Arc::clone(&hub);
    std::thread::spawn(move || pinger.ping_forever());
    if options.open {
        open_browser(&url);
    }
    let mut watching = Watching {
        watcher,
        events,
        followed,
    };
    watch(
        &root,
        &config,
        &mut watching,
        &hub,
        options.quiet,
        &mut cache,
    )
}

type Events = std::sync::mpsc::Receiver<notify::Result<notify::Event>>;

/// The watcher, what it reports, and the files followed outside what it watches whole.
struct Watching {
    watcher: notify::RecommendedWatcher,
    events: Events,
    followed: Followed,
}

/// What [`watcher`] watches whole: book.toml, the sources, the theme, `extra-watch-dirs`.
fn watched(config: &crate::config::Config) -> Vec<std::path::PathBuf> {
    let mut paths = vec![config.root.join("book.toml"), config.src.clone()];
    paths.extend(config.theme_dir.clone());
    paths.extend(config.extra_watch_dirs.iter().cloned());
    paths
}

/// Watch the folders of the files the last build read that nothing watched holds.
fn follow(watcher: &mut notify::RecommendedWatcher, followed: &mut Followed) {
    let (dirs, reached) = followed.learn(crate::confine::take_read());
    for dir in dirs {
        if let Err(e) = watcher.watch(&dir, RecursiveMode::NonRecursive) {
            errln!("warning: cannot watch {}: {e}", dir.display());
        }
    }
    if reached {
        errln!(
            "warning: serve follows files in at most {} folders outside the sources; edits to files read elsewhere need a restart",
            watch::MAX_FOLLOWED
        );
        errln!("  help: list the folders they are in under [build] extra-watch-dirs");
    }
}

/// Watch book.toml, the source folder, the theme folder and `extra-watch-dirs`.
fn watcher(config: &crate::config::Config) -> Option<(notify::RecommendedWatcher, Events)> {
    let (tx, rx) = channel::<notify::Result<notify::Event>>();
    let mut watcher = match notify::recommended_watcher(tx) {
        Ok(w) => w,
        Err(e) => {
            errln!("error: cannot watch files: {e}");
            return None;
        }
    };
    // mdBook's `extra-watch-dirs` (checked to be inside the course): what pages include from
    // outside the sources (`listings/`). Such pages are read again on every rebuild.
    // book.toml (first) alone, the folders whole.
    for (i, path) in watched(config).into_iter().enumerate() {
        let mode = match i {
            0 => RecursiveMode::NonRecursive,
            _ => RecursiveMode::Recursive,
        };
        if let Err(e) = watcher.watch(&path, mode) {
            errln!("warning: cannot watch {}: {e}", path.display());
        }
    }
    Some((watcher, rx))
}

/// Rebuild after each save the watcher reports.
fn watch(
    root: &Path,
    config: &crate::config::Config,
    watching: &mut Watching,
    hub: &Hub,
    quiet: bool,
    cache: &mut site::Cache,
) -> bool {
    let rx = &watching.events;
    let out = config
        .build_dir
        .canonicalize()
        .unwrap_or_else(|_| config.build_dir.clone());
    while let Ok(first) = rx.recv() {
        let mut save = Save::default();
        save.add(first, &out, &watching.followed);
        // A save is a few events in a row (truncate, write, close; or write elsewhere and
        // rename into place). Once every changed file is complete, 2 ms of quiet end the
        // wait; a write still open (no close seen yet) waits for 50 ms of quiet.
        loop {
            let quiet_for = if save.open.is_empty() {
                watch::COMPLETE_QUIET
            } else {
                watch::OPEN_QUIET
            };
            match rx.recv_timeout(quiet_for) {
                Ok(event) => save.add(event, &out, &watching.followed),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return true,
            }
        }
        if save.changed.is_empty() && !save.rescan {
            continue;
        }
        save.forget_in(&mut cache.sources, &config.src);
        rebuild(root, quiet, cache, hub);
        follow(&mut watching.watcher, &mut watching.followed);
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
        errln!("warning: could not open a browser; visit {url}");
    }
}
