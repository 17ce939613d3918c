/**
 * Serves the operator UI's built files from one directory, read-only: GET/HEAD only, no directory
 * listings, no dot-files, and no way out of the directory (`..` segments, encoded or not, and
 * symlinks pointing outside are refused with a 404).
 *
 * Caching: the build names every file under `/assets/` after a hash of its content, so those are
 * cached for a year as immutable; everything else (index.html above all, which names the current
 * assets) is revalidated on each use. HTML carries a Content-Security-Policy that allows scripts,
 * styles and connections from this origin only, and no inline script or style.
 */
import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; path: string; size: number; mtime: Date; contentType: string }
  | { kind: 'refused' }
  | { kind: 'missing' };

/**
 * Maps a raw URL path (still percent-encoded, as Koa's `ctx.path`) to a file under `root`.
 * `/` and directories map to their index.html.
 */
export async function lookupStatic(root: string, urlPath: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'refused' };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { kind: 'refused' };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return { kind: 'refused' };

  let rootReal: string;
  try {
    rootReal = await realpath(root);
  } catch {
    return { kind: 'missing' };
  }
  let candidate = join(rootReal, ...segments);
  let info = await statOrUndefined(candidate);
  if (info?.isDirectory()) {
    candidate = join(candidate, 'index.html');
    info = await statOrUndefined(candidate);
  }
  if (!info || !info.isFile()) return { kind: 'missing' };
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { kind: 'missing' };
  }
  if (!real.startsWith(rootReal + sep)) return { kind: 'refused' };
  return { kind: 'file', path: real, size: info.size, mtime: info.mtime, contentType: contentTypeFor(real) };
}

export const ASSET_PREFIX = '/assets/';
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
export const REVALIDATE_CACHE = 'no-cache';
export const UI_CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/** The response headers a static file gets besides its type and length. */
export function staticHeaders(urlPath: string, contentType: string): Record<string, string> {
  const headers: Record<string, string> = {
    'Cache-Control': urlPath.startsWith(ASSET_PREFIX) ? IMMUTABLE_CACHE : REVALIDATE_CACHE,
  };
  if (contentType.startsWith('text/html')) headers['Content-Security-Policy'] = UI_CONTENT_SECURITY_POLICY;
  return headers;
}

export type ContentCoding = 'br' | 'gzip';

/**
 * The coding to send for an `Accept-Encoding` header (RFC 9110 §12.5.3): brotli before gzip when both
 * are acceptable; a coding with q=0 is refused, `*` stands for codings not named. Null: identity.
 */
export function pickCoding(acceptEncoding: string | undefined): ContentCoding | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) weight = Number(m[1]);
    }
    q.set(name.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (c: string) => q.get(c) ?? (c === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0;
  const br = weightOf('br');
  const gzip = weightOf('gzip');
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return null;
}

const CODING_SUFFIX: Readonly<Record<ContentCoding, string>> = { br: '.br', gzip: '.gz' };

/** The build's precompressed copy of a found file for `coding`, when there is one (scripts/build-web.mjs). */
export async function compressedVariant(path: string, coding: ContentCoding | null): Promise<{ path: string; size: number } | null> {
  if (coding === null) return null;
  const variant = `${path}${CODING_SUFFIX[coding]}`;
  const info = await statOrUndefined(variant);
  return info?.isFile() ? { path: variant, size: info.size } : null;
}

/** Opens a file found by `lookupStatic` for streaming. */
export function openStatic(path: string): NodeJS.ReadableStream {
  return createReadStream(path);
}

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await stat(p);
  } catch {
    return undefined;
  }
}
