/** The MESSAGE handler on a real store and router, with hand-made incoming requests. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SipIncomingRequest, SipResponseSpec } from '../../../src/sip/core/index.js';
import { createRequest } from '../../../src/sip/message/index.js';
import { smsIdOf, PENDING_REPORT_KIND } from '../../../src/sip/sms-bridge/index.js';
import { waitUntil } from '../../helpers/sip-peer-sockets.js';
import { startRig } from './bridge-harness.js';
import { tempDir } from '../../store/temp-dir.js';

interface Answer {
  readonly status: number;
  readonly spec: SipResponseSpec | undefined;
  /** Whether the SMS was in the store when the answer went out. */
  readonly stored: boolean;
}

const noEndpoint = { sendRequest: () => Promise.resolve({ kind: 'timeout' as const }) };

function incoming(body: string, answers: Answer[], isStored: () => boolean, over: { contentType?: string; cseq?: number } = {}): SipIncomingRequest {
  const request = createRequest({
    method: 'MESSAGE',
    uri: 'sip:goip-01@127.0.0.1',
    via: { transport: 'UDP', host: '127.0.0.1', port: 5099, branch: `z9hG4bK${Math.random().toString(36).slice(2)}` },
    from: { uri: 'sip:102@127.0.0.1', tag: 'fixed-tag' },
    to: { uri: 'sip:goip-01@127.0.0.1' },
    callId: 'call-1@127.0.0.1',
    cseq: over.cseq ?? 7,
    version: 'test',
    contentType: over.contentType ?? 'text/plain;charset=UTF-8',
    body,
  });
  return {
    request,
    source: { ip: '127.0.0.1', port: 5099 },
    transport: 'udp',
    dialog: undefined,
    uas: undefined,
    cancelled: false,
    respond(status, _reason, spec) {
      answers.push({ status, spec, stored: isStored() });
      return { ok: false, reason: 'transaction-ended' };
    },
  };
}

test('202 only once the SMS is durable in the outbox, with the report parked beside it', async (t) => {
  const rig = startRig(t, { endpoint: noEndpoint, localPort: 5060 });
  const answers: Answer[] = [];
  const req = incoming('13602345012\r\n你好', answers, () => rig.store.queryOutbound({}).total === 1);
  rig.bridge.handler.handleRequest(req);
  await waitUntil(() => answers.length === 1, 3000, 'an answer');
  assert.equal(answers[0]!.status, 202);
  assert.equal(answers[0]!.stored, true);
  const id = smsIdOf(req.request);
  assert.equal(rig.store.getOutbound(id)?.text, '你好');
  assert.equal(rig.store.deliveriesOf(id).filter((d) => d.kind === PENDING_REPORT_KIND).length, 1);
});

test('the same MESSAGE again after a restart is answered 202 without a second SMS', async (t) => {
  const dir = tempDir(t);
  const answers: Answer[] = [];
  {
    const first = startRig(t, { endpoint: noEndpoint, localPort: 5060, dir });
    first.bridge.handler.handleRequest(incoming('13602345012\n你好', answers, () => true));
    await waitUntil(() => answers.length === 1, 3000, 'the first answer');
    await first.bridge.stop();
    first.store.close();
  }
  const again = startRig(t, { endpoint: noEndpoint, localPort: 5060, dir });
  again.bridge.handler.handleRequest(incoming('13602345012\n你好', answers, () => true));
  await waitUntil(() => answers.length === 2, 3000, 'the second answer');
  assert.deepEqual(answers.map((a) => a.status), [202, 202]);
  assert.equal(again.store.queryOutbound({}).total, 1);
});

test('refused by the access check: no answer from the bridge, nothing stored', async (t) => {
  const rig = startRig(t, { endpoint: noEndpoint, localPort: 5060, extra: { admit: () => ({ allowed: false }) } });
  const answers: Answer[] = [];
  rig.bridge.handler.handleRequest(incoming('13602345012\nhi', answers, () => false));
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(answers, []);
  assert.equal(rig.store.queryOutbound({}).total, 0);
});

test('a bad request gets readInboundMessage’s status (415 with Accept)', async (t) => {
  const rig = startRig(t, { endpoint: noEndpoint, localPort: 5060 });
  const answers: Answer[] = [];
  rig.bridge.handler.handleRequest(incoming('<b>hi</b>', answers, () => false, { contentType: 'text/html' }));
  assert.equal(answers[0]?.status, 415);
  assert.deepEqual(answers[0]?.spec?.headers, [['Accept', 'text/plain']]);
});

test('strict dial rules refuse the number: 403, nothing stored, no report kept', async (t) => {
  const rig = startRig(t, { endpoint: noEndpoint, localPort: 5060, sms: { strictDialRules: true, dialRules: '86:-86' } });
  const answers: Answer[] = [];
  rig.bridge.handler.handleRequest(incoming('13602345012\nhi', answers, () => false));
  await waitUntil(() => answers.length === 1, 3000, 'an answer');
  assert.equal(answers[0]!.status, 403);
  assert.match(answers[0]!.spec?.headers?.[0]?.[1] ?? '', /^399 cellgate "dial rules refuse/);
  assert.equal(rig.store.queryOutbound({}).total, 0);
  assert.equal(rig.store.pending(PENDING_REPORT_KIND, 10).length, 0);
});
