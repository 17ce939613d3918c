/**
 * MessageStore, schema version 3: operator decisions on messages whose outcome is unknown (resend /
 * fail, who and when, durable), received SMS commands kept without forwards, and the migration of
 * `client` to client ids.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/db.js';
import { MessageStore, type NewOutbound, type OutboundMessage } from '../../src/store/message-store.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { tempDir } from './temp-dir.js';

const T0 = Date.UTC(2024, 4, 1, 8, 0, 0);

function open(t: TestContext, onFinal?: (m: OutboundMessage) => Array<{ kind: string; target: string; payload: unknown }>) {
  const clock = { t: T0 };
  const file = path.join(tempDir(t), 'cellgate.db');
  const store = MessageStore.openFile(file, { now: () => clock.t, ...(onFinal ? { onFinal } : {}) });
  t.after(() => store.close());
  return { store, clock, file };
}

function msg(over: Partial<NewOutbound> = {}): NewOutbound {
  return { origin: 'api', client: 'api:admin', recipient: '+8613800138000', number: '+8613800138000', text: 'hello', parts: 1, ...over };
}

/** A message sent on line 1 with TP-MR `ref`, then left unknown by a restart while sending again. */
async function unknownMessage(store: MessageStore, id: string, over: Partial<NewOutbound> = {}): Promise<void> {
  await store.enqueue(msg({ id, ...over }));
  store.markSending(id, '1', 'A', null);
  store.recoverInterrupted(false);
  assert.equal(store.getOutbound(id)!.status, 'unknown');
}

test('decideUnknown resend: queued again under the same id, any line, decision recorded; a late report of an earlier attempt is not taken for it', async (t) => {
  const { store, clock } = open(t);
  await store.enqueue(msg({ id: 'm', aliases: ['p2'] }));
  store.markSending('m', '1', 'A', null);
  store.markSent('m', '1', [7]);
  assert.equal(store.finish('m', 'unknown', 'interrupted while sending (restart); not resent', ['sent']), true);
  clock.t += 1000;
  const r = store.decideUnknown('p2', 'resend', 'api:ops');
  assert.ok(r);
  assert.equal(r.id, 'm');
  assert.equal(r.status, 'queued');
  assert.deepEqual(r.tried, []);
  assert.equal(r.doneAt, null);
  assert.equal(r.sentAt, null);
  assert.match(r.reason!, /^the outcome was unknown \(interrupted while sending \(restart\); not resent\); resent as decided by api:ops$/);
  assert.deepEqual(r.decisions, [{ action: 'resend', by: 'api:ops', at: T0 + 1000 }]);
  assert.deepEqual(store.queued(10).map((q) => q.id), ['m']);
  assert.equal(store.applyStatusReport({ line: '1', ref: 7, status: 0, outcome: 'delivered', at: clock.t }), null, 'the first attempt is forgotten');
  // only from unknown: a second decision on the queued message changes nothing
  assert.equal(store.decideUnknown('m', 'fail', 'api:ops'), null);
  assert.equal(store.getOutbound('m')!.status, 'queued');
  assert.equal(store.decideUnknown('nope', 'resend', 'api:ops'), null);
});

test('decideUnknown fail: failed with the reason and its receipts; decisions accumulate and survive a reopen', async (t) => {
  const finals: string[] = [];
  const { store, clock, file } = open(t, (m) => {
    finals.push(`${m.id}:${m.status}`);
    return m.report ? [{ kind: 'smpp-receipt', target: '1', payload: { status: m.status } }] : [];
  });
  await unknownMessage(store, 'f', { origin: 'smpp', client: 'smpp:1', report: true });
  assert.ok(store.decideUnknown('f', 'resend', 'api:admin'));
  // the resend was interrupted too
  store.markSending('f', '2', 'A', null);
  store.recoverInterrupted(false);
  clock.t += 5000;
  const r = store.decideUnknown('f', 'fail', 'api:ops');
  assert.ok(r);
  assert.equal(r.status, 'failed');
  assert.equal(r.doneAt, T0 + 5000);
  assert.match(r.reason!, /failed as decided by api:ops$/);
  assert.deepEqual(finals, ['f:unknown', 'f:unknown', 'f:failed']);
  assert.deepEqual(store.deliveriesOf('f').map((d) => (d.payload as { status: string }).status), ['unknown', 'unknown', 'failed'], 'a receipt per outcome');
  assert.equal(store.decideUnknown('f', 'resend', 'api:ops'), null, 'failed is final');
  store.close();
  const again = MessageStore.openFile(file);
  t.after(() => again.close());
  assert.deepEqual(again.getOutbound('f')!.decisions, [
    { action: 'resend', by: 'api:admin', at: T0 },
    { action: 'fail', by: 'api:ops', at: T0 + 5000 },
  ]);
  // deleting the message deletes its decisions
  assert.equal(again.deleteOutbound({ id: 'f' }), 1);
  const db = new Database(file, { readonly: true });
  assert.deepEqual(db.prepare('SELECT count(*) AS n FROM sms_out_decisions').get(), { n: 0 });
  db.close();
});

test('a received SMS command is stored with its kind and gets no fan-out jobs', (t) => {
  const { store } = open(t);
  const fanout = () => [{ kind: 'webhook', target: 'https://example.com/h', payload: null }];
  const base = { line: '1', slot: 'A', iccid: null, recipient: null, sender: '+8613900139000', sentAt: null, concat: null };
  const cmd = store.storeIncoming({ ...base, text: 'REBOOT ********', dedup: 'd1', command: 'reboot' }, fanout).stored!;
  const plain = store.storeIncoming({ ...base, text: 'hello', dedup: 'd2' }, fanout).stored!;
  assert.equal(cmd.command, 'reboot');
  assert.equal(plain.command, null);
  assert.equal(store.getInbound(cmd.id)!.command, 'reboot');
  assert.deepEqual(store.deliveriesOf(cmd.id), []);
  assert.equal(store.deliveriesOf(plain.id).length, 1);
});

test('migration 3: SMPP and internal messages get client ids, waiting SMPP parts too; API rows stay as they were', async (t) => {
  const file = path.join(tempDir(t), 'cellgate.db');
  const v2 = openDatabase(file, { migrations: MIGRATIONS.slice(0, 2) });
  const ins = v2.prepare(`INSERT INTO sms_out (id, origin, client, recipient, number, text, parts, status, created_at, updated_at) VALUES (?, ?, ?, '+1', '+1', 't', 1, 'delivered', 0, 0)`);
  ins.run('s', 'smpp', '1');
  ins.run('a', 'api', null);
  ins.run('f', 'forward', null);
  ins.run('c', 'command', null);
  ins.run('d', 'discovery', null);
  v2.prepare(`INSERT INTO sms_submit_parts (group_key, seq, total, id, text, json, created_at) VALUES (?, 1, 2, 'p1', 'a', ?, 0)`).run(
    'smpp|1|SHOP|+1|9|2',
    JSON.stringify({ origin: 'smpp', client: '1', sender: 'SHOP', recipient: '+1', number: '+1', report: true }),
  );
  v2.close();
  const store = MessageStore.openFile(file);
  t.after(() => store.close());
  const client = (id: string) => store.getOutbound(id)!.client;
  assert.deepEqual(['s', 'a', 'f', 'c', 'd'].map(client), ['smpp:1', null, 'internal:forward', 'internal:command', 'internal:discovery']);
  assert.deepEqual(store.getOutbound('s')!.decisions, []);
  // the second part, submitted after the upgrade under the new client id, completes the waiting group
  const r = await store.submitPart({ groupKey: 'smpp|smpp:1|SHOP|+1|9|2', seq: 2, total: 2, partId: 'p2', text: 'b', message: { origin: 'smpp', client: 'smpp:1', sender: 'SHOP', recipient: '+1', number: '+1', report: true } });
  assert.ok(r.queued);
  assert.equal(r.queued.text, 'ab');
  assert.equal(r.queued.client, 'smpp:1');
});
