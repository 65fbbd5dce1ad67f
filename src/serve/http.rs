//! The dev server's HTTP side: files of the built site under its `site-url` path, exactly as
//! production serves them, plus the live-reload endpoints. Paths are decoded, normalized and
//! confined to the site folder (symlinks that point out are refused), so `/../`, encoded
//! variants and links out of the site all get the 404 page.

use super::reload::{Hub, SCRIPT};
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use tiny_http::Request;

pub struct Site {
    /// The built site on disk.
    pub dir: PathBuf,
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

/// Add the live-reload script to an HTML page read after `written` rebuild stages had written
/// their files: the page's event stream says so, and is told to reload at once if a stage has
/// written since (a page that was reloading when that stage's news went out would otherwise
/// keep the older file: print.html, written after the other pages).
fn inject(html: Vec<u8>, prefix: &str, written: u64) -> Vec<u8> {
    let tag =
        format!("<script src=\"{prefix}__coursebook/livereload.js?since={written}\"></script>");
    let text = String::from_utf8_lossy(&html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// Answer with a complete response and close the connection. A dev server gains nothing from
/// keep-alive, and closing after each answer means no request can wait behind another on a
/// connection the browser chose to reuse.
fn send(request: Request, status: u16, body: Vec<u8>, content_type: &str) {
    let reason = match status {
        200 => "OK",
        302 => "Found",
        404 => "Not Found",
        _ => "",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // HEAD asks for the head alone (its Content-Length still that of the body).
    let body: &[u8] = if *request.method() == tiny_http::Method::Head {
        &[]
    } else {
        &body
    };
    write_raw(request, head, body);
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
            hub.stream(request.into_writer(), since, &page);
        }
        Target::Script => send(
            request,
            200,
            SCRIPT.as_bytes().to_vec(),
            "text/javascript; charset=utf-8",
        ),
        Target::Redirect(to) => redirect(request, &to),
        Target::File(path) => {
            // Counted before the file is read: a stage that writes in between makes the page
            // reload once more, never once less.
            let page = path.strip_prefix(&site.dir).unwrap_or(&path);
            let written = hub.written(&page.to_string_lossy());
            match fs::read(&path) {
                Ok(bytes) if mime(&path).starts_with("text/html") => send(
                    request,
                    200,
                    inject(bytes, &site.prefix, written),
                    mime(&path),
                ),
                Ok(bytes) => send(request, 200, bytes, mime(&path)),
                Err(_) => not_found(request, site, hub),
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
    let written = hub.written("404.html");
    let body = fs::read(site.dir.join("404.html")).map_or_else(
        |_| b"<!DOCTYPE html><title>Not found</title><p>Not found</p>".to_vec(),
        |b| inject(b, &site.prefix, written),
    );
    send(request, 404, body, "text/html; charset=utf-8");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_and_its_event_stream_carry_the_stages_written() {
        let page = inject(b"<p>x</p></body>".to_vec(), "/academy/", 7);
        assert_eq!(
            String::from_utf8_lossy(&page),
            "<p>x</p><script src=\"/academy/__coursebook/livereload.js?since=7\"></script></body>"
        );
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
                    prefix: "/academy/".into()
                },
                "/academy/__coursebook/events?since=7"
            ),
            Target::Events
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
}
