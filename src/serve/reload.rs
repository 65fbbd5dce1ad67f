//! Live reload: open pages keep a Server-Sent Events connection; after each rebuild every page
//! gets `reload` (the build succeeded) or `problems` (it failed: the overlay shows the errors
//! while the last good site stays served).

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The script injected into served pages (a file, not inline, so CSP `script-src 'self'` holds).
pub const SCRIPT: &str = r#"// coursebook serve: reload on rebuild, show build problems in an overlay.
(function liveReload() {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  if (!here || !window.EventSource) { return; }
  // This page's address under the site's root, as the rebuild names pages.
  var page = window.location.href.split(/[?#]/)[0].slice(here.replace(/livereload\.js.*$/, "").length) || "index.html";
  // `since`: how many rebuild stages had written this page when it was read (the server's count).
  var since = (here.match(/[?&]since=(\d+)/) || [])[1];
  var source = new EventSource(here.replace(/livereload\.js.*$/, "events") +
    (since ? "?since=" + since + "&page=" + encodeURIComponent(page) : ""));
  function overlay(text) {
    var box = document.getElementById("coursebook-problems");
    if (!text) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "coursebook-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:50vh;overflow:auto;z-index:99999;" +
        "background:#2b0d0d;color:#ffe9e9;border:2px solid #ff8a80;border-radius:8px;padding:1rem;" +
        "font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap;box-shadow:0 8px 30px rgba(0,0,0,.4)";
      document.body.appendChild(box);
    }
    box.textContent = "coursebook: the last build failed; showing the previous site.\n\n" + text;
  }
  // One reload, however many rebuilds finish before the new page arrives: a second
  // location.reload() would abort the first navigation (two saves in quick succession).
  var reloading = false;
  source.addEventListener("reload", function (e) {
    // "but P": every page but P, which is made later (print.html); "only P": P alone.
    var rule = (e.data || "").split(" ");
    if ((rule[0] === "but" && rule[1] === page) || (rule[0] === "only" && rule[1] !== page)) { return; }
    if (reloading) { return; }
    reloading = true;
    source.close();
    window.location.reload();
  });
  source.addEventListener("problems", function (e) { overlay(e.data); });
  source.addEventListener("ok", function () { overlay(""); });
})();
"#;

/// Open pages that get live reload; more get a 503 (their page works, without reloading).
/// They hold a socket each and no thread.
const MAX_PAGES: usize = 256;

/// The state of the last build, and the pages listening for the next one: their open
/// connections, written to by whoever has news (a rebuild, the pinger). No thread per page, so
/// hundreds of open tabs cost hundreds of sockets, not hundreds of threads.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Box<dyn Write + Send>>>,
    problems: Mutex<Option<String>>,
    /// How many rebuild stages have written the pages other than the one made last
    /// (print.html, `Pages::Only`'s), and how many have written that one.
    written: AtomicU64,
    written_last: AtomicU64,
}

/// Which open pages a successful rebuild reloads (by their address under the site's root).
pub enum Pages {
    All,
    AllBut(&'static str),
    Only(&'static str),
}

fn event(name: &str, data: &str) -> String {
    let mut out = format!("event: {name}\n");
    for line in data.lines() {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    if data.is_empty() {
        out.push_str("data: \n");
    }
    out.push('\n');
    out
}

impl Hub {
    /// A rebuild succeeded so far (`Ok`: which pages may reload) or failed (`Err`: the
    /// problems as text).
    pub fn tell(&self, news: Result<Pages, String>) {
        let message = match &news {
            Ok(Pages::All) => event("reload", ""),
            Ok(Pages::AllBut(page)) => event("reload", &format!("but {page}")),
            Ok(Pages::Only(page)) => event("reload", &format!("only {page}")),
            Err(text) => event("problems", text),
        };
        let (others, last) = match &news {
            Ok(Pages::All) => (true, true),
            Ok(Pages::AllBut(_)) => (true, false),
            Ok(Pages::Only(_)) => (false, true),
            Err(_) => (false, false),
        };
        if others {
            self.written.fetch_add(1, Ordering::SeqCst);
        }
        if last {
            self.written_last.fetch_add(1, Ordering::SeqCst);
        }
        let problems = news.err();
        if let Ok(mut p) = self.problems.lock() {
            *p = problems;
        }
        self.send_all(&message);
    }

    /// How many rebuild stages have written `page` (its address under the site's root) so far.
    pub fn written(&self, page: &str) -> u64 {
        if page == crate::site::PRINT_URL {
            self.written_last.load(Ordering::SeqCst)
        } else {
            self.written.load(Ordering::SeqCst)
        }
    }

    /// Write `message` to every open page, forgetting the ones that went away.
    fn send_all(&self, message: &str) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain_mut(|out| {
                out.write_all(message.as_bytes())
                    .and_then(|()| out.flush())
                    .is_ok()
            });
        }
    }

    /// Start one page's event stream: the head and the last build's state now, the rest as
    /// builds finish. `since`: how many stages had written `page` when it was read; if more
    /// have since, the page missed a reload (it was itself reloading then) and gets one now.
    pub fn stream(&self, mut out: Box<dyn Write + Send>, since: Option<u64>, page: &str) {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
        // The first event is chosen and the page listed under one lock: `tell` counts a stage
        // and sets the problems before it takes this lock to send, so a page either reads the
        // new state here or is listed before the news goes out.
        let Ok(mut clients) = self.clients.lock() else {
            return;
        };
        let first = match self.problems.lock().ok().and_then(|p| p.clone()) {
            Some(text) => event("problems", &text),
            None if since.is_some_and(|s| s < self.written(page)) => event("reload", ""),
            None => event("ok", ""),
        };
        if clients.len() >= MAX_PAGES {
            let _ = out.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        }
        if out
            .write_all(head.as_bytes())
            .and_then(|()| out.write_all(first.as_bytes()))
            .and_then(|()| out.flush())
            .is_ok()
        {
            clients.push(out);
        }
    }

    /// Every 15 s a comment line to every page: notices closed ones and keeps proxies from
    /// timing out. Runs until the process ends.
    pub fn ping_forever(&self) {
        loop {
            std::thread::sleep(Duration::from_secs(15));
            self.send_all(": ping\n\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// An event stream's bytes, kept where the test can read them.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut b) = self.0.lock() {
                b.extend_from_slice(buf);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Sink {
        fn text(&self) -> String {
            self.0
                .lock()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        }
    }

    #[test]
    fn a_page_read_before_the_last_write_is_reloaded_when_it_connects() {
        let hub = Hub::default();
        hub.tell(Ok(Pages::AllBut("print.html")));
        hub.tell(Ok(Pages::Only("print.html")));
        assert_eq!((hub.written("a.html"), hub.written("print.html")), (1, 1));
        // print.html read before its stage, connected after: it missed "only print.html".
        let late = Sink::default();
        hub.stream(Box::new(late.clone()), Some(0), "print.html");
        assert!(
            late.text().ends_with("event: reload\ndata: \n\n"),
            "{}",
            late.text()
        );
        // A lesson read after the pages' stage: print.html's stage is not its news.
        let current = Sink::default();
        hub.stream(Box::new(current.clone()), Some(1), "a.html");
        assert!(
            current.text().ends_with("event: ok\ndata: \n\n"),
            "{}",
            current.text()
        );
        // A failed build's problems come first whatever the page's age.
        hub.tell(Err("a.md:1:1: bad".into()));
        let failing = Sink::default();
        hub.stream(Box::new(failing.clone()), Some(0), "a.html");
        assert!(
            failing
                .text()
                .contains("event: problems\ndata: a.md:1:1: bad\n")
        );
        // A later stage reaches the pages listed.
        hub.tell(Ok(Pages::All));
        assert!(current.text().ends_with("event: reload\ndata: \n\n"));
    }
}
