/**
 * Compression of what the web app sends besides the UI's own files (those have brotli and gzip copies
 * made at build time, see static-files.ts).
 *
 * - API answers (JSON, CSV) go through koa-compress: brotli at quality 4 or gzip, chosen from
 *   `Accept-Encoding`, for bodies of 1 KiB and more. The status page's first load is mostly JSON
 *   (every line, every SIM), which shrinks about tenfold.
 * - The event stream cannot go through koa-compress: each event must leave at once, so its
 *   compressor flushes after every write (`streamCompressor`). The small window keeps a stream's
 *   compressor state near 64 KiB.
 *
 * BREACH (secrets guessed from compressed sizes) needs a secret and attacker-chosen text in one
 * compressed answer; the answers that carry the CSRF token are sent uncompressed (`ctx.compress = false`).
 */
import { constants, createBrotliCompress, createGzip } from 'node:zlib';
import type { Transform } from 'node:stream';
import type { Middleware } from 'koa';
import compress from 'koa-compress';
import type { ContentCoding } from './static-files.js';

/** Smallest body worth compressing: below it the headers and framing outweigh the saving. */
export const COMPRESS_THRESHOLD_BYTES = 1024;

/** Dynamic answers worth compressing; not the event stream (see streamCompressor). */
export function isCompressibleAnswer(type: string | undefined): boolean {
  return !!type && /^(application\/json|text\/csv|text\/plain)\b/i.test(type);
}

export function apiCompression(): Middleware {
  return compress({
    threshold: COMPRESS_THRESHOLD_BYTES,
    filter: isCompressibleAnswer,
    br: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
    gzip: { level: 6 },
    deflate: false,
  });
}

/**
 * A compressor for a long-lived stream of small messages: every write is flushed as it is, so the
 * reader can decode each event the moment it arrives.
 */
export function streamCompressor(coding: ContentCoding): Transform {
  if (coding === 'br') {
    return createBrotliCompress({
      flush: constants.BROTLI_OPERATION_FLUSH,
      params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_LGWIN]: 16 },
    });
  }
  return createGzip({ flush: constants.Z_SYNC_FLUSH, level: 6, windowBits: 13, memLevel: 6 });
}
