//! The dev server's HTTP side: files of the built site under its `site-url` path, exactly as
//! production serves them, plus the live-reload endpoints. Paths are decoded, normalized and
//! confined to the site folder (symlinks that point out are refused), so `/../`, encoded
//! variants and links out of the site all get the 404 page.

use super::reload::{Hub, SCRIPT};
use std::fs;
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The most a request's line and headers may take: browsers send a few KB; more is refused
/// (431) rather than kept in memory.
pub const MAX_HEAD: usize = 16 * 1024;
/// How long a client has to send a request's whole head: an idle or trickling connection
/// (slowloris) is closed then. Only the reading of requests is timed: an event stream, once
/// answered, is written to for as long as its page stays open.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections being read or answered at once, each on its own thread; more are answered 503
/// and closed at once, so many idle connections cannot exhaust threads or memory. Open event
/// streams are not counted here: they hold no thread (the hub bounds them itself). A browser
/// opens six at most. Each thread costs about 28 MB of address space (mimalloc's segment for
/// its heap, and its stack), little of it resident: at 128, about 90 idle connections aborted
/// serve under a 4 GB address-space limit (`ulimit -v`: glibc could not register a thread's
/// TLS destructor); at 64 with small stacks, 200 are answered 503 beyond the 64th.
pub const MAX_CONNECTIONS: usize = 64;
/// A connection's thread reads a head and streams a file: no recursion, little stack (Rust's
/// default is 2 MB).
const CONNECTION_STACK: usize = 256 * 1024;
/// A client that does not read what it is sent is dropped after this long.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// One request's head, read by `read_head`, and its connection.
pub struct Request {
    head_only: bool,
    url: String,
    /// The `Host` header's value, if there was one.
    host: Option<String>,
    stream: TcpStream,
}

impl Request {
    fn url(&self) -> &str {
        &self.url
    }

    fn into_writer(self) -> Box<dyn Write + Send> {
        Box::new(self.stream)
    }

    /// The connection as a live-reload event stream, written without waiting (`reload::Hub`
    /// keeps what a page has not taken yet): one page that stops reading must not hold up
    /// the news to every other. If the socket cannot be made so, its write timeout still ends
    /// a wait.
    fn into_event_stream(self) -> Box<dyn Write + Send> {
        let _ = self.stream.set_nonblocking(true);
        Box::new(self.stream)
    }
}

/// Accept connections until the listener fails, each read and answered on a thread of its own,
/// at most `MAX_CONNECTIONS` at once.
pub fn serve(listener: &TcpListener, site: &Arc<Site>, hub: &Arc<Hub>) {
    let busy = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        if busy.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            busy.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.write_all(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            continue;
        }
        let guard = Busy(Arc::clone(&busy));
        let (site, hub) = (Arc::clone(site), Arc::clone(hub));
        let spawned = std::thread::Builder::new()
            .stack_size(CONNECTION_STACK)
            .spawn(move || {
                let _guard = guard;
                if let Some(request) = read_head(stream) {
                    if host_allowed(request.host.as_deref(), &site.hostname) {
                        handle(request, &site, &hub);
                    } else {
                        let why = "coursebook serve answers requests for localhost, an address by number, or the name given with --hostname\n";
                        send(request, 403, why.as_bytes().to_vec(), "text/plain; charset=utf-8");
                    }
                }
            });
        // A thread that cannot start drops its connection (and its guard) with the closure.
        drop(spawned);
    }
}

/// One connection being read or answered; counted down when its thread ends.
struct Busy(Arc<AtomicUsize>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Read a request's head within `HEAD_TIMEOUT` and `MAX_HEAD` bytes. A head too large gets 431,
/// one that is not HTTP 400, a method other than GET or HEAD 405; each closes the connection.
fn read_head(mut stream: TcpStream) -> Option<Request> {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let end = loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return None;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&chunk[..n]);
        if let Some(i) = head[from..].windows(4).position(|w| w == b"\r\n\r\n") {
            break from + i;
        }
        if head.len() > MAX_HEAD {
            refuse(stream, "431 Request Header Fields Too Large");
            return None;
        }
    };
    if end > MAX_HEAD {
        refuse(stream, "431 Request Header Fields Too Large");
        return None;
    }
    let line = head[..end]
        .split(|&b| b == b'\r')
        .next()
        .unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split(' ');
    let (Some(method), Some(url), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        refuse(stream, "400 Bad Request");
        return None;
    };
    if !version.starts_with("HTTP/1.") || !url.starts_with('/') {
        refuse(stream, "400 Bad Request");
        return None;
    }
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        _ => {
            refuse(stream, "405 Method Not Allowed");
            return None;
        }
    };
    // The Host header, for `host_allowed`.
    let host = String::from_utf8_lossy(&head[..end])
        .split("\r\n")
        .skip(1)
        .find_map(|h| {
            let (name, value) = h.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("host")
                .then(|| value.trim().to_string())
        });
    Some(Request {
        head_only,
        url: url.to_string(),
        host,
        stream,
    })
}

/// Whether a request naming `host` (its Host header) is answered: an address by number,
/// `localhost` (or a name under it), or the `--hostname` serve was given. Any other name is a
/// web page the learner or author visits, pointing its own name at this machine (DNS
/// rebinding) to read the unpublished course and the build's messages through the browser.
/// No Host (HTTP/1.0, not a browser) is answered.
fn host_allowed(host: Option<&str>, hostname: &str) -> bool {
    let Some(host) = host else { return true };
    let host = host.to_ascii_lowercase();
    // Without the port: `[::1]:3000`, `127.0.0.1:3000`, `localhost`.
    let name = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((v6, _)) => return v6.parse::<std::net::Ipv6Addr>().is_ok(),
            None => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            Some(_) => return false,
            None => host.as_str(),
        },
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    name.parse::<std::net::Ipv4Addr>().is_ok()
        || name == "localhost"
        || name.ends_with(".localhost")
        || name == hostname.to_ascii_lowercase().trim_end_matches('.')
}

fn refuse(mut stream: TcpStream, status: &str) {
    let _ = stream.write_all(
        format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    // Closing with unread bytes would reset the connection, and the client could lose the
    // answer: read on a little (bounded in bytes and time) after saying we are done.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut sink = [0u8; 4096];
    for _ in 0..64 {
        if !matches!(stream.read(&mut sink), Ok(n) if n > 0) {
            break;
        }
    }
}

pub struct Site {
    /// The built site on disk.
    pub dir: PathBuf,
    /// The `--hostname` serve listens on, a name requests may use besides addresses by number
    /// and `localhost` ([`host_allowed`]).
    pub hostname: String,
    /// Always starts and ends with `/`.
    pub prefix: String,
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a request path names.
#[derive(Debug, PartialEq)]
pub enum Target {
    File(PathBuf),
    Redirect(String),
    Script,
    Events,
    NotFound,
}

/// Resolve a request path (with its query) against the site. Pure, for tests.
pub fn resolve(site: &Site, url: &str) -> Target {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some(decoded) = percent_decode(path) else {
        return Target::NotFound;
    };
    if decoded.contains('\0') || decoded.contains('\\') {
        return Target::NotFound;
    }
    if site.prefix != "/" && (decoded == "/" || decoded == site.prefix.trim_end_matches('/')) {
        return Target::Redirect(site.prefix.clone());
    }
    let Some(rest) = decoded.strip_prefix(&site.prefix) else {
        return Target::NotFound;
    };
    match rest {
        "__coursebook/livereload.js" => return Target::Script,
        "__coursebook/events" => return Target::Events,
        _ => {}
    }
    let rel = Path::new(rest);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Target::NotFound;
    }
    let mut file = site.dir.join(rel);
    if file.is_dir() {
        if !rest.is_empty() && !rest.ends_with('/') {
            // `rest` is decoded, and a course may name a folder `x\r\nSet-Cookie: …`: written
            // into `Location` as is, that split the answer's head into headers of the course's
            // choosing. Encoded again, it is one header whatever the name holds.
            let rest = crate::markdown::links::encode_path(rest);
            return Target::Redirect(format!("{}{rest}/", site.prefix));
        }
        file = file.join("index.html");
    }
    // Symlinks inside the site may not lead outside it.
    match (fs::canonicalize(&file), fs::canonicalize(&site.dir)) {
        (Ok(real), Ok(root)) if real.starts_with(&root) && real.is_file() => Target::File(file),
        _ => Target::NotFound,
    }
}

/// The live-reload script for an HTML page read after `written` rebuild stages had written
/// their files: the page's event stream says so, and is told to reload at once if a stage has
/// written since (a page that was reloading when that stage's news went out would otherwise
/// keep the older file: print.html, written after the other pages).
fn script_tag(prefix: &str, written: u64) -> String {
    format!("<script src=\"{prefix}__coursebook/livereload.js?since={written}\"></script>")
}

/// How much of a page's end is searched for its `</body>`: a page ends with `</body></html>`,
/// and reading the whole page to find it held each answer in memory (16 slow readers of a
/// 40 MB print.html took 1.9 GB).
const TAIL: u64 = 64 * 1024;

/// Where the script goes in a page whose last `tail.len()` bytes are `tail`: before its last
/// `</body>`, as an offset into `tail`; `None` (at the end) when the tail has none.
fn body_end(tail: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(tail, b"</body>")
}

/// Answer with a complete response and close the connection. A dev server gains nothing from
/// keep-alive, and closing after each answer means no request can wait behind another on a
/// connection the browser chose to reuse.
fn send(request: Request, status: u16, body: Vec<u8>, content_type: &str) {
    let reason = match status {
        200 => "OK",
        302 => "Found",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // HEAD asks for the head alone (its Content-Length still that of the body).
    let body: &[u8] = if request.head_only { &[] } else { &body };
    write_raw(request, head, body);
}

/// A file that is not a page, copied from disk to the client (HEAD: its head alone).
fn send_file(request: Request, path: &Path, site: &Site, hub: &Hub) {
    let Ok(mut file) = fs::File::open(path) else {
        return not_found(request, site, hub);
    };
    let len = file.metadata().map_or(0, |m| m.len());
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {len}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        mime(path)
    );
    let head_only = request.head_only;
    let mut out = request.into_writer();
    let _ = out
        .write_all(head.as_bytes())
        .and_then(|()| {
            // At most what the head announced, should a rebuild change the file meanwhile.
            if head_only {
                Ok(0)
            } else {
                std::io::copy(&mut (&mut file).take(len), &mut out)
            }
        })
        .and_then(|_| out.flush());
}

/// An HTML page (`status` 200, or 404 for the 404 page), streamed from disk like any other
/// file, with the live-reload script put before its `</body>` on the way.
fn send_page(
    request: Request,
    status: u16,
    path: &Path,
    site: &Site,
    hub: &Hub,
) -> Result<(), Request> {
    // Counted before the file is read: a stage that writes in between makes the page reload
    // once more, never once less.
    let page = path.strip_prefix(&site.dir).unwrap_or(path);
    let written = hub.written(&page.to_string_lossy());
    let Ok(mut file) = fs::File::open(path) else {
        return Err(request);
    };
    let len = file.metadata().map_or(0, |m| m.len());
    let tag = script_tag(&site.prefix, written);
    let from = len.saturating_sub(TAIL);
    let mut tail = Vec::new();
    let read = file
        .seek(SeekFrom::Start(from))
        .and_then(|_| (&mut file).take(len - from).read_to_end(&mut tail))
        .and_then(|_| file.seek(SeekFrom::Start(0)));
    if read.is_err() {
        return Err(request);
    }
    let len = from + tail.len() as u64;
    let at = body_end(&tail).map_or(len, |i| from + i as u64);
    let reason = if status == 404 { "Not Found" } else { "OK" };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        len + tag.len() as u64
    );
    let head_only = request.head_only;
    let mut out = request.into_writer();
    let _ = out
        .write_all(head.as_bytes())
        .and_then(|()| {
            if head_only {
                return Ok(());
            }
            // At most what the head announced, should a rebuild change the file meanwhile.
            std::io::copy(&mut (&mut file).take(at), &mut out)?;
            out.write_all(tag.as_bytes())?;
            std::io::copy(&mut (&mut file).take(len - at), &mut out).map(|_| ())
        })
        .and_then(|()| out.flush());
    Ok(())
}

fn write_raw(request: Request, head: String, body: &[u8]) {
    let mut out = request.into_writer();
    let _ = out
        .write_all(head.as_bytes())
        .and_then(|()| out.write_all(body))
        .and_then(|()| out.flush());
}

fn redirect(request: Request, to: &str) {
    let head = format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
    );
    write_raw(request, head, &[]);
}

pub fn handle(request: Request, site: &Site, hub: &Hub) {
    match resolve(site, request.url()) {
        Target::Events => {
            let (since, page) = since(request.url());
            hub.stream(request.into_event_stream(), since, &page);
        }
        Target::Script => send(
            request,
            200,
            SCRIPT.as_bytes().to_vec(),
            "text/javascript; charset=utf-8",
        ),
        Target::Redirect(to) => redirect(request, &to),
        // Any other file is sent from disk as it is read: `fs::read` held each answer whole,
        // so 16 clients asking for a course's 200 MB asset took 2.2 GB, and 128 (the
        // connection limit) could exhaust memory.
        Target::File(path) if !mime(&path).starts_with("text/html") => {
            send_file(request, &path, site, hub);
        }
        Target::File(path) => {
            if let Err(request) = send_page(request, 200, &path, site, hub) {
                not_found(request, site, hub);
            }
        }
        Target::NotFound => not_found(request, site, hub),
    }
}

/// An event stream's `since` and `page`: how many rebuild stages had written its page when it
/// was read, and the page's address under the site's root.
fn since(url: &str) -> (Option<u64>, String) {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let value = |key: &str| query.split('&').find_map(|pair| pair.strip_prefix(key));
    let since = value("since=").and_then(|n| n.parse().ok());
    let page = value("page=").and_then(percent_decode).unwrap_or_default();
    (since, page)
}

fn not_found(request: Request, site: &Site, hub: &Hub) {
    if let Err(request) = send_page(request, 404, &site.dir.join("404.html"), site, hub) {
        send(
            request,
            404,
            b"<!DOCTYPE html><title>Not found</title><p>Not found</p>".to_vec(),
            "text/html; charset=utf-8",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_and_its_event_stream_carry_the_stages_written() {
        assert_eq!(
            script_tag("/academy/", 7),
            "<script src=\"/academy/__coursebook/livereload.js?since=7\"></script>"
        );
        assert_eq!(body_end(b"<p>x</p></body></html>\n"), Some(8));
        assert_eq!(body_end(b"<p></body>x</body>"), Some(11));
        assert_eq!(body_end(b"<p>x</p>"), None);
        assert_eq!(
            since("/academy/__coursebook/events?since=7&page=print.html"),
            (Some(7), "print.html".to_string())
        );
        assert_eq!(
            since("/academy/__coursebook/events?since=7&page=part%2Fa.html"),
            (Some(7), "part/a.html".to_string())
        );
        assert_eq!(since("/academy/__coursebook/events"), (None, String::new()));
        assert_eq!(since("/academy/__coursebook/events?since=x").0, None);
        assert_eq!(
            resolve(
                &Site {
                    dir: PathBuf::from("/nonexistent"),
                    hostname: "127.0.0.1".into(),
                    prefix: "/academy/".into()
                },
                "/academy/__coursebook/events?since=7"
            ),
            Target::Events
        );
    }

    #[test]
    fn a_folder_name_cannot_add_headers_to_a_redirect() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let _ = fs::create_dir_all(dir.path().join("x\r\nSet-Cookie: a=b"));
        let _ = fs::create_dir_all(dir.path().join("sp ace"));
        let site = Site {
            dir: dir.path().to_path_buf(),
            hostname: "127.0.0.1".into(),
            prefix: "/academy/".into(),
        };
        assert_eq!(
            resolve(&site, "/academy/x%0D%0ASet-Cookie:%20a=b"),
            Target::Redirect("/academy/x%EF%BF%BD%EF%BF%BDSet-Cookie%3A%20a=b/".into())
        );
        assert_eq!(
            resolve(&site, "/academy/sp%20ace"),
            Target::Redirect("/academy/sp%20ace/".into())
        );
    }

    #[test]
    fn traversal_and_prefixes() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let _ = fs::create_dir_all(dir.path().join("a"));
        let _ = fs::write(dir.path().join("a/index.html"), "x");
        let _ = fs::write(dir.path().join("page.html"), "x");
        let site = Site {
            dir: dir.path().to_path_buf(),
            hostname: "127.0.0.1".into(),
            prefix: "/academy/".into(),
        };
        assert_eq!(
            resolve(&site, "/academy/page.html"),
            Target::File(dir.path().join("page.html"))
        );
        assert_eq!(
            resolve(&site, "/academy/a"),
            Target::Redirect("/academy/a/".into())
        );
        assert_eq!(
            resolve(&site, "/academy/a/"),
            Target::File(dir.path().join("a/index.html"))
        );
        assert_eq!(resolve(&site, "/"), Target::Redirect("/academy/".into()));
        assert_eq!(resolve(&site, "/page.html"), Target::NotFound);
        for bad in [
            "/academy/../page.html",
            "/academy/%2e%2e/x",
            "/academy/..%2fx",
            "/academy/a%00",
            "/academy/%zz",
            "/academy/a\\..\\x",
        ] {
            assert_eq!(resolve(&site, bad), Target::NotFound, "{bad}");
        }
    }

    #[test]
    fn hosts_by_number_localhost_and_the_hostname_given_are_answered() {
        for host in [
            None,
            Some("127.0.0.1:3000"),
            Some("192.168.1.20:3000"),
            Some("[::1]:3000"),
            Some("[fe80::1]"),
            Some("localhost:3000"),
            Some("LOCALHOST"),
            Some("localhost."),
            Some("app.localhost:8080"),
            Some("devbox:3000"),
        ] {
            assert!(host_allowed(host, "devbox"), "{host:?}");
        }
        for host in [
            "attacker.example:3000",
            "attacker.example",
            "localhost.attacker.example",
            "127.0.0.1.attacker.example:3000",
            "[::1",
            "localhost:abc",
            "",
        ] {
            assert!(!host_allowed(Some(host), "127.0.0.1"), "{host}");
        }
    }
}
