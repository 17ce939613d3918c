/**
 * `http.tls: "self-signed"` through the daemon: the first start makes a certificate and logs its SHA-256
 * fingerprint; the API answers over HTTPS to a client that trusts exactly that certificate (pinned, as an
 * operator does after comparing fingerprints); a login's cookies carry Secure; plain HTTP on the port gets
 * no API answer; the next start serves the same certificate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import http from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../src/app.js';
import { createLogger } from '../../src/util/log.js';

const PASSWORD = 'https-e2e-password';

/** The daemon (one simulated modem) with HTTPS; its JSON log records are collected. */
async function start(dataDir: string): Promise<{ d: Daemon; logs: Record<string, unknown>[]; out: string[] }> {
  const logs: Record<string, unknown>[] = [];
  const out: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      cb();
    },
  });
  const d = await startDaemon({
    dataDir,
    httpPort: 0,
    httpHost: '127.0.0.1',
    sipPort: 0,
    simControlPort: 0,
    log: createLogger({ level: 'info', destination: sink }),
    out: new Writable({ write: (c, _e, cb) => (out.push(String(c)), cb()) }),
  });
  await d.auth.setPassword('admin', PASSWORD);
  return { d, logs, out };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  fingerprint256: string | null;
}

function request(mod: typeof https | typeof http, o: https.RequestOptions, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = mod.request({ agent: false, ...o }, (res) => {
      const socket = res.socket as unknown as { getPeerCertificate?: () => { fingerprint256?: string } };
      const fingerprint256 = socket.getPeerCertificate?.().fingerprint256 ?? null;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, fingerprint256 }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timed out')));
    req.end(body);
  });
}

test('HTTPS with a self-signed certificate made at first start: pinned clients get the API, cookies are Secure, the certificate is kept', { timeout: 90_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cellgate-https-'));
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'on', modems: 1, timing: 'zero', controlPort: 0 }, http: { tls: 'self-signed' } }));
  const x = await start(dataDir);
  try {
    const logged = x.logs.find((r) => typeof r.fingerprint256 === 'string');
    assert.ok(logged, 'the fingerprint is logged at start');
    const fingerprint = logged.fingerprint256 as string;
    assert.ok(x.out.join('').includes(fingerprint), 'a new certificate\'s fingerprint is printed on the terminal too');
    const ca = readFileSync(join(dataDir, 'tls', 'http-cert.pem'), 'utf8');
    const port = x.d.port;
    // Trust this certificate only; its names include 127.0.0.1.
    const health = await request(https, { host: '127.0.0.1', port, path: '/api/health', ca });
    assert.equal(health.status, 200, health.body);
    assert.equal(health.fingerprint256, fingerprint, 'the certificate served is the one whose fingerprint was logged');

    const login = await request(
      https,
      { host: '127.0.0.1', port, path: '/api/login', method: 'POST', ca, headers: { 'content-type': 'application/json', origin: `https://127.0.0.1:${port}` } },
      JSON.stringify({ user: "admin", password: PASSWORD }),
    );
    assert.equal(login.status, 200, login.body);
    const cookies = login.headers['set-cookie'] ?? [];
    assert.ok(cookies.length >= 2, `cookies: ${cookies.join(' | ')}`);
    for (const c of cookies) assert.match(c, /; Secure/, c);

    // Without the certificate trusted, a client refuses it (nothing is accepted silently).
    await assert.rejects(request(https, { host: '127.0.0.1', port, path: '/api/health' }), /self[- ]signed|certificate/i);
    // Plain HTTP on the HTTPS port gets no API answer.
    const plain = await request(http, { host: '127.0.0.1', port, path: '/api/health' }).catch((e: Error) => e);
    assert.ok(plain instanceof Error || plain.status === 400, `plain HTTP got ${plain instanceof Error ? plain.message : plain.status}`);
  } finally {
    await x.d.stop();
  }
  const again = await start(dataDir);
  try {
    const kept = again.logs.find((r) => typeof r.fingerprint256 === 'string');
    assert.equal(kept?.source, 'self-signed-kept');
    const first = readFileSync(join(dataDir, 'tls', 'http-cert.pem'), 'utf8');
    const health = await request(https, { host: '127.0.0.1', port: again.d.port, path: '/api/health', ca: first });
    assert.equal(health.status, 200);
    assert.equal(again.out.join('').includes(String(kept?.fingerprint256)), false, 'a kept certificate is only logged');
  } finally {
    await again.d.stop();
  }
});
