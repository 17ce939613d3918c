/**
 * API answers go out compressed when the client accepts it (compression.ts): brotli or gzip by
 * Accept-Encoding for JSON of 1 KiB and more, with `Vary: Accept-Encoding`; small answers and clients
 * that accept nothing get plain JSON; the login answer, which carries the CSRF token, is never
 * compressed (BREACH).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { ADMIN_PASSWORD, basic, lineStatus, startApp } from './harness.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function raw(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const decode = (r: Raw): string => {
  const coding = r.headers['content-encoding'];
  const b = coding === 'br' ? brotliDecompressSync(r.body) : coding === 'gzip' ? gunzipSync(r.body) : r.body;
  return b.toString('utf8');
};

const ADMIN = { authorization: basic('admin', ADMIN_PASSWORD) };

test('a large JSON answer is compressed by Accept-Encoding and decodes to the same JSON; identity gets it plain', async () => {
  const h = await startApp();
  try {
    h.registry.lines = Array.from({ length: 32 }, (_, i) => lineStatus(i + 1, { operator: `Operator ${i + 1}` }));
    const plain = await raw(h.port, '/api/lines', ADMIN);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(String(plain.headers['vary']), /Accept-Encoding/);
    const expected = JSON.parse(plain.body.toString('utf8'));
    assert.equal(expected.lines.length, 32);
    assert.ok(plain.body.length > 4096, `the plain answer is large (${plain.body.length} B)`);

    for (const [accept, coding] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['gzip, deflate, br', 'br'], ['identity', undefined], ['deflate', undefined]] as const) {
      const r = await raw(h.port, '/api/lines', { ...ADMIN, 'accept-encoding': accept });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-encoding'], coding, `Accept-Encoding: ${accept}`);
      assert.deepEqual(JSON.parse(decode(r)), expected);
      if (coding) assert.ok(r.body.length * 4 < plain.body.length, `${coding}: ${r.body.length} B against ${plain.body.length} B plain`);
    }
  } finally {
    await h.close();
  }
});

test('answers under 1 KiB are sent as they are', async () => {
  const h = await startApp();
  try {
    const r = await raw(h.port, '/api/lines/1', { ...ADMIN, 'accept-encoding': 'br, gzip' });
    assert.equal(r.status, 200);
    assert.ok(r.body.length < 1024);
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(JSON.parse(r.body.toString('utf8')).id, 1);
  } finally {
    await h.close();
  }
});

test('the login answer (it carries the CSRF token) is never compressed', async () => {
  const h = await startApp();
  try {
    const r = await raw(h.port, '/api/login', { 'content-type': 'application/json', 'accept-encoding': 'br, gzip' }, 'POST', JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD }));
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], undefined);
    assert.match(JSON.parse(r.body.toString('utf8')).csrfToken, /^[A-Za-z0-9_-]{20,}$/);
  } finally {
    await h.close();
  }
});
