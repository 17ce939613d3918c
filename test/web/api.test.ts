import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, basic, deviceStatus, json, lineStatus, startApp } from './harness.js';

const auth = { authorization: basic('admin', ADMIN_PASSWORD) };

test('GET /api/lines lists every LineStatus', async () => {
  const h = await startApp();
  try {
    const res = await fetch(`${h.base}/api/lines`, { headers: auth });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const body = await json(res);
    assert.deepEqual(body, { lines: [lineStatus(1), h.registry.lines[1]] });
    assert.equal(body.lines[1].signal, 99);
    assert.equal(body.lines[1].signalDbm, null);
  } finally {
    await h.close();
  }
});

test('GET /api/lines/:id: one line, 404 for an unknown id, 400 for a non-integer', async () => {
  const h = await startApp();
  try {
    const one = await fetch(`${h.base}/api/lines/2`, { headers: auth });
    assert.equal(one.status, 200);
    assert.equal((await json(one)).health, 'no-sim');

    const missing = await fetch(`${h.base}/api/lines/7`, { headers: auth });
    assert.equal(missing.status, 404);
    assert.deepEqual(await json(missing), { error: 'no line 7' });

    for (const bad of ['abc', '1.5', '-1', '1e3', '%20', '99999999999999999999']) {
      const res = await fetch(`${h.base}/api/lines/${bad}`, { headers: auth });
      assert.equal(res.status, 400, bad);
      assert.match((await json(res)).error, /^line id must be a positive integer, got /);
    }
  } finally {
    await h.close();
  }
});

test('non-ASCII strings come back as UTF-8', async () => {
  const h = await startApp();
  try {
    h.registry.lines = [lineStatus(1, { operator: '中国移动', name: '线路一' })];
    const res = await fetch(`${h.base}/api/lines/1`, { headers: auth });
    const body = await json(res);
    assert.equal(body.operator, '中国移动');
    assert.equal(body.name, '线路一');
  } finally {
    await h.close();
  }
});

test('GET /api/device returns the DeviceStatus', async () => {
  const h = await startApp();
  try {
    const res = await fetch(`${h.base}/api/device`, { headers: auth });
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), deviceStatus());
  } finally {
    await h.close();
  }
});

test('HEAD works on GET routes', async () => {
  const h = await startApp();
  try {
    const res = await fetch(`${h.base}/api/health`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
  } finally {
    await h.close();
  }
});

test('unknown API route: 401 before authentication, 404 JSON after', async () => {
  const h = await startApp();
  try {
    const anon = await fetch(`${h.base}/api/nope`);
    assert.equal(anon.status, 401);
    await anon.text();
    const res = await fetch(`${h.base}/api/nope`, { headers: auth });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(await json(res), { error: 'no such API route: GET /api/nope' });
    const bare = await fetch(`${h.base}/api`, { headers: auth });
    assert.equal(bare.status, 404);
    await bare.text();
  } finally {
    await h.close();
  }
});

test('wrong method on a known route: 405 with Allow', async () => {
  const h = await startApp();
  try {
    const res = await fetch(`${h.base}/api/lines`, { method: 'DELETE', headers: auth });
    assert.equal(res.status, 405);
    assert.match(res.headers.get('allow') ?? '', /GET/);
    assert.match((await json(res)).error, /method DELETE not allowed/);
    const login = await fetch(`${h.base}/api/login`);
    assert.equal(login.status, 405, 'public routes answer 405 without credentials');
    assert.equal(login.headers.get('allow'), 'POST');
    await login.text();
  } finally {
    await h.close();
  }
});

test('unknown non-API path: 404 JSON; / points to the API when no UI is installed', async () => {
  const h = await startApp();
  try {
    const res = await fetch(`${h.base}/nothing/here`);
    assert.equal(res.status, 404);
    assert.deepEqual(await json(res), { error: 'not found' });
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const root = await fetch(`${h.base}/`);
    assert.equal(root.status, 200);
    const body = await json(root);
    assert.equal(body.api, '/api');
    const post = await fetch(`${h.base}/`, { method: 'POST' });
    assert.equal(post.status, 404);
    await post.text();
  } finally {
    await h.close();
  }
});

test('a handler that throws gives 500 "internal error", is logged with its stack, and the server keeps serving', async () => {
  const h = await startApp();
  try {
    h.registry.failWith = new Error('registry exploded');
    for (const path of ['/api/lines', '/api/lines/1', '/api/device']) {
      const res = await fetch(h.base + path, { headers: auth });
      assert.equal(res.status, 500, path);
      assert.deepEqual(await json(res), { error: 'internal error' });
    }
    const logged = h.logs.find((l) => l.includes('registry exploded'));
    assert.ok(logged, 'the error is logged');
    assert.match(logged, /"stack":"Error: registry exploded\\n {4}at /);

    h.registry.failWith = undefined;
    const res = await fetch(`${h.base}/api/lines`, { headers: auth });
    assert.equal(res.status, 200);
    await res.text();
    const health = await fetch(`${h.base}/api/health`);
    assert.equal(health.status, 200);
    await health.text();
  } finally {
    await h.close();
  }
});

test('a throwing onLogin callback does not break login', async () => {
  const h = await startApp({
    onLogin: () => {
      throw new Error('callback broke');
    },
  });
  try {
    const res = await fetch(`${h.base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD }),
    });
    assert.equal(res.status, 200);
    await res.text();
    assert.ok(h.logs.some((l) => l.includes('callback broke')));
  } finally {
    await h.close();
  }
});

test('an authenticator that throws gives 500, not a crash', async () => {
  const h = await startApp();
  try {
    h.auth.verify = async () => {
      throw new Error('auth store unreadable');
    };
    const res = await fetch(`${h.base}/api/lines`, { headers: { authorization: basic('admin', 'x') } });
    assert.equal(res.status, 500);
    assert.deepEqual(await json(res), { error: 'internal error' });
  } finally {
    await h.close();
  }
});
