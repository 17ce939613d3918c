/**
 * Issue 5 end to end through the whole daemon (in process, demo mode: four simulated modems and the
 * simulated network, 'fast' timing): sending through the JSON API with status reports, the outbox's
 * search and deletion, long UCS2 texts, dial rules, receiving (also multipart out of order and with a
 * part missing), forwarding to a signed webhook, to a real SMTP server over STARTTLS and as an SMS,
 * appendix A SMS commands, USSD, own numbers, and the inbox/outbox surviving a restart. Outbound
 * messages name who submitted them (api:admin, internal:forward, internal:command).
 *
 * Lines 1-4 are modems 1-4 in slot A; their SIM numbers are +86138000101 … +86138000401
 * (docs/simulator.md "Identities"). Forwarding rules apply to line 4 only.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDeliverTpdus } from '../../src/gsm/index.js';
import { verifyWebhook } from '../../src/sms/forward-format.js';
import { PASSWORD, inbox, outbound, simLog, simOfLine, sleep, startSmsDaemon, waitFor, waitStatus, type SmsDaemon } from './sms-daemon.js';
import { decodeMail, startSmtp, startWebhook, type SmtpPeer, type WebhookPeer } from './sms-peers.js';

const NUMBER = (line: number) => `+86138${String(line).padStart(4, '0')}01`;
const OUTSIDE = '+8613912340001';
const SECRET = 'webhook-secret-e2e';
const MAIL_TO = 'ops@example.com';

let x: SmsDaemon;
let smtp: SmtpPeer;
let hook: WebhookPeer;

function config(): Record<string, unknown> {
  return {
    device: { name: 'e2e-gw' },
    sms: {
      statusReports: true,
      dialRules: '0086:-0086++86',
      partTimeoutSec: 10,
      commands: { info: true },
      forwardRetry: { retryBaseSec: 1, retryMaxSec: 2, giveUpHours: 1 },
      forward: [
        { lines: [4], webhook: { url: hook.url, secret: SECRET, timeoutSec: 5 } },
        { lines: [4], email: [MAIL_TO] },
        { lines: [4], phone: NUMBER(3) },
      ],
    },
    mail: { host: '127.0.0.1', port: smtp.port, security: 'starttls', user: smtp.user, password: smtp.password, from: 'gateway@example.com', caFile: smtp.certFile },
  };
}

/** An outside sender texts a SIM through the simulated network. */
async function fromOutside(from: string, to: string, text: string): Promise<void> {
  const r = await x.sim('POST', '/sms', { from, to, text });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

/** The one inbox message with exactly this text (waits for it). */
async function received(text: string, timeoutMs = 10_000): Promise<any> {
  const page = await waitFor(`an inbox message with text ${JSON.stringify(text.slice(0, 40))}`, () => inbox(x, `text=${encodeURIComponent(text.slice(0, 200))}`), (p) => p.items.some((m) => m.text === text), timeoutMs);
  const hits = page.items.filter((m) => m.text === text);
  assert.equal(hits.length, 1, `one inbox message with this text, got ${hits.length}`);
  return hits[0];
}

function logged(msg: string): Array<Record<string, unknown>> {
  return x.logs.filter((l) => l.msg === msg);
}

describe('SMS through the daemon (demo mode)', { timeout: 180_000 }, () => {
  before(async () => {
    smtp = await startSmtp();
    hook = await startWebhook((attempt) => (attempt === 1 ? 500 : 200));
    x = await startSmsDaemon({ config: config() });
    for (let id = 1; id <= 4; id++) assert.equal((await x.line(id)).sim.number, NUMBER(id), `line ${id}'s SIM number`);
  });
  after(async () => {
    await x?.stop();
    await hook?.close();
    await smtp?.close();
  });

  test('POST /api/sms to line 2: 202 queued → sent → delivered; it reaches the SIM; outbox search and deletion', async () => {
    const dest = await simOfLine(x, 2);
    const r = await x.call('POST', '/sms', { to: dest.number, text: 'hello from the API' });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.match(r.body.id, /^[0-9a-f]{16}$/);
    assert.equal(r.body.status, 'queued');
    assert.equal(r.body.client, 'api:admin', 'who submitted it');
    const { m, seen } = await waitStatus(x, r.body.id, ['delivered', 'failed', 'unknown', 'expired']);
    assert.equal(m.client, 'api:admin');
    assert.equal(m.status, 'delivered', JSON.stringify(m));
    assert.ok(seen.includes('sent'), `statuses seen: ${seen.join(' → ')}`);
    assert.equal(m.parts, 1);
    assert.notEqual(m.line, 2, 'not sent to itself'); // any line may send; the destination is line 2's SIM
    assert.ok(m.sentAt && m.doneAt && m.sentAt <= m.doneAt);
    const log = await simLog(x, dest.imsi);
    assert.equal(log.received.filter((e) => e.text === 'hello from the API').length, 1);
    // it also came in on line 2
    const inMsg = await received('hello from the API');
    assert.equal(inMsg.line, 2);

    // a second one with another text, from line 3 explicitly
    const r2 = await x.call('POST', '/sms', { to: dest.number, text: 'second, from line 3', line: 3 });
    assert.equal(r2.status, 202);
    assert.equal((await waitStatus(x, r2.body.id, ['delivered', 'failed', 'unknown'])).m.line, 3);

    // search: by number, by text, by line, by status
    const q = async (s: string) => (await x.call('GET', `/sms/outbox?${s}`)).body as { total: number; items: any[] };
    assert.deepEqual((await q(`number=${encodeURIComponent(dest.number!.slice(-6))}`)).items.map((i) => i.id).sort(), [r.body.id, r2.body.id].sort());
    assert.deepEqual((await q('text=from%20the%20API')).items.map((i) => [i.id, i.client]), [[r.body.id, 'api:admin']]);
    assert.deepEqual((await q(`line=3&number=${dest.number!.slice(-6)}`)).items.map((i) => i.id), [r2.body.id]);
    assert.ok((await q('status=delivered')).items.some((i) => i.id === r.body.id));
    assert.equal((await x.call('GET', '/sms/outbox?status=bogus')).status, 400);
    assert.equal((await x.call('POST', '/sms', { to: 'not a number', text: 'x' })).status, 400);

    // deletion: by id, by line, all
    const del = await x.call('DELETE', `/sms/outbox/${r.body.id}`);
    assert.deepEqual(del.body, { deleted: 1 });
    assert.equal((await x.call('GET', `/sms/${r.body.id}`)).status, 404);
    assert.equal((await x.call('DELETE', `/sms/outbox/${r.body.id}`)).status, 404);
    const r3 = await x.call('POST', '/sms', { to: dest.number, text: 'third, line 4', line: 4 });
    await waitStatus(x, r3.body.id, ['delivered', 'failed', 'unknown']);
    assert.deepEqual((await x.call('DELETE', '/sms/outbox?line=3')).body, { deleted: 1 });
    assert.equal((await x.call('GET', `/sms/${r2.body.id}`)).status, 404);
    assert.equal((await outbound(x, r3.body.id)).status, 'delivered');
    assert.equal((await x.call('DELETE', '/sms/outbox')).status, 400, 'DELETE without a selector is refused');
    const all = await x.call('DELETE', '/sms/outbox?all=true');
    assert.ok(all.body.deleted >= 1);
    assert.equal((await q('')).total, 0);
  });

  test('a long UCS2 text (3 parts) arrives whole', async () => {
    const dest = await simOfLine(x, 2);
    const text = '长短信测试：' + '分段发送的中文短信内容'.repeat(17) + '（完）';
    assert.ok(text.length > 134 && text.length <= 201, `${text.length} characters: 3 UCS2 parts`);
    const r = await x.call('POST', '/sms', { to: dest.number, text, line: 1 });
    assert.equal(r.status, 202);
    assert.equal(r.body.parts, 3);
    assert.equal((await waitStatus(x, r.body.id, ['delivered', 'failed', 'unknown'])).m.status, 'delivered');
    const entry = (await simLog(x, dest.imsi)).received.find((e) => e.text === text);
    assert.ok(entry, 'the destination SIM has the whole text');
    assert.equal(entry.parts, 3);
    assert.equal(entry.partsSeen, 3);
    assert.equal(entry.encoding, 'ucs2');
    const m = await received(text);
    assert.equal(m.parts, 3);
    assert.equal(m.partial, false);
  });

  test('dial rules: a recipient written 0086… goes to +86…', async () => {
    const dest = await simOfLine(x, 2);
    const written = '0086' + dest.number!.slice(3);
    const r = await x.call('POST', '/sms', { to: written, text: 'dial rule check' });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.to, written);
    assert.equal(r.body.number, dest.number);
    assert.equal((await waitStatus(x, r.body.id, ['delivered', 'failed', 'unknown'])).m.status, 'delivered');
    const entry = (await simLog(x, dest.imsi)).received.find((e) => e.text === 'dial rule check');
    assert.ok(entry, 'delivered to +86…');
    // the outbox is searchable by either spelling
    assert.equal((await x.call('GET', `/sms/outbox?number=${written}`)).body.total, 1);
  });

  test('receiving: an SMS from the outside world is in the inbox', async () => {
    await fromOutside(OUTSIDE, NUMBER(1), 'from the outside world');
    const m = await received('from the outside world');
    assert.equal(m.line, 1);
    assert.equal(m.sender, OUTSIDE);
    assert.equal(m.recipient, NUMBER(1));
    assert.equal(m.slot, 'A');
    assert.equal(m.partial, false);
    assert.deepEqual(m.forwards, [], 'no forwarding rule for line 1');
    assert.equal((await x.call('GET', `/sms/inbox/${m.id}`)).body.text, 'from the outside world');
    assert.equal((await inbox(x, `number=${OUTSIDE.slice(-8)}&line=1`)).items.filter((i) => i.id === m.id).length, 1);
    assert.equal((await inbox(x, 'line=2&text=outside%20world')).total, 0);
  });

  test('multipart out of order over separate +CMTIs is one message; a missing part gives a partial one after sms.partTimeoutSec', { timeout: 40_000 }, async () => {
    const gsmText = (tag: string) => `${tag}: ` + 'The quick brown fox jumps over the lazy dog. '.repeat(8);
    const tpdus = (text: string, ref: number) => buildDeliverTpdus({ from: '+8613911112222', text, scts: new Date(), concatRef: ref }).map((b) => Buffer.from(b).toString('hex'));
    const inject = async (modem: number, tpdu: string) => {
      const r = await x.sim('POST', `/modems/${modem}/sms`, { tpdu });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };
    // the incomplete one first: its timeout runs while the rest of the test does
    const missing = gsmText('incomplete');
    const mp = tpdus(missing, 201);
    assert.equal(mp.length, 3);
    const t0 = Date.now();
    await inject(1, mp[0]!);
    await inject(1, mp[2]!);

    const whole = gsmText('out of order');
    const parts = tpdus(whole, 202);
    assert.equal(parts.length, 3);
    for (const i of [2, 0, 1]) {
      await inject(1, parts[i]!);
      await sleep(300);
      if (i !== 1) assert.equal((await inbox(x, 'text=out%20of%20order')).total, 0, 'nothing stored before the last part');
    }
    const m = await received(whole);
    assert.equal(m.parts, 3);
    assert.equal(m.received, 3);
    assert.equal(m.partial, false);
    assert.equal(m.sender, '+8613911112222');

    // the one with part 2 missing: stored flagged partial once sms.partTimeoutSec (10 s) passed
    assert.equal((await inbox(x, 'text=incomplete')).total, 0);
    const p = await waitFor('the incomplete message', () => inbox(x, 'text=incomplete'), (pg) => pg.total > 0, 25_000, 250);
    const elapsed = Date.now() - t0;
    assert.equal(p.total, 1);
    const pm = p.items[0];
    assert.equal(pm.partial, true);
    assert.equal(pm.parts, 3);
    assert.equal(pm.received, 2);
    assert.ok(pm.text.startsWith('incomplete: '), pm.text);
    assert.ok(elapsed >= 9_500, `stored partial after ${elapsed} ms, before the 10 s timeout`);
  });

  test('forwarding of an SMS received on line 4: signed webhook (500 first, retried), e-mail over STARTTLS, SMS forward to line 3', { timeout: 40_000 }, async () => {
    const text = '你好，世界！转发测试 cellgate';
    const before = { mails: smtp.mails.length, hooks: hook.requests.length };
    await fromOutside(OUTSIDE, NUMBER(4), text);
    const m = await received(text);
    assert.equal(m.line, 4);

    // webhook: first attempt answered 500, the retry 200; both signed with the secret
    const reqs = await waitFor('two webhook attempts', () => hook.requests.slice(before.hooks), (r) => r.filter((q) => q.status === 200).length >= 1, 15_000);
    const mine = reqs.filter((q) => JSON.parse(q.body).id === m.id);
    assert.deepEqual(mine.map((q) => q.status), [500, 200]);
    assert.equal(mine[0]!.headers['x-cellgate-delivery'], mine[1]!.headers['x-cellgate-delivery'], 'the same delivery id on every attempt');
    for (const q of mine) {
      const v = verifyWebhook(String(q.headers['x-cellgate-signature']), q.body, SECRET, 300, Math.floor(Date.now() / 1000));
      assert.equal(v.ok, true, JSON.stringify(v));
      assert.equal(verifyWebhook(String(q.headers['x-cellgate-signature']), q.body, 'another-secret', 300, Math.floor(Date.now() / 1000)).ok, false);
      assert.equal(q.headers['content-type'], 'application/json');
    }
    const payload = JSON.parse(mine[1]!.body);
    assert.equal(payload.event, 'sms.received');
    assert.equal(payload.text, text);
    assert.equal(payload.from, OUTSIDE);
    assert.equal(payload.to, NUMBER(4));
    assert.equal(payload.line, 4);

    // e-mail: through STARTTLS with login, subject and body name line, sender and text
    const mail = (await waitFor('the forward e-mail', () => smtp.mails.slice(before.mails), (ms) => ms.length >= 1, 15_000))[0]!;
    assert.equal(mail.secure, true, 'the SMTP session was upgraded with STARTTLS');
    assert.ok(smtp.upgrades >= 1);
    assert.equal(smtp.refusedPlain, 0, 'nothing was attempted in plain text');
    assert.equal(mail.user, smtp.user);
    assert.deepEqual(mail.to, [MAIL_TO]);
    assert.equal(mail.from, 'gateway@example.com');
    const { headers, body } = decodeMail(mail.raw);
    const subject = headers.get('subject') ?? '';
    assert.ok(subject.includes('L4') && subject.includes(OUTSIDE) && subject.includes('你好'), subject);
    assert.ok(body.includes(text), body);
    assert.ok(body.includes(`From: ${OUTSIDE}`), body);
    assert.ok(body.includes('Line: L4'), body);

    // SMS forward: `L4,<sender>>text` reaches line 3's SIM
    const fwdText = `L4,${OUTSIDE}>${text}`;
    const sim3 = await simOfLine(x, 3);
    await waitFor('the forward SMS at line 3', () => simLog(x, sim3.imsi), (l) => l.received.some((e) => e.text === fwdText), 15_000);
    const fwdIn = await received(fwdText);
    assert.equal(fwdIn.line, 3);
    assert.deepEqual(fwdIn.forwards, [], 'line 3 has no forwarding rule: no loop');

    // the jobs' statuses in the inbox view
    const view = await waitFor('all three forwards done', async () => (await x.call('GET', `/sms/inbox/${m.id}`)).body, (v) => v.forwards.length === 3 && v.forwards.every((f: any) => f.status === 'done'), 15_000);
    const byKind = Object.fromEntries(view.forwards.map((f: any) => [f.kind, f]));
    assert.equal(byKind.webhook.attempts, 2);
    assert.equal(byKind.email.attempts, 1);
    assert.equal(byKind['sms-forward'].target, NUMBER(3));
    const out = await outbound(x, byKind['sms-forward'].id);
    assert.equal(out.origin, 'forward');
    assert.equal(out.client, 'internal:forward');
    assert.equal(out.text, fwdText);
  });

  test('SMS commands: ###INFO### is answered; REBOOT with a wrong password is refused and logged, with the right one restarts; wrong guesses are rate-limited', { timeout: 60_000 }, async () => {
    const outsideTo = async (to: string) => ((await x.sim('GET', '/outside/sms')).body.messages as Array<{ from: string; to: string; text: string }>).filter((s) => s.to === to);
    // ###INFO###: a reply from line 1 to the sender, with the device name and the web address
    const asker = '+8613912340002';
    await fromOutside(asker, NUMBER(1), '###INFO###');
    const replies = await waitFor('the ###INFO### reply', () => outsideTo(asker), (l) => l.length >= 1, 15_000);
    assert.equal(replies.length, 1);
    assert.equal(replies[0]!.from, NUMBER(1));
    assert.match(replies[0]!.text, /^cellgate e2e-gw /);
    const reply = (await x.call('GET', `/sms/outbox?number=${encodeURIComponent(asker)}`)).body.items[0];
    assert.equal(reply.origin, 'command');
    assert.equal(reply.client, 'internal:command');
    assert.equal(reply.line, 1);

    const guesser = '+8613912340003';
    const admin = '+8613912340004';
    const wrong = () => logged('SMS command with a wrong password').filter((l) => l['from'] === guesser).length;
    const limited = () => logged('SMS command refused: too many wrong passwords').filter((l) => l['from'] === guesser).length;
    await fromOutside(guesser, NUMBER(2), 'REBOOT wrongpassword');
    await waitFor('the wrong password to be logged', wrong, (n) => n === 1, 15_000);
    assert.deepEqual(x.restarts, []);

    await fromOutside(admin, NUMBER(2), `REBOOT ${PASSWORD}`);
    await waitFor('the restart request', () => x.restarts.length, (n) => n === 1, 15_000);
    assert.match(x.restarts[0]!, /REBOOT from \+8613912340004 on line 2/);

    // two more wrong guesses, then the guesser is refused without a check, even with the right password
    // One command SMS per sender and second: the stored text is masked, so two within the same
    // second (TP-SCTS) look alike and the second is taken for a redelivery (src/sms/incoming.ts).
    const nextSecond = () => sleep(1100);
    for (const n of [2, 3]) {
      await nextSecond();
      await fromOutside(guesser, NUMBER(2), `REBOOT guess${n}`);
      await waitFor(`wrong password ${n}`, wrong, (k) => k === n, 15_000);
    }
    await nextSecond();
    await fromOutside(guesser, NUMBER(2), 'REBOOT guess4');
    await waitFor('the rate limit', limited, (n) => n === 1, 15_000);
    await nextSecond();
    await fromOutside(guesser, NUMBER(2), `REBOOT ${PASSWORD}`);
    await waitFor('the rate limit again', limited, (n) => n === 2, 15_000);
    assert.equal(wrong(), 3);
    assert.equal(x.restarts.length, 1, 'no restart for a rate-limited sender');
    // commands are stored with the password masked (test/e2e/sms-commands.test.ts); no log line holds a password
    const stored = await inbox(x, 'text=REBOOT');
    assert.equal(stored.total, 6);
    assert.ok(stored.items.every((m) => m.text === 'REBOOT ********' && m.command === 'reboot'), JSON.stringify(stored.items.map((m) => m.text)));
    const all = JSON.stringify(x.logs);
    for (const secret of [PASSWORD, 'wrongpassword', 'guess2', SECRET, smtp.password]) assert.ok(!all.includes(secret), `a log line holds ${secret}`);
  });

  test('USSD through the API: *100# balance; *123# menu, answered, done; DELETE cancels an open menu', async () => {
    const b = await x.call('POST', '/lines/1/ussd', { code: '*100#' });
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.equal(b.body.state, 'done');
    assert.match(b.body.text, /^Balance: 42\.50 CNY/);

    const menu = await x.call('POST', '/lines/2/ussd', { code: '*123#' });
    assert.equal(menu.body.state, 'menu', JSON.stringify(menu.body));
    assert.match(menu.body.text, /1\. Balance\n2\. Data bundle/);
    const sub = await x.call('POST', '/lines/2/ussd/reply', { text: '2' });
    assert.equal(sub.body.state, 'menu', JSON.stringify(sub.body));
    assert.match(sub.body.text, /1 GB 10 CNY/);
    const done = await x.call('POST', '/lines/2/ussd/reply', { text: '1' });
    assert.equal(done.body.state, 'done', JSON.stringify(done.body));
    assert.equal(done.body.text, 'Ordered 1 GB');
    assert.equal((await x.call('POST', '/lines/2/ussd/reply', { text: '1' })).status, 409, 'no menu open any more');

    const again = await x.call('POST', '/lines/3/ussd', { code: '*123#' });
    assert.equal(again.body.state, 'menu');
    assert.equal((await x.call('GET', '/lines/3/ussd')).body.state, 'menu');
    const c = await x.call('DELETE', '/lines/3/ussd');
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.equal(c.body.state, 'idle');
    assert.equal((await x.call('GET', '/lines/3/ussd')).body.state, c.body.state);
    assert.equal((await x.call('POST', '/lines/3/ussd/reply', { text: '1' })).status, 409, 'the menu is closed');
    assert.equal((await x.call('POST', '/lines/1/ussd', { code: 'abc' })).status, 400);
    assert.equal((await x.call('POST', '/lines/99/ussd', { code: '*100#' })).status, 404);
  });

  test("own number: GET /api/lines/:id/own-number shows the SIM's number (method sim)", async () => {
    for (const id of [1, 2]) {
      const r = await x.call('GET', `/lines/${id}/own-number`);
      assert.equal(r.status, 200);
      assert.equal(r.body.number, NUMBER(id));
      assert.equal(r.body.method, 'sim');
      assert.equal(r.body.iccid, (await x.line(id)).sim.iccid);
    }
  });

  test('restart: inbox and outbox are still there after stop and start on the same data directory', { timeout: 60_000 }, async () => {
    const inBefore = (await x.call('GET', '/sms/inbox?limit=1000')).body as { total: number; items: any[] };
    const outBefore = (await x.call('GET', '/sms/outbox?limit=1000')).body as { total: number; items: any[] };
    assert.ok(inBefore.total >= 10, `inbox has ${inBefore.total}`);
    assert.ok(outBefore.total >= 4, `outbox has ${outBefore.total}`);
    assert.ok(outBefore.items.every((m) => m.status !== 'queued' && m.status !== 'sending'), 'nothing in flight');
    await x.stop();
    x = await startSmsDaemon({ dataDir: x.dataDir });
    const inAfter = (await x.call('GET', '/sms/inbox?limit=1000')).body as { total: number; items: any[] };
    const outAfter = (await x.call('GET', '/sms/outbox?limit=1000')).body as { total: number; items: any[] };
    const strip = (items: any[]) => items.map(({ forwards, ...m }) => ({ ...m, forwards: (forwards ?? []).map((f: any) => [f.kind, f.status]) }));
    assert.deepEqual(strip(inAfter.items), strip(inBefore.items));
    assert.deepEqual(outAfter.items, outBefore.items);
    // and it still works
    const r = await x.call('POST', '/sms', { to: NUMBER(2), text: 'after the restart' });
    assert.equal((await waitStatus(x, r.body.id, ['delivered', 'failed', 'unknown'])).m.status, 'delivered');
  });

  test('a graceful stop while sending: the sends in progress finish and are recorded; after the restart the rest go out, each exactly once', { timeout: 60_000 }, async () => {
    const N = 40;
    const dest = await simOfLine(x, 2);
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const r = await x.call('POST', '/sms', { to: NUMBER(2), text: `graceful ${i}` });
      assert.equal(r.status, 202);
      ids.push(r.body.id);
    }
    await waitFor('a few sent', async () => (await x.call('GET', '/sms/outbox?text=graceful&status=delivered')).body.total, (n) => n >= 3, 15_000, 20);
    // what the modems submitted to the network: the sending SIMs' logs (an in-process simulator stops
    // with the daemon, so a message submitted just before the stop may never reach line 2's SIM)
    const senders = await Promise.all([1, 2, 3, 4].map(async (id) => (await x.line(id)).sim.imsi!));
    const sentBy = (sim: NonNullable<SmsDaemon['d']['simulator']>) =>
      senders.flatMap((imsi) => sim.network.log(imsi)!.sent.map((e) => e.text)).filter((t) => t.startsWith('graceful '));
    const sim1 = x.d.simulator!;
    await x.stop();
    const first = sentBy(sim1);
    x = await startSmsDaemon({ dataDir: x.dataDir });
    const after = await waitFor(
      'the rest to be sent',
      async () => (await x.call('GET', '/sms/outbox?text=graceful&limit=100')).body.items as any[],
      (items) => items.length === N && items.every((m) => m.status !== 'queued' && m.status !== 'sending'),
      30_000,
      100,
    );
    assert.deepEqual(after.filter((m) => m.status === 'unknown' || m.status === 'failed'), [], 'a graceful stop leaves no unknown outcome');
    const all = [...first, ...sentBy(x.d.simulator!)].sort();
    assert.deepEqual(all, Array.from({ length: N }, (_, i) => `graceful ${i}`).sort(), 'every text sent exactly once');
    const inDest = async () => (await simLog(x, dest.imsi)).received.filter((e) => e.text.startsWith('graceful ')).length;
    await waitFor('what was sent after the restart to reach line 2', inDest, (n) => n === N - first.length, 10_000);
    assert.ok(first.length > 0 && first.length < N, `${first.length} of ${N} went out before the stop`);
  });
});
