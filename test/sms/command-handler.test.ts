/**
 * SmsCommandHandler: the password comes from the SMS in memory (the stored text is masked); ###INFO###
 * answers only the senders allowed, each within its rate limit; wrong passwords are logged without
 * the guess.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmsCommandHandler, sameNumber } from '../../src/sms/command-handler.js';
import type { SmsConfig } from '../../src/config/schema-messaging.js';
import type { InboundMessage } from '../../src/store/message-store.js';
import { ReplyLimit } from '../../src/sms/reply-limit.js';
import type { Logger } from '../../src/util/log.js';

type Commands = SmsConfig['commands'];
const COMMANDS: Commands = { info: true, infoFrom: [], infoLimit: { perSender: 1, windowMinutes: 60 }, reboot: true, reset: true };

function rig(commands: Partial<Commands> = {}) {
  const clock = { t: 1_700_000_000_000 };
  const replies: Array<{ line: number; to: string; text: string }> = [];
  const reboots: string[] = [];
  const logs: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  const checked: string[] = [];
  const cfg = { commands: { ...COMMANDS, ...commands } };
  const log = {
    info: (obj: Record<string, unknown>, msg: string) => logs.push({ level: 'info', obj, msg }),
    warn: (obj: Record<string, unknown>, msg: string) => logs.push({ level: 'warn', obj, msg }),
    error: (obj: Record<string, unknown>, msg: string) => logs.push({ level: 'error', obj, msg }),
  } as unknown as Logger;
  const h = new SmsCommandHandler({
    config: () => cfg as unknown as SmsConfig,
    verifyAdminPassword: async (pw) => {
      checked.push(pw);
      return pw === 'right one';
    },
    reply: async (line, to, text) => replies.push({ line, to, text }),
    addresses: () => ({ http: ['http://192.0.2.1/'] }),
    device: () => ({ name: 'gw', version: '1.0' }),
    reboot: (reason) => reboots.push(reason),
    reset: async () => undefined,
    log,
    now: () => clock.t,
  });
  return { h, cfg, clock, replies, reboots, logs, checked };
}

function stored(over: Partial<InboundMessage> = {}): InboundMessage {
  return { id: 'in1', line: '2', slot: 'A', iccid: null, recipient: null, sender: '+8613912340001', text: 'REBOOT ********', parts: 1, received: 1, partial: false, sentAt: null, receivedAt: 0, command: 'reboot', ...over };
}

test('REBOOT: the password checked is the one from the SMS, not the masked stored text', async () => {
  const r = rig();
  assert.equal(await r.h.handle(stored(), { kind: 'reboot', password: 'right one' }), 'reboot');
  assert.deepEqual(r.checked, ['right one']);
  assert.equal(r.reboots.length, 1);
  assert.match(r.reboots[0]!, /REBOOT from \+8613912340001 on line 2/);
});

test('a wrong password is logged with the sender and the message id, never the guess', async () => {
  const r = rig();
  assert.equal(await r.h.handle(stored(), { kind: 'reboot', password: 'guess-123' }), 'refused');
  assert.deepEqual(r.reboots, []);
  const line = r.logs.find((l) => l.msg === 'SMS command with a wrong password');
  assert.ok(line);
  assert.deepEqual(line.obj, { id: 'in1', line: 2, from: '+8613912340001', command: 'reboot' });
  assert.ok(!JSON.stringify(r.logs).includes('guess-123'));
});

test('###INFO###: answered once per sender within the window (sms.commands.infoLimit), then again after it', async () => {
  const r = rig();
  const info = stored({ text: '###INFO###', command: 'info' });
  assert.equal(await r.h.handle(info, { kind: 'info' }), 'info');
  assert.equal(r.replies.length, 1);
  assert.deepEqual({ line: r.replies[0]!.line, to: r.replies[0]!.to }, { line: 2, to: '+8613912340001' });
  assert.match(r.replies[0]!.text, /^cellgate gw 1\.0\nHTTP http:\/\/192\.0\.2\.1\//);
  assert.equal(await r.h.handle(info, { kind: 'info' }), 'refused');
  assert.equal(r.replies.length, 1, 'the second ask within the hour costs no SMS');
  assert.ok(r.logs.some((l) => l.msg.includes('infoLimit') && l.obj['retryAfterSec'] === 3600));
  // another sender has its own allowance
  assert.equal(await r.h.handle(stored({ text: '###INFO###', command: 'info', sender: '+8613912340009' }), { kind: 'info' }), 'info');
  r.clock.t += 60 * 60_000;
  assert.equal(await r.h.handle(info, { kind: 'info' }), 'info');
  assert.equal(r.replies.length, 3);
});

test('###INFO###: with sms.commands.infoFrom only those senders are answered (a leading + ignored)', async () => {
  const r = rig({ infoFrom: ['8613912340001'] });
  const from = (sender: string) => r.h.handle(stored({ text: '###INFO###', command: 'info', sender }), { kind: 'info' });
  assert.equal(await from('+8613912340002'), 'refused');
  assert.equal(r.replies.length, 0);
  assert.ok(r.logs.some((l) => l.msg.includes('not in sms.commands.infoFrom') && l.obj['from'] === '+8613912340002'));
  assert.equal(await from('+8613912340001'), 'info');
  assert.equal(r.replies.length, 1);
  assert.equal(sameNumber('+86 139-1234', '861391234'), true);
  assert.equal(sameNumber('+8613912340001', '13912340001'), false, 'no guessing of country codes');
});

test('a command switched off after it arrived is not acted on', async () => {
  const r = rig();
  r.cfg.commands.reboot = false;
  assert.equal(await r.h.handle(stored(), { kind: 'reboot', password: 'right one' }), 'ignored');
  assert.deepEqual(r.checked, []);
  assert.deepEqual(r.reboots, []);
});

test('ReplyLimit: a sliding window per sender, bounded memory', () => {
  let t = 0;
  const l = new ReplyLimit({ perSender: 2, windowMs: 1000, maxSenders: 2, now: () => t });
  assert.deepEqual(l.take('a'), { allowed: true });
  t = 100;
  assert.deepEqual(l.take('a'), { allowed: true });
  assert.deepEqual(l.take('a'), { allowed: false, retryAfterMs: 900 });
  t = 1000;
  assert.deepEqual(l.take('a'), { allowed: true }, 'the first reply left the window');
  l.take('b');
  l.take('c'); // forgets 'a', the least recently seen
  assert.deepEqual(l.take('a'), { allowed: true });
});
