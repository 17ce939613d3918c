/**
 * Messages whose outcome is unknown after a restart, through the whole daemon (demo mode): the
 * daemon stopped while two messages were marked `sending` (as the scheduler marks them before
 * AT+CMGS), so at the next start they are `unknown`. An operator then resends one (it goes out through
 * the normal queue) and fails the other; the decisions, who made them and when are shown by
 * GET /api/sms/:id and survive a restart. Only `unknown` messages can be decided (409 otherwise),
 * by the roles that may send (all three). Every message names who submitted it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageStore } from '../../src/store/message-store.js';
import { outbound, simLog, simOfLine, startSmsDaemon, waitStatus, type SmsDaemon } from './sms-daemon.js';

const NUMBER = (line: number) => `+86138${String(line).padStart(4, '0')}01`;
const OPERATOR = { user: 'operator', password: 'operator-password-1', role: 'sms' as const };
const VIEWER = { user: 'viewer', password: 'viewer-password-1', role: 'user' as const };

let x: SmsDaemon;

async function as(who: { user: string; password: string }, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(`${x.api}${path}`, {
    method,
    headers: { authorization: 'Basic ' + Buffer.from(`${who.user}:${who.password}`).toString('base64'), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: await r.json() };
}

describe('messages left unknown by a restart: resend or fail through the API', { timeout: 120_000 }, () => {
  before(async () => {
    x = await startSmsDaemon();
    for (const u of [OPERATOR, VIEWER]) await x.d.auth.setPassword(u.user, u.password, { role: u.role });
  });
  after(async () => {
    await x?.stop();
  });

  test('resend goes out through the queue, fail is final; decisions with who and when, durable; 409 for other statuses; roles', async () => {
    // An ordinary send, to have a message in another status, submitted by the operator (role sms).
    const done = await as(OPERATOR, 'POST', '/sms', { to: NUMBER(2), text: 'an ordinary send' });
    assert.equal(done.status, 202, JSON.stringify(done.body));
    assert.equal(done.body.client, 'api:operator');
    assert.equal((await waitStatus(x, done.body.id, ['delivered', 'failed', 'unknown'])).m.status, 'delivered');

    // The daemon stops while two messages are being sent (their `sending` mark is durable).
    await x.stop();
    const store = MessageStore.open(x.dataDir);
    for (const [id, text] of [['0000000000000aaa', 'resend me'], ['0000000000000bbb', 'fail me']] as const) {
      await store.enqueue({ id, origin: 'api', client: 'api:admin', recipient: NUMBER(2), number: NUMBER(2), text, parts: 1 });
      assert.equal(store.markSending(id, '1', 'A', null), true);
    }
    store.close();
    x = await startSmsDaemon({ dataDir: x.dataDir });
    const [resend, fail] = ['0000000000000aaa', '0000000000000bbb'];
    for (const id of [resend, fail]) {
      const m = await outbound(x, id);
      assert.equal(m.status, 'unknown');
      assert.match(m.reason, /interrupted while sending/);
      assert.deepEqual(m.decisions, []);
      assert.equal(m.client, 'api:admin');
    }
    assert.ok((await x.call('GET', '/sms/outbox?status=unknown')).body.items.some((m: any) => m.id === resend));

    // roles: every role may send, so every role may decide (the access matrix covers the rest)
    assert.equal((await as(VIEWER, 'POST', '/sms/ffffffffffffffff/fail', {})).status, 404);
    assert.equal((await x.call('POST', '/sms/ffffffffffffffff/resend', {})).status, 404);

    const dest = await simOfLine(x, 2);
    const before = Date.now();
    const r = await x.call('POST', `/sms/${resend}/resend`, {});
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.ok(['queued', 'sending', 'sent'].includes(r.body.status), r.body.status);
    assert.equal(r.body.decisions.length, 1);
    assert.equal(r.body.decisions[0].action, 'resend');
    assert.equal(r.body.decisions[0].by, 'api:admin');
    assert.ok(Date.parse(r.body.decisions[0].at) >= before - 1000);
    const { m: resent } = await waitStatus(x, resend, ['delivered', 'failed', 'unknown']);
    assert.equal(resent.status, 'delivered', JSON.stringify(resent));
    assert.equal(resent.attempts, 2);
    assert.equal((await simLog(x, dest.imsi)).received.filter((e) => e.text === 'resend me').length, 1);

    const f = await as(OPERATOR, 'POST', `/sms/${fail}/fail`, {});
    assert.equal(f.status, 200, JSON.stringify(f.body));
    assert.equal(f.body.status, 'failed');
    assert.match(f.body.reason, /failed as decided by api:operator/);
    assert.deepEqual(f.body.decisions.map((d: any) => [d.action, d.by]), [['fail', 'api:operator']]);

    // only an unknown outcome can be decided
    for (const [id, action] of [[resend, 'resend'], [resend, 'fail'], [fail, 'resend'], [fail, 'fail'], [done.body.id, 'resend']] as const) {
      const c = await x.call('POST', `/sms/${id}/${action}`, {});
      assert.equal(c.status, 409, `${action} ${id}: ${JSON.stringify(c.body)}`);
      assert.match(c.body.error, /only a message whose outcome is unknown/);
    }

    // after a restart the decisions are still there, in GET /api/sms/:id and the outbox listing
    const shown = async () => [await outbound(x, resend), await outbound(x, fail)].map((m) => [m.status, m.decisions]);
    const beforeRestart = await shown();
    await x.stop();
    x = await startSmsDaemon({ dataDir: x.dataDir });
    assert.deepEqual(await shown(), beforeRestart);
    const listed = (await x.call('GET', '/sms/outbox?limit=10')).body.items as any[];
    assert.deepEqual(listed.find((m) => m.id === fail).decisions, beforeRestart[1]![1]);
    assert.equal(listed.find((m) => m.id === done.body.id).client, 'api:operator', 'who submitted it is kept too');
  });
});
