/**
 * Appendix A SMS commands through the whole daemon (demo mode, four simulated lines, every line's SMS
 * forwarded to a webhook):
 * - a REBOOT / RESET attempt, right or wrong password, is stored as `REBOOT ********`: the password is
 *   in neither the database file nor its WAL, a search by text (by any role) does not find it, it is
 *   never forwarded, and the failed attempt is logged without the guess;
 * - a text that only looks like a command from an alphanumeric sender, or split over several SMS, is
 *   an ordinary message;
 * - ###INFO### is off by default (an ordinary SMS, forwarded, no reply); switched on it answers only
 *   sms.commands.infoFrom, once per sender within sms.commands.infoLimit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDeliverTpdus } from '../../src/gsm/index.js';
import { PASSWORD, inbox, sleep, startSmsDaemon, waitFor, type SmsDaemon } from './sms-daemon.js';
import { startWebhook, type WebhookPeer } from './sms-peers.js';

const NUMBER = (line: number) => `+86138${String(line).padStart(4, '0')}01`;
const VIEWER_PASSWORD = 'viewer-password-1';

let x: SmsDaemon;
let hook: WebhookPeer;

async function fromOutside(from: string, to: string, text: string): Promise<void> {
  const r = await x.sim('POST', '/sms', { from, to, text });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

async function outsideRepliesTo(to: string): Promise<Array<{ from: string; text: string }>> {
  return ((await x.sim('GET', '/outside/sms')).body.messages as Array<{ from: string; to: string; text: string }>).filter((s) => s.to === to);
}

/** The inbox message from `sender` (waits for the n-th one). */
async function receivedFrom(sender: string, n = 1): Promise<any> {
  const page = await waitFor(`${n} inbox message(s) from ${sender}`, () => inbox(x, `number=${encodeURIComponent(sender)}`), (p) => p.total >= n, 15_000);
  return page.items[0];
}

function hooked(inboxId: string): number {
  return hook.requests.filter((q) => JSON.parse(q.body).id === inboxId).length;
}

function logged(msg: string, from: string): number {
  return x.logs.filter((l) => l.msg === msg && l['from'] === from).length;
}

async function asViewer(path: string): Promise<{ status: number; body: any }> {
  const r = await fetch(`${x.api}${path}`, { headers: { authorization: 'Basic ' + Buffer.from(`viewer:${VIEWER_PASSWORD}`).toString('base64') } });
  return { status: r.status, body: await r.json() };
}

describe('SMS commands through the daemon', { timeout: 120_000 }, () => {
  before(async () => {
    hook = await startWebhook();
    x = await startSmsDaemon({ config: { device: { name: 'cmd-gw' }, sms: { forward: [{ webhook: { url: hook.url, timeoutSec: 5 } }], forwardRetry: { retryBaseSec: 1, retryMaxSec: 2, giveUpHours: 1 } } } });
    await x.d.auth.setPassword('viewer', VIEWER_PASSWORD, { role: 'user' });
  });
  after(async () => {
    await x?.stop();
    await hook?.close();
  });

  test('REBOOT with a wrong and then the right password: stored masked, never in the database or its WAL, not searchable, not forwarded; the guess is not logged', async () => {
    const guesser = '+8613912350001';
    const admin = '+8613912350002';
    const guess = 'Guess-Nr-7x';
    await fromOutside(guesser, NUMBER(2), `REBOOT ${guess}`);
    await waitFor('the wrong password to be logged', () => logged('SMS command with a wrong password', guesser), (n) => n === 1, 15_000);
    await fromOutside(admin, NUMBER(3), `  reboot ${PASSWORD}\n`);
    await waitFor('the restart request', () => x.restarts.length, (n) => n === 1, 15_000);
    assert.match(x.restarts[0]!, /REBOOT from \+8613912350002 on line 3/);

    const wrong = await receivedFrom(guesser);
    const right = await receivedFrom(admin);
    for (const m of [wrong, right]) {
      assert.equal(m.text, 'REBOOT ********');
      assert.equal(m.command, 'reboot');
      assert.deepEqual(m.forwards, [], 'a command is not forwarded');
      assert.equal((await x.call('GET', `/sms/inbox/${m.id}`)).body.text, 'REBOOT ********');
    }
    // searches by any role find the command, never the password
    for (const secret of [guess, PASSWORD]) {
      assert.equal((await inbox(x, `text=${encodeURIComponent(secret)}`)).total, 0);
      assert.equal((await asViewer(`/sms/inbox?text=${encodeURIComponent(secret)}`)).body.total, 0);
    }
    const seen = await asViewer('/sms/inbox?text=REBOOT');
    assert.equal(seen.status, 200);
    assert.deepEqual(seen.body.items.map((m: any) => m.text), ['REBOOT ********', 'REBOOT ********']);
    // an ordinary SMS on the same line is forwarded: the webhook works, and never saw the commands
    await fromOutside(guesser, NUMBER(2), 'an ordinary message after the attempt');
    const plain = await waitFor('the ordinary message', () => inbox(x, 'text=ordinary%20message%20after'), (p) => p.total === 1, 15_000);
    await waitFor('its forward', () => hooked(plain.items[0].id), (n) => n === 1, 15_000);
    assert.equal(hooked(wrong.id) + hooked(right.id), 0);
    assert.ok(!hook.requests.some((q) => q.body.includes('REBOOT')), 'no webhook request mentions the command');

    // no log line, no byte of the database or its WAL holds either password
    const logs = JSON.stringify(x.logs);
    for (const secret of [guess, PASSWORD]) assert.ok(!logs.includes(secret), `a log line holds ${secret}`);
    for (const f of ['cellgate.db', 'cellgate.db-wal'].map((n) => join(x.dataDir, n))) {
      if (!existsSync(f)) continue;
      const bytes = readFileSync(f);
      for (const secret of [guess, PASSWORD]) {
        assert.equal(bytes.indexOf(Buffer.from(secret, 'utf8')), -1, `${secret} is in ${f}`);
        assert.equal(bytes.indexOf(Buffer.from(secret, 'utf16le')), -1, `${secret} (UTF-16) is in ${f}`);
      }
    }
  });

  test('what only looks like a command is an ordinary message: from an alphanumeric sender, or split over several SMS', async () => {
    await fromOutside('MyBank', NUMBER(1), 'RESET code 482913');
    const bank = await receivedFrom('MyBank');
    assert.equal(bank.text, 'RESET code 482913');
    assert.equal(bank.command, null);
    await waitFor('the bank SMS forwarded', () => hooked(bank.id), (n) => n === 1, 15_000);

    const long = `RESET ${'x'.repeat(170)}`;
    for (const tpdu of buildDeliverTpdus({ from: '+8613912350003', text: long, scts: new Date(), concatRef: 91 })) {
      const r = await x.sim('POST', '/modems/1/sms', { tpdu: Buffer.from(tpdu).toString('hex') });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    const m = await receivedFrom('+8613912350003');
    assert.equal(m.text, long);
    assert.equal(m.command, null);
    assert.equal(m.parts, 2);
    assert.equal(x.restarts.length, 1, 'nothing was reset');
  });

  test('###INFO### is off by default: an ordinary SMS, forwarded, not answered', async () => {
    const asker = '+8613912350004';
    await fromOutside(asker, NUMBER(1), '###INFO###');
    const m = await receivedFrom(asker);
    assert.equal(m.command, null);
    await waitFor('the forward', () => hooked(m.id), (n) => n === 1, 15_000);
    await sleep(1000);
    assert.deepEqual(await outsideRepliesTo(asker), [], 'no SMS spent on a reply');
  });

  test('###INFO### switched on for one number: only that sender is answered, once within sms.commands.infoLimit', async () => {
    const allowed = '+8613912350005';
    const stranger = '+8613912350006';
    await x.d.config.update((doc) => {
      const d = doc as { sms: { commands?: Record<string, unknown> } };
      d.sms.commands = { info: true, infoFrom: [allowed], infoLimit: { perSender: 1, windowMinutes: 60 } };
    });
    await fromOutside(stranger, NUMBER(1), '###INFO###');
    await waitFor('the stranger refused', () => logged('SMS command ###INFO### from a sender not in sms.commands.infoFrom: not answered', stranger), (n) => n === 1, 15_000);
    const s = await receivedFrom(stranger);
    assert.equal(s.command, 'info');
    assert.deepEqual(s.forwards, [], 'a command is consumed, not forwarded');

    await fromOutside(allowed, NUMBER(2), '###info###');
    const replies = await waitFor('the answer', () => outsideRepliesTo(allowed), (l) => l.length === 1, 15_000);
    assert.equal(replies[0]!.from, NUMBER(2));
    assert.match(replies[0]!.text, /^cellgate cmd-gw /);
    const reply = (await x.call('GET', `/sms/outbox?number=${encodeURIComponent(allowed)}`)).body.items[0];
    assert.equal(reply.origin, 'command');
    assert.equal(reply.client, 'internal:command');

    await fromOutside(allowed, NUMBER(2), '###INFO###');
    await waitFor('the rate limit', () => logged('SMS command ###INFO### not answered: this sender was answered already (sms.commands.infoLimit)', allowed), (n) => n === 1, 15_000);
    await sleep(1000);
    assert.equal((await outsideRepliesTo(allowed)).length, 1, 'one SMS spent, not two');
    assert.deepEqual(await outsideRepliesTo(stranger), []);
  });
});
