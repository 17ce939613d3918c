/**
 * SIP → GSM calls driven by a hand-written UDP peer where the exchange needs bodies SIPp does not
 * send easily: two-stage dialing with digits in INFO (manual §4.6), the fixed forward number, an
 * INVITE without SDP (offer in the 200, answer in the ACK, RFC 3261 §13.2.1) and an offer the media
 * cannot answer (488), and stopping with calls in progress.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitUntil } from '../../helpers/sip-peer-sockets.js';
import { requestText, sipPeer, type SipPeer } from '../core/core-fixtures.js';
import { callsConfig, startGateway, type Gateway } from './to-gsm-fixtures.js';

const OFFER = ['v=0', 'o=- 7 7 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 30000 RTP/AVP 0', ''].join('\r\n');

let branchCount = 0;
const branch = () => `z9hG4bKtest${++branchCount}`;

interface Dialogue {
  peer: SipPeer;
  gw: Gateway;
  callId: string;
  toTag?: string;
  cseq: number;
}

function send(d: Dialogue, method: string, extra: { body?: string; extra?: string[]; cseq?: number; branch?: string } = {}): Promise<void> {
  return d.peer.send(
    requestText({
      method,
      peer: { host: d.peer.host, port: d.peer.port },
      branch: extra.branch ?? branch(),
      callId: d.callId,
      cseq: extra.cseq ?? d.cseq,
      uri: 'sip:13800138000@127.0.0.1',
      ...(d.toTag === undefined ? {} : { toTag: d.toTag }),
      ...(extra.extra ? { extra: extra.extra } : {}),
      ...(extra.body === undefined ? {} : { body: extra.body }),
    }),
    d.gw.core.udpPort,
  );
}

async function invite(d: Dialogue, body: string | undefined): Promise<void> {
  await send(d, 'INVITE', body === undefined ? {} : { body, extra: ['Content-Type: application/sdp'] });
}

async function answeredAndAcked(d: Dialogue, ackBody?: string): Promise<void> {
  const ok = await d.peer.response(200, 'INVITE', 5000);
  d.toTag = ok.to?.tag;
  await send(d, 'ACK', { cseq: 1, ...(ackBody === undefined ? {} : { body: ackBody, extra: ['Content-Type: application/sdp'] }) });
}

async function info(d: Dialogue, digit: string): Promise<void> {
  d.cseq++;
  await send(d, 'INFO', { body: `Signal=${digit}\r\nDuration=160\r\n`, extra: ['Content-Type: application/dtmf-relay'] });
}

async function setUp(t: { after(fn: () => Promise<void>): void }, config = callsConfig()): Promise<Dialogue> {
  const gw = await startGateway(1, config);
  const peer = await sipPeer();
  t.after(async () => {
    await peer.close();
    await gw.close();
  });
  return { peer, gw, callId: `two-stage-${Date.now()}-${Math.random()}`, cseq: 1 };
}

test('two-stage: 200 at once, digits from INFO up to #, then the line dials them; BYE hangs the line up', async (t) => {
  const d = await setUp(t, callsConfig({ twoStage: { enabled: true, digitTimeoutSec: 5, forwardNumber: null } }));
  await invite(d, OFFER);
  await answeredAndAcked(d);
  assert.equal(d.gw.lines[0]!.dialled.length, 0, 'nothing dialled before the digits');
  for (const digit of ['1', '0', '0', '8', '6', '#']) await info(d, digit);
  await waitUntil(() => d.gw.lines[0]!.dialled.length === 1, 3000, 'the dial');
  assert.equal(d.gw.lines[0]!.dialled[0]!.number, '10086');
  await waitUntil(() => d.peer.responses(200).filter((r) => r.cseq?.method === 'INFO').length === 6, 3000, `six 200s for the INFOs (got ${d.peer.messages.map((m) => (m.kind === 'response' ? `${m.statusCode} ${m.cseq?.method}` : m.method)).join(', ')})`);
  await waitUntil(() => d.gw.sipToGsm.handler.calls[0]?.state === 'confirmed', 3000, 'the GSM answer');
  d.cseq++;
  await send(d, 'BYE');
  await waitUntil(() => !d.gw.lines[0]!.inCall, 3000, 'the GSM leg to end');
  assert.equal(d.gw.lines[0]!.hangups, 1);
});

test('two-stage: without #, the digit timeout ends the number', async (t) => {
  const d = await setUp(t, callsConfig({ twoStage: { enabled: true, digitTimeoutSec: 0.3, forwardNumber: null } }));
  await invite(d, OFFER);
  await answeredAndAcked(d);
  await info(d, '1');
  await info(d, '2');
  await waitUntil(() => d.gw.lines[0]!.dialled.length === 1, 3000, 'the dial after the timeout');
  assert.equal(d.gw.lines[0]!.dialled[0]!.number, '12');
});

test('two-stage with a forward number dials it without collecting', async (t) => {
  const d = await setUp(t, callsConfig({ twoStage: { enabled: true, digitTimeoutSec: 5, forwardNumber: '10010' } }));
  await invite(d, OFFER);
  await answeredAndAcked(d);
  await waitUntil(() => d.gw.lines[0]!.dialled.length === 1, 3000, 'the dial');
  assert.equal(d.gw.lines[0]!.dialled[0]!.number, '10010');
});

test('two-stage: the GSM callee is busy after the SIP answer: the gateway sends BYE', async (t) => {
  const d = await setUp(t, callsConfig({ twoStage: { enabled: true, digitTimeoutSec: 5, forwardNumber: '10010' } }));
  d.gw.lines[0]!.farParty = { kind: 'busy', afterMs: 100 };
  await invite(d, OFFER);
  await answeredAndAcked(d);
  const bye = await d.peer.request('BYE', 3000);
  assert.equal(bye.callId, d.callId);
});

test('an INVITE without SDP: the 200 carries our offer and the ACK the answer (RFC 3261 §13.2.1)', async (t) => {
  const d = await setUp(t);
  await invite(d, undefined);
  const ok = await d.peer.response(200, 'INVITE', 5000);
  assert.match(ok.bodyText, /s=offer/);
  d.toTag = ok.to?.tag;
  await send(d, 'ACK', { cseq: 1, body: OFFER, extra: ['Content-Type: application/sdp'] });
  await waitUntil(() => d.gw.sipToGsm.handler.calls[0]?.state === 'confirmed', 3000, 'the ACK');
  assert.deepEqual(d.gw.media.remotes, [OFFER]);
});

test('an offer the media cannot answer: 488 and nothing dialled', async (t) => {
  const d = await setUp(t);
  await invite(d, OFFER.replace('RTP/AVP 0', 'RTP/AVP 18'));
  await d.peer.response(488, 'INVITE', 3000);
  assert.equal(d.gw.lines[0]!.dialled.length, 0);
  assert.equal(d.gw.media.open, 0);
});

test('a body that is not SDP: 415 with Accept', async (t) => {
  const d = await setUp(t);
  await send(d, 'INVITE', { body: 'hello', extra: ['Content-Type: text/plain'] });
  const r = await d.peer.response(415, 'INVITE', 3000);
  assert.equal(r.headers.get('accept'), 'application/sdp');
});

test('stop(): a ringing call gets 503 and its GSM leg is hung up; an answered one gets BYE', async (t) => {
  const d = await setUp(t);
  d.gw.lines[0]!.farParty = { kind: 'rings-forever', alertMs: 20 };
  await invite(d, OFFER);
  await d.peer.response(180, 'INVITE', 3000);
  d.gw.sipToGsm.stop();
  await d.peer.response(503, 'INVITE', 3000);
  await waitUntil(() => !d.gw.lines[0]!.inCall, 3000, 'the GSM leg to end');

  const second: Dialogue = { ...d, callId: `${d.callId}-2`, cseq: 1 };
  d.gw.lines[0]!.farParty = { kind: 'answers', alertMs: 20, answerMs: 50 };
  await invite(second, OFFER);
  await answeredAndAcked(second);
  await waitUntil(() => d.gw.sipToGsm.handler.calls[0]?.state === 'confirmed', 3000, 'the ACK');
  d.gw.sipToGsm.stop();
  const bye = await d.peer.request('BYE', 3000);
  assert.equal(bye.callId, second.callId);
  assert.equal(d.gw.sipToGsm.handler.calls.length, 0);
});
