//! Live reload: open pages keep a Server-Sent Events connection; after each rebuild every page
//! gets `reload` (the build succeeded) or `problems` (it failed: the overlay shows the errors
//! while the last good site stays served).

use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

/// The script injected into served pages (a file, not inline, so CSP `script-src 'self'` holds).
pub const SCRIPT: &str = r#"// coursebook serve: reload on rebuild, show build problems in an overlay.
(function liveReload() {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  if (!here || !window.EventSource) { return; }
  var source = new EventSource(here.replace(/livereload\.js.*$/, "events"));
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
  // This page's address under the site's root, as the rebuild names pages.
  var page = window.location.href.split(/[?#]/)[0].slice(here.replace(/livereload\.js.*$/, "").length) || "index.html";
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
/// tiny_http keeps one thread per open connection, so this bounds the threads too.
const MAX_PAGES: usize = 256;

/// The state of the last build, and the pages listening for the next one: their open
/// connections, written to by whoever has news (a rebuild, the pinger). No thread per page, so
/// hundreds of open tabs cost hundreds of sockets, not hundreds of threads.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Box<dyn Write + Send>>>,
    problems: Mutex<Option<String>>,
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
        let problems = news.err();
        if let Ok(mut p) = self.problems.lock() {
            *p = problems;
        }
        self.send_all(&message);
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
    /// builds finish.
    pub fn stream(&self, mut out: Box<dyn Write + Send>) {
        let first = match self.problems.lock().ok().and_then(|p| p.clone()) {
            Some(text) => event("problems", &text),
            None => event("ok", ""),
        };
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
        // Under the lock, so no rebuild's news falls between the first event and the list.
        let Ok(mut clients) = self.clients.lock() else {
            return;
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
