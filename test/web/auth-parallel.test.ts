/**
 * Requests sent at once with a cold credential cache: identical correct credentials must all pass
 * without counting as failures, while parallel wrong guesses stay capped by the failure limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, basic, startApp, type Harness } from './harness.js';

/** Statuses of `n` requests sent at once. */
async function parallel(n: number, one: (i: number) => Promise<Response>): Promise<number[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const r = await one(i);
      await r.text();
      return r.status;
    }),
  );
}

/** Long enough that requests sent together overlap with the check (scrypt on a small CPU takes as long). */
const CHECK_MS = 200;

function viaBasic(h: Harness, password: string): Promise<Response> {
  return fetch(`${h.base}/api/lines`, { headers: { authorization: basic('admin', password) } });
}

function viaLogin(h: Harness, password: string): Promise<Response> {
  return fetch(`${h.base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin', password }) });
}

function limitWarnings(h: Harness): number {
  return h.logs.filter((l) => l.includes('too many failed attempts')).length;
}

for (const n of [8, 50]) {
  test(`${n} parallel Basic requests with the right password on a cold cache all pass, with one check and no warning`, async () => {
    const h = await startApp();
    h.auth.verifyDelayMs = CHECK_MS;
    try {
      const statuses = await parallel(n, () => viaBasic(h, ADMIN_PASSWORD));
      assert.deepEqual(statuses, Array(n).fill(200));
      assert.equal(h.auth.verifyCalls, 1, 'identical headers share one password check');
      assert.equal(limitWarnings(h), 0);
      assert.ok(!h.logs.some((l) => l.includes('authentication failed')));
    } finally {
      await h.close();
    }
  });

  test(`${n} parallel logins with the right password all pass, each with its own session, and no warning`, async () => {
    const h = await startApp();
    h.auth.verifyDelayMs = CHECK_MS;
    try {
      const cookies = new Set<string>();
      const statuses = await parallel(n, async () => {
        const r = await viaLogin(h, ADMIN_PASSWORD);
        cookies.add(r.headers.getSetCookie()[0] ?? '');
        return r;
      });
      assert.deepEqual(statuses, Array(n).fill(200));
      assert.equal(cookies.size, n, 'one session per login');
      assert.ok(h.auth.verifyCalls < n, 'logins sent together share password checks');
      assert.equal(limitWarnings(h), 0);
      assert.equal(h.logins.length, n);
    } finally {
      await h.close();
    }
  });
}

test('right credentials in parallel pass even with failures just under the limit', async () => {
  const h = await startApp();
  h.auth.verifyDelayMs = CHECK_MS;
  try {
    for (let i = 0; i < 4; i++) assert.equal((await parallel(1, () => viaBasic(h, `guess-${i}`)))[0], 401);
    assert.deepEqual(await parallel(8, () => viaBasic(h, ADMIN_PASSWORD)), Array(8).fill(200));
    assert.equal(limitWarnings(h), 0);
  } finally {
    await h.close();
  }
});

for (const [name, send] of [
  ['Basic', viaBasic],
  ['login', viaLogin],
] as const) {
  test(`parallel distinct wrong guesses (${name}) are capped at the limit`, async () => {
    const h = await startApp();
    h.auth.verifyDelayMs = CHECK_MS;
    try {
      const statuses = await parallel(12, (i) => send(h, `guess-${i}`));
      assert.equal(statuses.filter((s) => s === 401).length, 5);
      assert.equal(statuses.filter((s) => s === 429).length, 7);
      assert.equal(h.auth.verifyCalls, 5, 'no more checks than the limit allows');
      assert.equal((await send(h, ADMIN_PASSWORD)).status, 429, 'afterwards the address is limited');
    } finally {
      await h.close();
    }
  });

  test(`the same wrong guess sent in parallel (${name}) is one failed attempt`, async () => {
    const h = await startApp();
    h.auth.verifyDelayMs = CHECK_MS;
    try {
      assert.deepEqual(await parallel(10, () => send(h, 'same-guess')), Array(10).fill(401));
      assert.equal(h.auth.verifyCalls, 1);
      for (let i = 0; i < 4; i++) assert.equal((await parallel(1, () => send(h, `guess-${i}`)))[0], 401, `failure ${i + 2}`);
      assert.equal((await parallel(1, () => send(h, ADMIN_PASSWORD)))[0], 429, 'the sixth attempt is over the limit of 5');
    } finally {
      await h.close();
    }
  });
}
