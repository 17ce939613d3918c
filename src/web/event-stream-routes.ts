/**
 * GET /api/events: the web UI's live updates as Server-Sent Events (text/event-stream). On connect:
 * `retry: 2000`, `event: hello` {user, role}, then for roles that may read lines `event: lines` (what
 * GET /api/lines returns); after that `line`, `call` and `sms` events from the LiveEventHub, filtered
 * by role, and a `: ping` comment every 15 s.
 *
 * The response is written directly (ctx.respond = false): Koa neither buffers nor ends it, and
 * `X-Accel-Buffering: no` asks a reverse proxy not to hold it back. When the client accepts brotli or
 * gzip the stream is compressed with a flush after every write (compression.ts), so events are not
 * held. Each stream has a bounded outbox (sse-outbox.ts): a client that stops reading is dropped. A stream ends when
 * the client goes, when its session is over (logout, idle expiry, account changed or removed:
 * checked on a timer and before each event), and when the daemon stops (closeAll).
 */
import type { Context } from 'koa';
import { EVENTS } from './access-policy.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-routes.js';
import { SESSION_COOKIE, type WebState } from './auth-gate.js';
import type { Authenticator, Principal, Role } from './authenticator.js';
import { readCookie } from './http-credentials.js';
import { mayReceive, type LiveEventHub } from './live-event-hub.js';
import { streamCompressor } from './compression.js';
import { pickCoding } from './static-files.js';
import { encodeSseComment, encodeSseJson, encodeSseRetry } from './sse-encoder.js';
import { DEFAULT_MAX_QUEUED_BYTES, SseOutbox } from './sse-outbox.js';
import type { SessionStore } from './sessions.js';


export interface EventStreamOptions {
  hub: LiveEventHub;
  sessions: Pick<SessionStore, 'peek'>;
  auth: Pick<Authenticator, 'role'>;
  /** Most open streams per user; the next gets 429 (default 32). */
  maxStreamsPerUser?: number;
  /** Time between `: ping` comments (default 15 s). */
  pingMs?: number;
  /** How often every stream's session is checked (default 2 s). */
  checkMs?: number;
  /** The client's reconnection delay sent at the start (default 2 s). */
  retryMs?: number;
  /** Bytes held for a client that does not read before it is dropped (default 256 KiB). */
  maxQueuedBytes?: number;
  now?: () => number;
}

interface OpenStream {
  principal: Principal;
  sessionToken: string | undefined;
  outbox: SseOutbox;
  lastPingAt: number;
  end(): void;
}

export interface EventStreams {
  routes: ApiRoute[];
  /** Open streams. */
  readonly size: number;
  /** Ends every stream of a user now (account changed or removed). */
  endUser(user: string): number;
  /** Ends every stream (daemon stop). */
  closeAll(): void;
}

export function eventStreams(o: EventStreamOptions): EventStreams {
  const maxPerUser = o.maxStreamsPerUser ?? 32;
  const pingMs = o.pingMs ?? 15_000;
  const checkMs = o.checkMs ?? 2_000;
  const now = o.now ?? Date.now;
  const open = new Set<OpenStream>();
  const perUser = new Map<string, number>();
  let ticker: NodeJS.Timeout | null = null;

  /** The stream's credentials still stand: same session alive, same role. */
  function stillValid(s: OpenStream): boolean {
    const { user, role, via } = s.principal;
    if (o.auth.role(user) !== role) return false;
    if (via === 'session') {
      const session = o.sessions.peek(s.sessionToken);
      return session !== undefined && session.user === user;
    }
    return true;
  }

  function tick(): void {
    const t = now();
    o.hub.syncLines();
    for (const s of [...open]) {
      if (!stillValid(s)) {
        s.end();
        continue;
      }
      if (t - s.lastPingAt >= pingMs) {
        s.lastPingAt = t;
        s.outbox.send(encodeSseComment('ping'));
      }
    }
  }

  function track(s: OpenStream): void {
    open.add(s);
    perUser.set(s.principal.user, (perUser.get(s.principal.user) ?? 0) + 1);
    if (ticker === null) {
      ticker = setInterval(tick, Math.min(checkMs, pingMs));
      ticker.unref();
    }
  }

  function untrack(s: OpenStream): void {
    if (!open.delete(s)) return;
    const n = (perUser.get(s.principal.user) ?? 1) - 1;
    if (n <= 0) perUser.delete(s.principal.user);
    else perUser.set(s.principal.user, n);
    if (open.size === 0 && ticker !== null) {
      clearInterval(ticker);
      ticker = null;
    }
  }

  function stream(ctx: Context): void {
    const principal = (ctx.state as WebState).principal;
    if (!principal) throw new ApiError(401, 'authentication required');
    if ((perUser.get(principal.user) ?? 0) >= maxPerUser) throw new ApiError(429, `at most ${maxPerUser} event streams per user`, { 'Retry-After': '5' });

    if (ctx.method === 'HEAD') {
      // HEAD gets the headers of a stream and no stream.
      ctx.type = 'text/event-stream';
      ctx.status = 200;
      return;
    }
    const { req, res } = ctx;
    ctx.status = 200;
    ctx.respond = false;
    const coding = pickCoding(ctx.get('accept-encoding'));
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      Vary: 'Accept-Encoding',
      ...(coding ? { 'Content-Encoding': coding } : {}),
    });
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    // Compressed, every write is flushed at once (compression.ts); the outbox then writes to the encoder.
    const encoder = coding ? streamCompressor(coding) : null;
    if (encoder) encoder.pipe(res);

    let unsubscribe: () => void = () => undefined;
    let ended = false;
    const s: OpenStream = {
      principal,
      sessionToken: readCookie(ctx.get('cookie') || undefined, SESSION_COOKIE),
      lastPingAt: now(),
      outbox: new SseOutbox(encoder ?? res, { maxQueuedBytes: o.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES, onOverflow: () => end() }),
      end: () => end(),
    };
    function end(): void {
      if (ended) return;
      ended = true;
      unsubscribe();
      untrack(s);
      s.outbox.close();
      res.off('close', end);
      res.off('error', end);
      if (encoder) {
        // Ending the encoder ends the response through the pipe; a gone client's response takes nothing more.
        if (res.destroyed || res.writableEnded) encoder.destroy();
        else encoder.end();
      } else if (!res.writableEnded) res.end();
    }
    // The response's 'close' marks the client gone (the request's own 'close' only means its body was read).
    res.on('close', end);
    res.on('error', end);
    encoder?.on('error', end);

    track(s);
    s.outbox.send(encodeSseRetry(o.retryMs ?? 2_000));
    s.outbox.send(encodeSseJson('hello', { user: principal.user, role: principal.role }));
    if (mayReceive(principal.role, 'lines')) s.outbox.send(encodeSseJson('lines', { lines: o.hub.snapshot() }));
    if (ended) return;
    unsubscribe = o.hub.subscribe({
      role: principal.role,
      send: (frame) => {
        if (!stillValid(s)) s.end();
        else s.outbox.send(frame);
      },
    });
  }

  return {
    routes: [{ method: 'GET', path: '/events', access: EVENTS, handler: stream }],
    get size() {
      return open.size;
    },
    endUser(user) {
      let n = 0;
      for (const s of [...open]) {
        if (s.principal.user === user) {
          s.end();
          n++;
        }
      }
      return n;
    },
    closeAll() {
      for (const s of [...open]) s.end();
      o.hub.close();
    },
  };
}
