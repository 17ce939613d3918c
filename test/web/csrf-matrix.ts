/**
 * The CSRF matrix: every state-changing route of a running web app (taken from the app's own route
 * list, so a route added later is covered without touching the test) against forged and genuine
 * requests. Requests go out through node:http so every header is exactly as written (fetch adds a
 * Content-Type to text bodies).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { MountedRoute } from '../../src/web/app.js';
import { isSafeMethod } from '../../src/web/csrf.js';

export interface RawResponse {
  status: number;
  error: string | undefined;
}

export function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // An explicit length: node would send a DELETE body unframed.
    const framed = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = request({ host: '127.0.0.1', port, path, method, headers: framed, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let error: string | undefined;
        try {
          error = (JSON.parse(text) as { error?: string }).error;
        } catch {
          error = undefined;
        }
        resolve({ status: res.statusCode ?? 0, error });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Values for path parameters that name nothing, so a request that gets through changes nothing. */
const PARAMS: Record<string, string> = { id: '999999', slot: 'A', iccid: '89860000000000000000' };

export function concretePath(path: string): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => PARAMS[name] ?? 'no-such-item');
}

export function stateChanging(routes: readonly MountedRoute[]): MountedRoute[] {
  return routes.filter((r) => !isSafeMethod(r.method));
}

/** The messages of the CSRF layer's refusals (a route's own 403 or 415 reads differently). */
const CSRF_REFUSAL = /^cross-site request refused|^missing or wrong X-CSRF-Token|\(state-changing requests take JSON bodies only\)$/;

export interface MatrixTarget {
  port: number;
  routes: readonly MountedRoute[];
  /** `Authorization` header of an account allowed on every route. */
  basic: string;
  /** A fresh session of that account: cookie pair and CSRF token. */
  login: () => Promise<{ cookie: string; csrfToken: string }>;
}

/** Runs the matrix; returns the routes it covered ("POST /api/..."). */
export async function runCsrfMatrix(t: MatrixTarget): Promise<string[]> {
  const own = `http://127.0.0.1:${t.port}`;
  const json = { 'content-type': 'application/json' };
  const covered: string[] = [];
  for (const route of stateChanging(t.routes)) {
    const name = `${route.method} ${route.path}`;
    const path = concretePath(route.path);
    const call = (headers: Record<string, string>, body?: string) => send(t.port, route.method, path, headers, body);
    const refused = (r: RawResponse, status: number, what: string) => {
      assert.equal(r.status, status, `${name}: ${what}: got ${r.status} ${r.error}`);
      assert.match(r.error ?? '', CSRF_REFUSAL, `${name}: ${what}: refused by the CSRF check`);
    };
    const notRefused = (r: RawResponse, what: string) => {
      assert.ok(!CSRF_REFUSAL.test(r.error ?? ''), `${name}: ${what}: not refused by the CSRF check, got ${r.status} ${r.error}`);
      assert.ok(r.status !== 401, `${name}: ${what}: authenticated, got ${r.status} ${r.error}`);
    };

    const session = await t.login();
    const withToken = { cookie: session.cookie, 'x-csrf-token': session.csrfToken };

    refused(await call({ authorization: t.basic, origin: 'https://evil.example', ...json }, '{}'), 403, 'foreign Origin with Basic');
    refused(await call({ ...withToken, origin: 'https://evil.example', ...json }, '{}'), 403, 'foreign Origin with the session cookie and token');
    refused(await call({ authorization: t.basic, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, 'a=b'), 403, 'cross-site form post with Basic');
    refused(await call({ cookie: session.cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, 'a=b'), 403, 'cross-site form post with the session cookie');
    refused(await call({ authorization: t.basic, origin: 'null', ...json }, '{}'), 403, 'Origin: null');
    refused(await call({ authorization: t.basic, origin: `${own}.evil.example`, ...json }, '{}'), 403, 'an origin that only starts like ours');
    refused(await call({ authorization: t.basic, referer: 'https://evil.example/page', ...json }, '{}'), 403, 'foreign Referer without Origin');
    refused(await call({ cookie: session.cookie, referer: 'https://evil.example/page', ...json }, '{}'), 403, 'foreign Referer with the session cookie');
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const body = type.startsWith('multipart') ? '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n' : 'a=b';
      refused(await call({ authorization: t.basic, origin: own, 'content-type': type }, body), 415, `${type} body from our own origin`);
      refused(await call({ ...withToken, origin: own, 'content-type': type }, body), 415, `${type} body with the session`);
    }
    refused(await call({ authorization: t.basic, origin: own }, '{}'), 415, 'a body without Content-Type');
    refused(await call({ cookie: session.cookie, origin: own, ...json }, '{}'), 403, 'session cookie without the CSRF token');
    refused(await call({ cookie: session.cookie, origin: own, 'x-csrf-token': 'A'.repeat(43), ...json }, '{}'), 403, 'session cookie with a wrong CSRF token');
    refused(await call({ cookie: session.cookie, ...json }, '{}'), 403, 'session cookie without the CSRF token nor Origin');

    notRefused(await call({ ...withToken, origin: own, ...json }, '{}'), 'session with its token from our own origin');
    notRefused(await call({ ...withToken, referer: `${own}/lines`, ...json }, '{}'), 'session with its token and our own Referer');
    notRefused(await call({ authorization: t.basic, ...json }, '{}'), 'Basic from a script (no Origin, no Referer)');
    notRefused(await call({ authorization: t.basic, origin: own, ...json }, '{}'), 'Basic from our own origin');
    notRefused(await call({ authorization: t.basic }), 'Basic, no body and no Content-Type');
    covered.push(name);
  }
  return covered;
}
