//! `coursebook serve` end to end: a real server on a free port, a page fetched, a lesson edited
//! and the reload event seen, a broken quiz shown as problems while the old page stays served,
//! traversal attempts refused. Every wait is bounded; the server is killed at the end.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port no other test of this run was given, free now, below the system's range for the
/// ports connections go out from. A port taken with `bind(0)` and let go was handed to two
/// tests at once (on a busy CI runner): one test's server came up on it first, and the other
/// test read that server's news ("ok") instead of its own course's problems.
fn free_port() -> u16 {
    use std::sync::Mutex;
    static GIVEN: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    let mut given = GIVEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // From a place of this process's own, so that runs at once rarely meet.
    let from = std::process::id() as usize % 10_000;
    (0..12_000)
        .map(|i| 20_000 + ((from + i) % 12_000) as u16)
        .find(|port| !given.contains(port) && TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .inspect(|port| given.push(*port))
        .expect("a free port between 20000 and 31999")
}

/// One HTTP/1.1 request, the whole answer as text.
fn request(port: u16, method: &str, path: &str) -> String {
    request_for("localhost", port, method, path)
}

/// [`request`] naming `host` in its Host header.
fn request_for(host: &str, port: u16, method: &str, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    String::from_utf8_lossy(&raw).into_owned()
}

/// A plain HTTP/1.1 GET: (status, body).
fn get(port: u16, path: &str) -> (u16, String) {
    let text = request(port, "GET", path);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Event names from the page's event stream, as they arrive, for an open lesson page: a
/// `reload` that is for another page only ("only print.html") is left out, as the page's
/// script leaves it.
fn events(port: u16, prefix: &str) -> Receiver<String> {
    events_of(port, prefix, "lesson.html")
}

/// Event names from the event stream of the page `page` (its address under the site's root).
fn events_of(port: u16, prefix: &str, page: &'static str) -> Receiver<String> {
    stream(port, prefix, move |name, data| {
        let skip = match data.split_once(' ') {
            Some(("only", p)) => p != page,
            Some(("but", p)) => p == page,
            _ => false,
        };
        (!skip).then(|| name.to_string())
    })
}

/// The event stream, each event as `pick` makes it of its name and data (`None`: left out).
fn stream(
    port: u16,
    prefix: &str,
    pick: impl Fn(&str, &str) -> Option<String> + Send + 'static,
) -> Receiver<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {prefix}__coursebook/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let (mut name, mut data) = (String::new(), String::new());
        for line in BufReader::new(s).lines().map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                // Lines of one event's data are joined with line breaks (as EventSource does).
                if !data.is_empty() {
                    data.push('\n');
                }
                data.push_str(d);
            } else if line.is_empty() && !name.is_empty() {
                if let Some(event) = pick(&name, &data)
                    && tx.send(event).is_err()
                {
                    return;
                }
                (name, data) = (String::new(), String::new());
            }
        }
    });
    rx
}

fn next_event(rx: &Receiver<String>) -> String {
    rx.recv_timeout(Duration::from_secs(20))
        .expect("no event from the server in 20 s")
}

fn start(dir: &Path, port: u16) -> Server {
    start_with(Command::new(env!("CARGO_BIN_EXE_coursebook")), dir, port)
}

/// `serve` with at most `kb` of address space (`ulimit -v`), as a constrained CI runner or
/// container gives it.
#[cfg(target_os = "linux")]
fn start_limited(dir: &Path, port: u16, kb: u64) -> Server {
    let mut sh = Command::new("sh");
    sh.args([
        "-c",
        &format!("ulimit -v {kb} && exec \"$0\" \"$@\""),
        env!("CARGO_BIN_EXE_coursebook"),
    ]);
    start_with(sh, dir, port)
}

fn start_with(mut command: Command, dir: &Path, port: u16) -> Server {
    let child = command
        .args(["serve", dir.to_str().unwrap(), "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

#[test]
fn serve_rebuilds_reloads_and_refuses_traversal() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"Served\"\n[output.html]\nsite-url = \"/course/\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/lesson.md"),
        "# Lesson\n\nFirst version.\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/lesson.quiz.yaml"),
        "questions:\n  - type: true-false\n    prompt: Yes?\n    answer: true\n",
    )
    .unwrap();
    let port = free_port();
    let _server = start(root, port);

    let (status, body) = get(port, "/course/lesson.html");
    assert_eq!(status, 200);
    assert!(body.contains("First version.") && body.contains("__coursebook/livereload.js"));
    assert_eq!(get(port, "/course/__coursebook/livereload.js").0, 200);
    assert_eq!(
        get(port, "/").0,
        302,
        "the root redirects to the site's path"
    );

    // Traversal, encoded traversal and a symlink out of the site: all 404.
    std::os::unix::fs::symlink("/etc", root.join("site/leak")).unwrap();
    for bad in [
        "/course/../book.toml",
        "/course/%2e%2e/book.toml",
        "/course/..%2fbook.toml",
        "/course/leak/passwd",
        "/book.toml",
        "/course/no/such/page.html",
    ] {
        let (status, body) = get(port, bad);
        assert_eq!(status, 404, "{bad}");
        assert!(!body.contains("root:"), "{bad} leaked a file");
    }

    let rx = events(port, "/course/");
    assert_eq!(next_event(&rx), "ok");
    std::fs::write(
        root.join("content/lesson.md"),
        "# Lesson\n\nSecond version.\n",
    )
    .unwrap();
    assert_eq!(next_event(&rx), "reload");
    assert!(
        get(port, "/course/lesson.html")
            .1
            .contains("Second version.")
    );

    // A broken quiz: problems reach the page, the last good site stays.
    std::fs::write(
        root.join("content/lesson.quiz.yaml"),
        "questions:\n  - type: single\n    prompt: Pick\n    choices: [{text: a}, {text: b}]\n",
    )
    .unwrap();
    assert_eq!(next_event(&rx), "problems");
    assert!(
        get(port, "/course/lesson.html")
            .1
            .contains("Second version.")
    );
    let rx2 = events(port, "/course/");
    assert_eq!(
        next_event(&rx2),
        "problems",
        "a page opened later sees the problems too"
    );
    std::fs::write(
        root.join("content/lesson.quiz.yaml"),
        "questions:\n  - type: true-false\n    prompt: Yes?\n    answer: false\n",
    )
    .unwrap();
    assert_eq!(next_event(&rx), "reload");
}

/// Wait for the next `reload`, then fetch `path` until it contains `text` (the reload is sent
/// after the files are written, so the first fetch should already have it).
fn reloaded_with(rx: &Receiver<String>, port: u16, path: &str, text: &str) {
    assert_eq!(next_event(rx), "reload", "waiting for {text:?} in {path}");
    let body = get(port, path).1;
    assert!(
        body.contains(text),
        "{path} lacks {text:?} after the reload"
    );
}

/// Write `text` to `path` under `root`, making its folders.
fn write_file(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

#[test]
fn serve_rebuilds_what_each_kind_of_change_affects() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| write_file(root, path, text);
    write(
        "book.toml",
        "[book]\ntitle = \"Kinds\"\n[output.html]\nsite-url = \"/k/\"\ntheme = \"mytheme\"\n",
    );
    write("content/a.md", "# A\n\nThe model learns.\n");
    write("content/b.md", "# B\n\nOther text.\n");
    write(
        "content/glossary.yaml",
        "- term: model\n  definition: First definition.\n",
    );
    let page_template = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/page.html"),
    )
    .unwrap();
    write("mytheme/templates/page.html", &page_template);
    let port = free_port();
    let _server = start(root, port);
    let rx = events(port, "/k/");
    assert_eq!(next_event(&rx), "ok");

    // Two saves of the same length within one clock tick: the second must not be missed.
    write("content/a.md", "# A\n\nThe model learns 1.\n");
    write("content/a.md", "# A\n\nThe model learns 2.\n");
    let mut last = String::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !last.contains("learns 2.") {
        assert!(Instant::now() < deadline, "the second save never showed");
        let _ = rx.recv_timeout(Duration::from_secs(5));
        last = get(port, "/k/a.html").1;
    }
    while rx.recv_timeout(Duration::from_millis(300)).is_ok() {}
    // The print page, the whole course on one page, follows the edit too: an open print page
    // is told to reload once it is written, after the other pages.
    assert!(get(port, "/k/print.html").1.contains("learns 2."));
    let print = events_of(port, "/k/", "print.html");
    assert_eq!(next_event(&print), "ok");
    // Every page but print.html reloads first; print.html (and the search index) are made
    // after: at 1,000 lessons they take longer than the rest of a rebuild.
    let raw = stream(port, "/k/", |name, data| Some(format!("{name}:{data}")));
    assert_eq!(next_event(&raw), "ok:");
    write("content/a.md", "# A\n\nThe model learns 3.\n");
    reloaded_with(&print, port, "/k/print.html", "learns 3.");
    reloaded_with(&rx, port, "/k/a.html", "learns 3.");
    assert!(
        print.recv_timeout(Duration::from_millis(500)).is_err(),
        "the print page is reloaded once"
    );
    assert_eq!(next_event(&raw), "reload:but print.html");
    assert_eq!(next_event(&raw), "reload:only print.html");

    // The glossary: its page and the lessons' tooltips.
    write(
        "content/glossary.yaml",
        "- term: model\n  definition: Second definition.\n",
    );
    reloaded_with(&rx, port, "/k/glossary.html", "Second definition.");
    assert!(get(port, "/k/a.html").1.contains("Second definition."));

    // A template of the course's theme: every page.
    write(
        "mytheme/templates/page.html",
        &page_template.replacen("{% block content %}", "{% block content %}THEMED", 1),
    );
    reloaded_with(&rx, port, "/k/b.html", "THEMED");

    // A new lesson: its page, and the others' sidebars.
    write("content/c.md", "# C\n\nA new lesson.\n");
    reloaded_with(&rx, port, "/k/c.html", "A new lesson.");
    assert!(get(port, "/k/a.html").1.contains("c.html"));

    // A new title: the lesson's own page and every sidebar.
    write(
        "content/c.md",
        "---\ntitle: Renamed lesson\n---\nA new lesson.\n",
    );
    reloaded_with(&rx, port, "/k/c.html", "Renamed lesson");
    assert!(get(port, "/k/a.html").1.contains("Renamed lesson"));

    // A quiz file beside a lesson.
    write(
        "content/b.quiz.yaml",
        "questions:\n  - type: true-false\n    prompt: Is it new?\n    answer: true\n",
    );
    reloaded_with(&rx, port, "/k/b.html", "data-quiz=");

    // A quiz named from another folder, through `..`: kept between rebuilds, and read again
    // when it changes.
    write(
        "content/quizzes/shared.quiz.yaml",
        "questions:\n  - type: true-false\n    prompt: First shared?\n    answer: true\n",
    );
    write(
        "content/part/d.md",
        "---\nquiz: ../quizzes/./shared.quiz.yaml\n---\n# D\n\nText.\n",
    );
    reloaded_with(&rx, port, "/k/part/d.html", "First shared?");
    write(
        "content/quizzes/shared.quiz.yaml",
        "questions:\n  - type: true-false\n    prompt: Second shared?\n    answer: true\n",
    );
    reloaded_with(&rx, port, "/k/part/d.html", "Second shared?");

    // An editor's save by rename: move the old file away, write the new one.
    std::fs::rename(root.join("content/b.md"), root.join("content/b.md~")).unwrap();
    write("content/b.md", "# B\n\nSaved by rename.\n");
    reloaded_with(&rx, port, "/k/b.html", "Saved by rename.");

    // A removed lesson disappears from the site.
    std::fs::remove_file(root.join("content/c.md")).unwrap();
    assert_eq!(next_event(&rx), "reload");
    assert_eq!(get(port, "/k/c.html").0, 404);
}

/// Sources reached through links: `content -> real-content`, served as `serve .` (the watcher
/// names `/course/./content/…`), and a lesson that is a link to another file of the sources.
/// Each edit rebuilt ("Built 4 pages") but the page stayed as it was: the changed paths matched
/// neither the sources' name nor their canonical path, and an edit names a link's target, not
/// the link (red team 6).
#[cfg(unix)]
#[test]
fn edits_reached_through_links_reach_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| write_file(root, path, text);
    write("book.toml", "[book]\ntitle = \"Linked\"\n");
    write("real-content/a.md", "# A\n\nFirst text of A.\n");
    // A file of the course outside the sources, linked into them (a file of the sources
    // linked again is read once, at its own name: tests/hostile.rs).
    write("shared/b.md", "# B\n\nFirst text of B.\n");
    std::os::unix::fs::symlink("real-content", root.join("content")).unwrap();
    std::fs::create_dir_all(root.join("real-content/part")).unwrap();
    std::os::unix::fs::symlink("../../shared/b.md", root.join("real-content/part/b.md")).unwrap();
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_coursebook"));
    command.current_dir(root);
    let _server = start_with(command, Path::new("."), port);
    let rx = events(port, "/");
    assert_eq!(next_event(&rx), "ok");
    assert!(get(port, "/part/b.html").1.contains("First text of B."));

    write("content/a.md", "# A\n\nSecond text of A.\n");
    reloaded_with(&rx, port, "/a.html", "Second text of A.");
    write("content/part/b.md", "# B\n\nSecond text of B.\n");
    reloaded_with(&rx, port, "/part/b.html", "Second text of B.");
    // Through the canonical spelling too.
    write("shared/b.md", "# B\n\nThird text of B.\n");
    reloaded_with(&rx, port, "/part/b.html", "Third text of B.");
}

/// The server's thread count, from /proc (Linux).
fn threads(pid: u32) -> usize {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// A course of one lesson, `a.md`.
#[cfg(target_os = "linux")]
fn one_lesson_course() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"T\"\n").unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("content/a.md"), "# A\n").unwrap();
    dir
}

#[cfg(target_os = "linux")]
#[test]
fn head_has_no_body_and_open_pages_cost_no_threads() {
    let dir = one_lesson_course();
    let port = free_port();
    let server = start(dir.path(), port);

    let text = request(port, "HEAD", "/a.html");
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(!head.contains("Content-Length: 0"), "{head}");
    assert!(body.is_empty(), "HEAD sent a body of {} bytes", body.len());

    let before = threads(server.0.id());
    // Pages open one after another, as tabs do.
    let mut pages: Vec<Receiver<String>> = Vec::new();
    for i in 0..100 {
        let rx = events(port, "/");
        let first = rx.recv_timeout(Duration::from_secs(20));
        assert_eq!(first.as_deref(), Ok("ok"), "page {i}'s first event");
        pages.push(rx);
    }
    let after = threads(server.0.id());
    // An open page holds a socket and no thread (a thread per connection used to stay with
    // each).
    assert!(
        after <= before + 100 + 4,
        "100 open pages took {} threads",
        after - before
    );
    // They still hear about the next build.
    std::fs::write(dir.path().join("content/a.md"), "# A again\n").unwrap();
    for (i, rx) in pages.iter().enumerate() {
        let next = rx.recv_timeout(Duration::from_secs(20));
        assert_eq!(next.as_deref(), Ok("reload"), "page {i} after the edit");
    }
    drop(server);
}

/// Red team, third pass: every answer was read whole into memory, so clients asking for a
/// course's big asset and reading slowly took its size each (16 of a 200 MB file, 2.2 GB). A
/// file that is not a page is sent from disk as it is read.
#[cfg(target_os = "linux")]
#[test]
fn a_big_asset_is_not_held_in_memory_per_client() {
    let dir = one_lesson_course();
    std::fs::write(dir.path().join("content/big.bin"), vec![7u8; 64 << 20]).unwrap();
    let port = free_port();
    let server = start(dir.path(), port);
    let text = request(port, "HEAD", "/big.bin");
    assert!(text.contains("Content-Length: 67108864"), "{text}");
    // Sixteen clients ask and read nothing.
    let clients: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(s, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    let rss_kb: usize = std::fs::read_to_string(format!("/proc/{}/status", server.0.id()))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    assert!(
        rss_kb < 300 * 1024,
        "16 readers of a 64 MB file: {rss_kb} KB"
    );
    // One that reads gets the whole file.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    assert!(
        raw.ends_with(&[7u8; 1024]) && raw.len() > 64 << 20,
        "{}",
        raw.len()
    );
    drop(clients);
    drop(server);
}

/// Red team, fourth pass: pages were still read whole, and copied to add the live-reload
/// script, for each request: 16 slow readers of a 40 MB print.html took 1.9 GB. A page is
/// streamed from disk like any other file, the script put before its `</body>` on the way.
#[cfg(target_os = "linux")]
#[test]
fn a_big_page_is_not_held_in_memory_per_client() {
    let dir = one_lesson_course();
    let mut big = b"<!DOCTYPE html><p>".to_vec();
    big.resize(48 << 20, b'x');
    big.extend_from_slice(b"</p></body></html>\n");
    std::fs::write(dir.path().join("content/big.html"), &big).unwrap();
    let port = free_port();
    let server = start(dir.path(), port);
    let script = "<script src=\"/__coursebook/livereload.js?since=";
    let text = request(port, "HEAD", "/big.html");
    assert!(text.contains("text/html"), "{text}");
    let clients: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(s, "GET /big.html HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    let rss_kb: usize = std::fs::read_to_string(format!("/proc/{}/status", server.0.id()))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    assert!(
        rss_kb < 300 * 1024,
        "16 readers of a 48 MB page: {rss_kb} KB"
    );
    // One that reads gets the whole page, the script before `</body>`, as long as announced.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET /big.html HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let (head, body) = (String::from_utf8_lossy(&raw[..split]), &raw[split..]);
    assert!(
        head.contains(&format!("Content-Length: {}", body.len())),
        "{head}"
    );
    let tail = String::from_utf8_lossy(&body[body.len() - 200..]);
    assert!(tail.contains(script), "{tail}");
    assert!(tail.ends_with("</script></body></html>\n"), "{tail}");
    assert_eq!(
        body.len(),
        big.len() + tail.find("</body>").unwrap() - tail.find(script).unwrap()
    );
    drop(clients);
    drop(server);
}

/// serve counts again only the lesson that changed and keeps the terms' numbers between
/// rebuilds: the index it writes is byte for byte a clean build's.
#[test]
fn serve_s_search_index_is_a_clean_build_s() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| write_file(root, path, text);
    write(
        "book.toml",
        "[book]\ntitle = \"Index\"\n[output.html]\nsite-url = \"/s/\"\n",
    );
    write(
        "content/a.md",
        "# Models\n\nA model maps inputs to outputs.\n\n## Fitting\n\nLeast squares fits a line.\n",
    );
    write(
        "content/b.md",
        "# Gradients\n\nGradient descent takes small steps.\n",
    );
    write(
        "content/glossary.yaml",
        "- term: model\n  definition: A function with parameters.\n",
    );
    let port = free_port();
    let _server = start(root, port);
    let raw = stream(port, "/s/", |name, data| Some(format!("{name}:{data}")));
    assert_eq!(next_event(&raw), "ok:");
    for (n, text) in [
        "# Gradients\n\nGradient descent takes small zebra steps.\n",
        "# Gradients renamed\n\nA quokka descends.\n\n## New section\n\nLeast squares again.\n",
    ]
    .iter()
    .enumerate()
    {
        write("content/b.md", text);
        assert_eq!(next_event(&raw), "reload:but print.html", "edit {n}");
        assert_eq!(next_event(&raw), "reload:only print.html", "edit {n}");
    }
    let clean = tempfile::tempdir().unwrap();
    for file in [
        "book.toml",
        "content/a.md",
        "content/b.md",
        "content/glossary.yaml",
    ] {
        let to = clean.path().join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root.join(file), to).unwrap();
    }
    let status = Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["build", clean.path().to_str().unwrap()])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let files = |site: &Path| {
        let mut out = std::collections::BTreeMap::new();
        for entry in walkdir::WalkDir::new(site.join("search")) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(site).unwrap().to_path_buf();
                out.insert(rel, std::fs::read_to_string(entry.path()).unwrap());
            }
        }
        out
    };
    let served = files(&root.join("site"));
    assert!(served.values().any(|t| t.contains("quokka")));
    assert!(
        !served.values().any(|t| t.contains("zebra")),
        "a word gone from the lesson stays in the index"
    );
    assert_eq!(served, files(&clean.path().join("site")));
}

/// A request head that never ends is refused at 16 KB, an idle connection is closed after the
/// head timeout, and connections beyond the cap are turned away at once, while a page still
/// loads and its event stream still gets its events. All within 4 GB of address space: each
/// connection's thread reserves about 30 MB, and at a cap of 128 serve aborted at about 90.
#[cfg(target_os = "linux")]
#[test]
fn serve_bounds_heads_idle_connections_and_their_number() {
    let dir = one_lesson_course();
    let port = free_port();
    let server = start_limited(dir.path(), port, 4 << 20);

    // 1 MB of header with no end: 431 and closed, long before it is all sent.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.write_all(b"GET /a.html HTTP/1.1\r\nX: ");
    let _ = s.write_all(&vec![b'a'; 1 << 20]);
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 431"),
        "{}",
        String::from_utf8_lossy(&answer)
    );

    // An event stream outlives the head timeout.
    let rx = events(port, "/");
    assert_eq!(next_event(&rx), "ok");

    // 300 idle connections: the cap's worth are held, the rest turned away with 503 at once.
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    let mut refused = 0;
    for mut s in &idle[200..] {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer);
        if answer.starts_with(b"HTTP/1.1 503") {
            refused += 1;
        }
    }
    assert_eq!(refused, 100, "connections past the cap");
    assert!(
        threads(server.0.id()) < 200,
        "idle connections took threads"
    );
    // Idle connections are closed after the head timeout; then pages load again.
    std::thread::sleep(Duration::from_secs(11));
    assert_eq!(get(port, "/a.html").0, 200);
    std::fs::write(dir.path().join("content/a.md"), "# A again\n").unwrap();
    assert_eq!(next_event(&rx), "reload");
    drop(server);
}

/// Live reload holds at most 256 open pages' streams: opened one after another (each read to
/// its head), the 257th and later get 503 and pages still load. Red team 7 saw a 301st stream
/// get 200 after opening 300 at once: those beyond the connection cap were turned away before
/// they became streams, so fewer than 256 were held.
#[cfg(target_os = "linux")]
#[test]
fn live_reload_holds_at_most_256_streams() {
    let dir = one_lesson_course();
    let port = free_port();
    let server = start(dir.path(), port);
    let mut held = Vec::new();
    let (mut ok, mut refused) = (0, 0);
    for _ in 0..300 {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(b"GET /__coursebook/events?page=a.html HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let mut head = [0u8; 12];
        s.read_exact(&mut head).unwrap();
        match &head {
            b"HTTP/1.1 200" => ok += 1,
            b"HTTP/1.1 503" => refused += 1,
            other => panic!("{}", String::from_utf8_lossy(other)),
        }
        held.push(s);
    }
    assert_eq!((ok, refused), (256, 44));
    assert_eq!(get(port, "/a.html").0, 200);
    drop(held);
    drop(server);
}

/// Open pages that never read their event stream (a hung tab, a hostile client): with
/// blocking writes, once their socket buffers filled every rebuild's news waited the 30 s
/// write timeout on each of them before reaching the pages that do read. Now they are written
/// without waiting, dropped past a bound, and a failed build's problems sent are bounded too.
#[cfg(target_os = "linux")]
#[test]
fn pages_that_never_read_hold_up_no_other_page_s_news() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "book.toml", "[book]\ntitle = \"T\"\n");
    // 600 lessons, each with its own error: a failed build's problems are ~60 KB of text.
    for i in 0..600 {
        write_file(
            root,
            &format!("content/l{i:03}.md"),
            &format!("# L{i}\n\n{{{{#include missing-file-number-{i}.md}}}}\n"),
        );
    }
    let port = free_port();
    let _server = start(root, port);
    // Three pages that ask for their events and never read a byte of them.
    let stalled: Vec<TcpStream> = (0..3)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(
                s,
                "GET /__coursebook/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
            )
            .unwrap();
            s
        })
        .collect();
    let reader = events(port, "/");
    assert_eq!(next_event(&reader), "problems");
    // Enough failed rebuilds to fill the stalled pages' buffers many times over (about 4 MB
    // each on loopback here): each rebuild's problems still reach the reading page at once.
    let mut slowest = Duration::ZERO;
    for round in 0..120 {
        write_file(
            root,
            "content/l000.md",
            &format!("# L0 {round}\n\n{{{{#include missing-file-number-0.md}}}}\n"),
        );
        let asked = Instant::now();
        assert_eq!(next_event(&reader), "problems", "round {round}");
        slowest = slowest.max(asked.elapsed());
    }
    assert!(
        slowest < Duration::from_secs(10),
        "a rebuild's news took {slowest:?}"
    );
    // And a good build reloads the reading page, and pages are still served.
    write_file(root, "content/l000.md", "# L0 fixed\n");
    for i in 1..600 {
        std::fs::write(
            root.join(format!("content/l{i:03}.md")),
            format!("# L{i}\n"),
        )
        .unwrap();
    }
    loop {
        match next_event(&reader).as_str() {
            "reload" => break,
            "problems" => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(get(port, "/l000.html").1.contains("L0 fixed"));
    drop(stalled);
}

/// A problem fixed in a lesson went on being shown: the kept course structure (reused while no
/// title or file changes) held the lessons' own problems of the build that made it, and each
/// rebuild showed them again beside the fresh ones.
#[test]
fn a_fixed_problem_is_not_shown_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "book.toml", "[book]\ntitle = \"T\"\n");
    for name in ["a", "b", "c"] {
        write_file(
            root,
            &format!("content/{name}.md"),
            &format!("# {name}\n\n{{{{#include missing-{name}.md}}}}\n"),
        );
    }
    let port = free_port();
    let _server = start(root, port);
    let rx = stream(port, "/", |name, data| Some(format!("{name}: {data}")));
    let first = next_event(&rx);
    for name in ["a", "b", "c"] {
        assert!(first.contains(&format!("missing-{name}.md")), "{first}");
    }
    // One lesson fixed, its title the same: the other two remain, once each.
    write_file(root, "content/a.md", "# a\n\nFixed.\n");
    let second = next_event(&rx);
    assert!(second.starts_with("problems: "), "{second}");
    assert!(!second.contains("missing-a.md"), "{second}");
    assert_eq!(second.matches("missing-b.md`").count(), 1, "{second}");
    assert_eq!(second.matches("missing-c.md`").count(), 1, "{second}");
    write_file(root, "content/b.md", "# b\n\nFixed.\n");
    write_file(root, "content/c.md", "# c\n\nFixed.\n");
    loop {
        let next = next_event(&rx);
        if next.starts_with("reload") {
            break;
        }
        assert!(
            next.starts_with("problems: ") && !next.contains("missing-a.md"),
            "{next}"
        );
    }
}

/// mdBook's `extra-watch-dirs`: a folder outside the sources that pages include from
/// (`listings/`) is watched too, so an edit there reaches the page. It was ignored with a
/// warning claiming serve watched the whole course folder, which it does not.
#[test]
fn extra_watch_dirs_are_watched() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(
        root,
        "book.toml",
        "[book]\ntitle = \"T\"\n[build]\nextra-watch-dirs = [\"listings\"]\n",
    );
    write_file(
        root,
        "content/lesson.md",
        "# Lesson\n\n```rust\n{{#include ../listings/main.rs}}\n```\n",
    );
    write_file(root, "listings/main.rs", "fn first() {}\n");
    let port = free_port();
    let _server = start(root, port);
    let rx = events(port, "/");
    assert_eq!(next_event(&rx), "ok");
    assert!(get(port, "/lesson.html").1.contains("first"));
    write_file(root, "listings/main.rs", "fn second_version() {}\n");
    reloaded_with(&rx, port, "/lesson.html", "second_version");
}

/// A web page whose own name points at this machine (DNS rebinding) reads what serve answers:
/// the unpublished course and the build's messages. A Host that is not an address by number,
/// `localhost` or `--hostname` is refused, the event stream included.
#[test]
fn requests_for_another_host_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "book.toml", "[book]\ntitle = \"T\"\n");
    write_file(root, "content/lesson.md", "# Lesson\n\nSecret draft.\n");
    let port = free_port();
    let _server = start(root, port);
    let ask = |host: &str, path: &str| request_for(host, port, "GET", path);
    assert!(get(port, "/lesson.html").1.contains("Secret draft."));
    for path in ["/lesson.html", "/__coursebook/events"] {
        let refused = ask(&format!("attacker.example:{port}"), path);
        assert!(refused.starts_with("HTTP/1.1 403"), "{path}: {refused}");
        assert!(!refused.contains("Secret"), "{refused}");
        assert!(refused.contains("--hostname"), "{refused}");
    }
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let answered = ask(&host, "/lesson.html");
        assert!(answered.starts_with("HTTP/1.1 200"), "{host}: {answered}");
    }
}

/// Files a page reads from elsewhere in the course (outside the sources, with no
/// `extra-watch-dirs`): an include, the quiz named by front matter, the glossary. Each edit
/// reaches the page; they were read at the first build and then never looked at again.
#[test]
fn files_read_from_outside_the_sources_are_watched() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(
        root,
        "book.toml",
        "[book]\ntitle = \"T\"\n[course]\nglossary = \"../terms/glossary.yaml\"\n",
    );
    write_file(
        root,
        "content/lesson.md",
        "---\nquiz: ../quizzes/q.yaml\n---\n# Lesson\n\nA weight.\n\n```rust\n{{#include ../listings/main.rs}}\n```\n",
    );
    write_file(root, "listings/main.rs", "fn first() {}\n");
    let quiz = |prompt: &str| {
        format!(
            "title: Q\nquestions:\n  - id: a\n    type: single\n    prompt: {prompt}\n    choices:\n      - text: Yes\n        correct: true\n      - text: No\n"
        )
    };
    write_file(root, "quizzes/q.yaml", &quiz("First prompt?"));
    let glossary = |definition: &str| format!("- term: weight\n  definition: {definition}\n");
    write_file(root, "terms/glossary.yaml", &glossary("First definition."));
    let port = free_port();
    let _server = start(root, port);
    let rx = events(port, "/");
    assert_eq!(next_event(&rx), "ok");
    let first = get(port, "/lesson.html").1;
    for text in ["first", "First prompt?", "First definition."] {
        assert!(
            first.contains(text),
            "{text:?} missing from the first build"
        );
    }
    write_file(root, "listings/main.rs", "fn second_version() {}\n");
    reloaded_with(&rx, port, "/lesson.html", "second_version");
    write_file(root, "quizzes/q.yaml", &quiz("Second prompt?"));
    reloaded_with(&rx, port, "/lesson.html", "Second prompt?");
    write_file(root, "terms/glossary.yaml", &glossary("Second definition."));
    reloaded_with(&rx, port, "/glossary.html", "Second definition.");
}

/// A draft's broken include fails `coursebook build`; serve, reusing the course's structure
/// when another lesson's text changes, must not drop it (refresh reads only published pages).
#[test]
fn a_draft_s_problem_stays_while_another_lesson_changes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "book.toml", "[book]\ntitle = \"T\"\n");
    write_file(
        root,
        "content/d.md",
        "---\ndraft: true\n---\n# d\n\n{{#include missing-d.md}}\n",
    );
    write_file(root, "content/e.md", "# e\n\nOne.\n");
    let port = free_port();
    let _server = start(root, port);
    let rx = stream(port, "/", |name, data| Some(format!("{name}: {data}")));
    let first = next_event(&rx);
    assert!(first.contains("missing-d.md"), "{first}");
    write_file(root, "content/e.md", "# e\n\nTwo.\n");
    let second = next_event(&rx);
    assert_eq!(second.matches("missing-d.md`").count(), 1, "{second}");
}
