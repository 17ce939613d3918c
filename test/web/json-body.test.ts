import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ADMIN_PASSWORD, json, startApp } from './harness.js';

function post(base: string, body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> {
  return fetch(`${base}/api/login`, { method: 'POST', headers, body });
}

test('malformed JSON: 400 "invalid JSON body: ..."', async () => {
  const h = await startApp();
  try {
    const res = await post(h.base, '{"user": "admin", ');
    assert.equal(res.status, 400);
    assert.match((await json(res)).error, /^invalid JSON body: /);
    const empty = await post(h.base, '');
    assert.equal(empty.status, 400);
    assert.deepEqual(await json(empty), { error: 'invalid JSON body: empty' });
    const notUtf8 = await post(h.base, new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    assert.equal(notUtf8.status, 400);
    assert.deepEqual(await json(notUtf8), { error: 'invalid JSON body: not valid UTF-8' });
    assert.equal(h.auth.verifyCalls, 0);
  } finally {
    await h.close();
  }
});

test('a UTF-8 body with a BOM and an explicit charset is accepted', async () => {
  const h = await startApp();
  try {
    const res = await post(h.base, '\ufeff' + JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD }), { 'content-type': 'application/json; charset=UTF-8' });
    assert.equal(res.status, 200);
    await res.text();
  } finally {
    await h.close();
  }
});

test('body over 64 KiB: 413 (declared length and chunked), and the server keeps serving', async () => {
  const h = await startApp();
  try {
    const big = JSON.stringify({ user: 'admin', password: 'x'.repeat(70 * 1024) });
    const res = await post(h.base, big);
    assert.equal(res.status, 413);
    assert.match((await json(res)).error, /request body too large: \d+ bytes, limit 65536 bytes/);

    // Chunked: no Content-Length, so the limit is enforced while reading.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode('x'.repeat(8192)));
        c.close();
      },
    });
    const chunked = await fetch(`${h.base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 413);
    assert.match((await json(chunked)).error, /more than 65536 bytes/);

    // Exactly at the limit is fine (it is then checked as JSON).
    const atLimit = '"' + 'x'.repeat(64 * 1024 - 2) + '"';
    const ok = await post(h.base, atLimit);
    assert.equal(ok.status, 400, 'a JSON string, not an object: rejected by shape, not size');
    assert.match((await json(ok)).error, /expected \{"user"/);

    const health = await fetch(`${h.base}/api/health`);
    assert.equal(health.status, 200);
    await health.text();
  } finally {
    await h.close();
  }
});

test('the body limit is configurable', async () => {
  const h = await startApp({ bodyLimit: 32 });
  try {
    const res = await post(h.base, JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD }));
    assert.equal(res.status, 413);
    await res.text();
  } finally {
    await h.close();
  }
});

test('non-JSON content type on POST: 415', async () => {
  const h = await startApp();
  try {
    const body = JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post(h.base, body, { 'content-type': type });
      assert.equal(res.status, 415, type);
      assert.match((await json(res)).error, /^expected Content-Type: application\/json, got /);
    }
    const latin1 = await post(h.base, body, { 'content-type': 'application/json; charset=iso-8859-1' });
    assert.equal(latin1.status, 415);
    await latin1.text();
    const gz = await post(h.base, body, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    assert.equal(gz.status, 415);
    await gz.text();
    const vendor = await post(h.base, body, { 'content-type': 'application/vnd.cellgate+json' });
    assert.equal(vendor.status, 200, 'a +json type is JSON');
    await vendor.text();
    assert.equal(h.auth.verifyCalls, 1);
  } finally {
    await h.close();
  }
});

test('POST without any content type: 415 (a cross-site form cannot log in)', async () => {
  const h = await startApp();
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: h.port, path: '/api/login', method: 'POST', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD }));
    });
    assert.equal(status, 415);
  } finally {
    await h.close();
  }
});

test('a client that aborts mid-body does not hurt the server', async () => {
  const h = await startApp();
  try {
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: h.port,
        path: '/api/login',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': '1000' },
      });
      req.on('error', () => resolve());
      req.write('{"user":"adm');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    const res = await fetch(`${h.base}/api/health`);
    assert.equal(res.status, 200);
    await res.text();
  } finally {
    await h.close();
  }
});
