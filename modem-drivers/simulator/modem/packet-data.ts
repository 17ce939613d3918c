/**
 * The packet-data side of a simulated modem: PDP contexts (TS 27.007 §10.1.1 +CGDCONT, Quectel AT+QICSGP /
 * AT+QIACT), the state of the built-in HTTP client, and the one real network action of the simulator: an
 * HTTP GET to a LOOPBACK address only (127.0.0.0/8, ::1, localhost).
 *
 * The simulator must never reach other hosts: a URL naming any other host is refused before a socket is
 * opened, as the modem would report a name that does not resolve (a host name) or a server it cannot
 * connect to (an IP address). Event-driven: the only timer is the request's own timeout (an AbortSignal).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';

export interface PdpContext {
  /** "IP", "IPV6", "IPV4V6". */
  type: string;
  apn: string;
  active: boolean;
  /** Address given on activation. */
  ip: string | null;
}

/** Per power-on state; ModemCore makes a new one at every power-on, so a reboot forgets contexts and sessions. */
export class PacketData {
  readonly contexts = new Map<number, PdpContext>();
  /** Quectel AT+QHTTPCFG="contextid". */
  httpContextId = 1;
  /** URL set with AT+QHTTPURL (Quectel) or AT+HTTPPARA="URL" (SIMCom). */
  httpUrl: string | null = null;
  /** SIMCom AT+HTTPINIT done and not yet AT+HTTPTERM. */
  httpInit = false;
  /** A GET is running (the client is busy). */
  httpBusy = false;

  context(cid: number): PdpContext {
    let c = this.contexts.get(cid);
    if (!c) {
      c = { type: 'IP', apn: '', active: false, ip: null };
      this.contexts.set(cid, c);
    }
    return c;
  }
}

export type FetchFailure = 'dns' | 'connect' | 'timeout' | 'other';
export type FetchResult = { ok: true; status: number; bytes: number } | { ok: false; failure: FetchFailure; detail: string };

/** Where a URL may be fetched from: loopback only. Pure. */
export function loopbackPolicy(url: string): { ok: true; url: URL } | { ok: false; failure: 'dns' | 'connect'; detail: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, failure: 'dns', detail: 'not a URL' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, failure: 'connect', detail: `scheme ${u.protocol} not supported` };
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return { ok: true, url: u };
  const family = isIP(host);
  if (family === 4) {
    return host.startsWith('127.') ? { ok: true, url: u } : { ok: false, failure: 'connect', detail: `${host} is not a loopback address (the simulator reaches loopback only)` };
  }
  if (family === 6) {
    return host === '::1' ? { ok: true, url: u } : { ok: false, failure: 'connect', detail: `${host} is not a loopback address (the simulator reaches loopback only)` };
  }
  return { ok: false, failure: 'dns', detail: `${host} does not resolve on the simulated network (loopback only)` };
}

/**
 * GETs `url` (loopback only, see loopbackPolicy) and counts the body bytes. Never rejects. No connection
 * pooling: the socket closes with the response, so a test's server can close at once.
 */
export function loopbackGet(url: string, timeoutMs: number): Promise<FetchResult> {
  const policy = loopbackPolicy(url);
  if (!policy.ok) return Promise.resolve({ ok: false, failure: policy.failure, detail: policy.detail });
  const u = policy.url;
  return new Promise<FetchResult>((resolve) => {
    let settled = false;
    const finish = (r: FetchResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const signal = AbortSignal.timeout(Math.max(1, timeoutMs));
    const onResponse = (res: IncomingMessage) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('end', () => finish({ ok: true, status: res.statusCode ?? 0, bytes }));
      res.on('error', (err) => finish(failureOf(err, signal)));
    };
    try {
      const opts = { method: 'GET', agent: false as const, signal, headers: { 'user-agent': 'cellgate-simulated-modem', connection: 'close' } };
      const req = u.protocol === 'https:' ? httpsRequest(u, opts, onResponse) : httpRequest(u, opts, onResponse);
      req.on('error', (err) => finish(failureOf(err, signal)));
      req.end();
    } catch (err) {
      finish({ ok: false, failure: 'other', detail: err instanceof Error ? err.message : String(err) });
    }
  });
}

function failureOf(err: Error, signal: AbortSignal): FetchResult {
  const code = (err as NodeJS.ErrnoException).code;
  if (signal.aborted || err.name === 'AbortError' || err.name === 'TimeoutError') return { ok: false, failure: 'timeout', detail: 'no response in time' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { ok: false, failure: 'dns', detail: err.message };
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return { ok: false, failure: 'connect', detail: err.message };
  return { ok: false, failure: 'other', detail: err.message };
}
