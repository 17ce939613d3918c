import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFanout, emailTargetAddresses, lineNumberOf, webhookRuleFor } from '../../src/sms/fanout.js';
import type { ForwardRule } from '../../src/config/schema-messaging.js';
import type { InboundMessage } from '../../src/store/message-store.js';

function msg(line: string): InboundMessage {
  return {
    id: 'm1',
    line,
    slot: 'A',
    iccid: null,
    recipient: null,
    sender: '+8613670128297',
    text: '你好',
    parts: 1,
    received: 1,
    partial: false,
    sentAt: null,
    receivedAt: 0,
    command: null,
  };
}

const rules: ForwardRule[] = [
  { lines: [1], phone: '+8613800000009' },
  { lines: [2, 3], email: ['a@example.com', 'b@example.com'], webhook: { url: 'https://hooks.example.com/sms', secret: 'topsecret-1' } },
  { sip: 'sip:101@192.168.2.2:6060' },
  // The same webhook by a second rule: one job.
  { lines: [3], webhook: { url: 'https://hooks.example.com/sms', secret: 'topsecret-1' } },
];

const accounts = [
  { systemId: 'crm', receive: true },
  { systemId: 'line2only', lines: [2], receive: true },
  { systemId: 'sender', receive: false },
];

test('fanout: every rule covering the message line forwards; rules without lines cover all', () => {
  const f = buildFanout(rules, { smppAccounts: [] });
  assert.deepEqual(
    f(msg('1')).map((j) => [j.kind, j.target]),
    [
      ['sms-forward', '+8613800000009'],
      ['sip', 'sip:101@192.168.2.2:6060'],
    ],
  );
  assert.deepEqual(
    f(msg('3')).map((j) => [j.kind, j.target]),
    [
      ['email', 'a@example.com, b@example.com'],
      ['webhook', 'https://hooks.example.com/sms'],
      ['sip', 'sip:101@192.168.2.2:6060'],
    ],
  );
  assert.deepEqual(f(msg('4')).map((j) => j.kind), ['sip']);
});

test('fanout: no secret is ever written into a job', () => {
  const f = buildFanout(rules, { smppAccounts: accounts });
  for (const line of ['1', '2', '3']) {
    for (const j of f(msg(line))) {
      assert.equal(j.payload, null);
      assert.ok(!JSON.stringify(j).includes('topsecret'), JSON.stringify(j));
    }
  }
});

test('fanout: one smpp-mo job per receiving SMPP account whose lines include the line', () => {
  const f = buildFanout([], { smppAccounts: accounts });
  assert.deepEqual(f(msg('1')).map((j) => [j.kind, j.target]), [['smpp-mo', 'crm']]);
  assert.deepEqual(
    f(msg('2')).map((j) => [j.kind, j.target]),
    [
      ['smpp-mo', 'crm'],
      ['smpp-mo', 'line2only'],
    ],
  );
});

test('fanout: a line id that is not a number matches only rules for all lines', () => {
  const f = buildFanout(rules, { smppAccounts: accounts });
  assert.equal(lineNumberOf({ line: 'x1' }), null);
  assert.equal(lineNumberOf({ line: '12' }), 12);
  assert.deepEqual(f(msg('x1')).map((j) => j.kind), ['sip', 'smpp-mo']);
});

test('fanout: no rules and no accounts give no jobs; the configuration is copied', () => {
  assert.deepEqual(buildFanout([], { smppAccounts: [] })(msg('1')), []);
  const live: ForwardRule[] = [{ lines: [1], phone: '+861' }];
  const f = buildFanout(live, { smppAccounts: [] });
  live[0]!.lines!.push(2);
  assert.deepEqual(f(msg('2')), []);
});

test('webhookRuleFor and emailTargetAddresses', () => {
  assert.equal(webhookRuleFor(rules, 'https://hooks.example.com/sms')?.secret, 'topsecret-1');
  assert.equal(webhookRuleFor(rules, 'https://other.example.com/'), undefined);
  assert.deepEqual(emailTargetAddresses('a@example.com, b@example.com'), ['a@example.com', 'b@example.com']);
  assert.deepEqual(emailTargetAddresses(' , '), []);
});
