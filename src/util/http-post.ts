/**
 * One HTTP(S) POST over node:http / node:https, for the daemon's outgoing requests (webhook forwards).
 *
 * Not the global `fetch`: in Node 20 that is undici, whose HTTP parser is a WebAssembly module. Its
 * first use adds about 13 MB of native memory, and V8's optimising recompile of that module under
 * steady traffic roughly 18 MB more, outside the JS heap and never returned
 * (docs/decisions/0018-memory-budget.md). node:http parses with the llhttp already in the binary.
 *
 * Redirects are not followed; the caller sees the 3xx. The body of the answer is read up to `maxBody`
 * bytes (the rest is discarded), so a talkative server cannot make the daemon hold its answer.
 */
import http from 'node:http';
import https from 'node:https';

export interface PostAnswer {
  status: number;
  /** A response header (lower-case name), or null. */
  header(name: string): string | null;
  /** The first `maxBody` bytes of the answer, as UTF-8. */
  text: string;
}

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  /** Aborts the request; its reason is the error the promise rejects with. */
  signal?: AbortSignal;
  /** Bytes of the answer kept for `text` (default 4096). */
  maxBody?: number;
}

export function httpPost(url: string, o: PostOptions): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new Error(`invalid URL ${JSON.stringify(url)}`));
      return;
    }
    const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
    if (!client) {
      reject(new Error(`unsupported protocol ${target.protocol} (http: or https: only)`));
      return;
    }
    const signal = o.signal;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const body = Buffer.from(o.body, 'utf8');
    const max = o.maxBody ?? 4096;
    // No keep-alive: one forward is one request; an idle pooled socket would only hold memory.
    const req = client.request(target, { method: 'POST', headers: { ...o.headers, 'Content-Length': String(body.length), Connection: 'close' }, agent: false });
    const onAbort = () => req.destroy(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)));
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    req.on('error', (e) => {
      done();
      reject(e);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (c: Buffer) => {
        if (kept < max) {
          chunks.push(c.subarray(0, max - kept));
          kept += Math.min(c.length, max - kept);
        }
      });
      res.on('error', (e) => {
        done();
        reject(e);
      });
      res.on('end', () => {
        done();
        resolve({
          status: res.statusCode ?? 0,
          header: (name) => {
            const v = res.headers[name.toLowerCase()];
            return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
          },
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.end(body);
  });
}
