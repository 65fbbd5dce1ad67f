// A tiny static file server for the browser tests.
//
// It serves one built site directory under a URL prefix (e.g. "/academy/", as GitHub Pages serves
// a project site), on 127.0.0.1 with a random free port. It behaves like the hosts sites are
// published on: correct MIME types, "dir/" -> "dir/index.html", "dir" -> 301 "dir/", and anything
// missing -> the site's own /404.html with status 404. It also sends
// `Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'`, so an inline script or an inline
// event handler in a built page shows up as a console error in the tests.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export const CSP = "script-src 'self' 'wasm-unsafe-eval'";

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.map': 'application/json',
};

/** The MIME type the server sends for a file name. */
export function mimeType(file) {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Map a request path (still percent-encoded, without query) to a file path inside `root`,
 * or return null when it is not a path this site can serve (outside the prefix, traversal,
 * NUL bytes, bad percent-encoding).
 */
export function resolveRequestPath(root, prefix, rawPath) {
  if (!rawPath.startsWith(prefix)) return null;
  let rel;
  try {
    rel = decodeURIComponent(rawPath.slice(prefix.length));
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  const segments = rel.split('/');
  if (segments.some((s) => s === '..')) return null;
  const normalized = path.posix.normalize('/' + rel);
  const file = path.join(root, normalized);
  const rootWithSep = root.endsWith(path.sep) ? root : root + path.sep;
  if (file !== root && !file.startsWith(rootWithSep)) return null;
  return file;
}

async function statOrNull(p) {
  try {
    return await stat(p);
  } catch {
    return null;
  }
}

/**
 * Serve `dir` under `prefix` (default "/"). Returns { url, origin, prefix, port, requests, close }.
 * `url` is the site root (origin + prefix); `requests` records [method, path, status] of every
 * request, for debugging a failing test.
 */
export async function serve(dir, { prefix = '/', headers = {} } = {}) {
  if (!prefix.startsWith('/')) prefix = '/' + prefix;
  if (!prefix.endsWith('/')) prefix += '/';
  const root = path.resolve(dir);
  const requests = [];

  const send = (req, res, status, body, type, extra = {}) => {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Length': body.length,
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      ...headers,
      ...extra,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    requests.push([req.method, req.url, status]);
  };

  const notFound = async (req, res) => {
    let body;
    try {
      body = await readFile(path.join(root, '404.html'));
    } catch {
      body = Buffer.from('<!doctype html><title>404</title><p>Not found (and no 404.html in the site)</p>');
    }
    send(req, res, 404, body, 'text/html; charset=utf-8');
  };

  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(req, res, 405, Buffer.from('method not allowed'), 'text/plain', { Allow: 'GET, HEAD' });
        return;
      }
      const rawPath = (req.url ?? '/').split(/[?#]/, 1)[0];
      // "/academy" without the slash: the host redirects to the prefix.
      if (rawPath + '/' === prefix) {
        send(req, res, 301, Buffer.alloc(0), 'text/plain', { Location: prefix });
        return;
      }
      let file = resolveRequestPath(root, prefix, rawPath);
      if (file === null) {
        if (rawPath.includes('..') || rawPath.includes('%')) {
          // Possibly a traversal attempt: never look anything up for it.
          send(req, res, 400, Buffer.from('bad request'), 'text/plain');
        } else {
          await notFound(req, res);
        }
        return;
      }
      let st = await statOrNull(file);
      if (st?.isDirectory()) {
        if (!rawPath.endsWith('/')) {
          const query = (req.url ?? '').slice(rawPath.length);
          send(req, res, 301, Buffer.alloc(0), 'text/plain', { Location: rawPath + '/' + query });
          return;
        }
        file = path.join(file, 'index.html');
        st = await statOrNull(file);
      }
      if (!st?.isFile()) {
        await notFound(req, res);
        return;
      }
      send(req, res, 200, await readFile(file), mimeType(file));
    } catch (err) {
      send(req, res, 500, Buffer.from(String(err?.stack ?? err)), 'text/plain');
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: origin + prefix,
    origin,
    prefix,
    port,
    root,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
