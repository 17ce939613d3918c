/**
 * Reads a request body as JSON: Content-Type must be JSON (415 otherwise), the body must fit in
 * `limit` bytes (413), be UTF-8 (RFC 8259 §8.1) and parse (400 "invalid JSON body: ...").
 * Stands in for a body-parser package so the limit and the messages are ours.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

export const DEFAULT_BODY_LIMIT = 64 * 1024;

const JSON_TYPE = /^application\/(?:json|[a-z0-9!#$&^_.+-]+\+json)$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export interface BodyRequest {
  /** Media type without parameters, lower case ('' when absent): Koa's `ctx.request.type`. */
  type: string;
  /** Charset parameter ('' when absent): Koa's `ctx.request.charset`. */
  charset: string;
  req: IncomingMessage;
}

/** True for `application/json` and `application/*+json` (media type without parameters, lower case). */
export function isJsonMediaType(type: string): boolean {
  return JSON_TYPE.test(type);
}

/** 415 unless the media type (without parameters, lower case; '' when absent) is JSON. */
export function requireJsonType(type: string): void {
  if (!isJsonMediaType(type)) {
    throw new ApiError(415, `expected Content-Type: application/json, got ${type === '' ? 'none' : JSON.stringify(type)}`);
  }
}

export async function readJsonBody(r: BodyRequest, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  requireJsonType(r.type);
  if (r.charset !== '' && !/^utf-?8$/i.test(r.charset)) {
    throw new ApiError(415, `expected a UTF-8 body, got charset ${JSON.stringify(r.charset)}`);
  }
  const encoding = r.req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new ApiError(415, `compressed request bodies are not accepted (Content-Encoding: ${encoding})`);
  }
  const declared = r.req.headers['content-length'];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit) {
    discard(r.req);
    throw tooLarge(limit, Number(declared));
  }
  const raw = await collect(r.req, limit);
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    throw new ApiError(400, 'invalid JSON body: not valid UTF-8');
  }
  if (text.trim() === '') throw new ApiError(400, 'invalid JSON body: empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(400, `invalid JSON body: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function tooLarge(limit: number, size?: number): ApiError {
  const got = size === undefined ? `more than ${limit} bytes` : `${size} bytes`;
  return new ApiError(413, `request body too large: ${got}, limit ${limit} bytes`);
}

/** Lets the rest of an unwanted body flow past so the response can still be sent. */
function discard(req: IncomingMessage): void {
  req.on('error', () => undefined);
  req.resume();
}

function collect(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err: ApiError | undefined): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      req.off('close', onClose);
      if (err) {
        discard(req);
        reject(err);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) finish(tooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish(undefined);
    const onError = (): void => finish(new ApiError(400, 'request body was not received completely'));
    const onAborted = onError;
    const onClose = (): void => {
      if (!req.complete) onError();
    };
    if (req.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    req.on('close', onClose);
  });
}

/** What route handlers get from Koa's context for a body: the request and its parsed media type. */
export interface BodyContext {
  get(field: string): string;
  request: { type: string; charset: string };
  req: IncomingMessage;
}

/**
 * The request's JSON object body (400 when it is JSON but not an object). With `emptyIsObject`, a
 * request without a body (no Content-Length or 0, and no Transfer-Encoding) stands for `{}`.
 */
export async function readObjectBody(ctx: BodyContext, limit: number, opts: { emptyIsObject?: boolean } = {}): Promise<Record<string, unknown>> {
  if (opts.emptyIsObject) {
    const len = ctx.get('content-length');
    if ((len === '' || len === '0') && ctx.get('transfer-encoding') === '') return {};
  }
  const b = await readJsonBody({ type: ctx.request.type, charset: ctx.request.charset, req: ctx.req }, limit);
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new ApiError(400, 'expected a JSON object');
  return b as Record<string, unknown>;
}
