/**
 * SIP → GSM calls and their audio: the media session's audio starts with the line's id at early
 * media (183) or at the answer; digits cross per the DTMF settings (manual §4.4); audio that fails
 * ends the call with BYE and hangs the GSM leg up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitUntil } from '../../helpers/sip-peer-sockets.js';
import { requestText, sipPeer, type SipPeer } from '../core/core-fixtures.js';
import { callsConfig, startGateway, type Gateway } from './to-gsm-fixtures.js';

const OFFER = ['v=0', 'o=- 7 7 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 30000 RTP/AVP 0', ''].join('\r\n');
let n = 0;

async function call(t: { after(fn: () => Promise<void>): void }, config = callsConfig()): Promise<{ gw: Gateway; peer: SipPeer; callId: string; toTag: () => string | undefined; send: (method: string, cseq: number, extra?: { body: string; type: string }) => Promise<void> }> {
  const gw = await startGateway(1, config);
  const peer = await sipPeer();
  t.after(async () => {
    await peer.close();
    await gw.close();
  });
  const callId = `audio-${Date.now()}-${++n}`;
  let toTag: string | undefined;
  const send = (method: string, cseq: number, extra?: { body: string; type: string }): Promise<void> =>
    peer.send(
      requestText({
        method,
        peer: { host: peer.host, port: peer.port },
        branch: `z9hG4bKaudio${++n}`,
        callId,
        cseq,
        uri: 'sip:13800138000@127.0.0.1',
        ...(toTag === undefined ? {} : { toTag }),
        ...(extra ? { body: extra.body, extra: [`Content-Type: ${extra.type}`] } : {}),
      }),
      gw.core.udpPort,
    );
  await send('INVITE', 1, { body: OFFER, type: 'application/sdp' });
  const ok = await peer.response(200, 'INVITE', 5000);
  toTag = ok.to?.tag;
  await send('ACK', 1);
  await waitUntil(() => ['confirmed', 'collecting'].includes(gw.sipToGsm.handler.calls[0]?.state ?? ''), 3000, 'the call to be confirmed (or collecting digits)');
  return { gw, peer, callId, toTag: () => toTag, send };
}

test('the audio starts on the dialled line at the answer', async (t) => {
  const { gw } = await call(t);
  assert.equal(gw.media.audio.length, 1);
  assert.equal(gw.media.audio[0]!.lineId, gw.lines[0]!.id);
});

test('with 183 ringback the audio starts at the early media, before the answer', async (t) => {
  const gw = await startGateway(1, callsConfig({ ringback: '183' }));
  const peer = await sipPeer();
  t.after(async () => {
    await peer.close();
    await gw.close();
  });
  gw.lines[0]!.farParty = { kind: 'rings-forever', alertMs: 30 };
  await peer.send(requestText({ method: 'INVITE', peer: { host: peer.host, port: peer.port }, branch: 'z9hG4bKearly1', callId: 'early-1', cseq: 1, uri: 'sip:13800138000@127.0.0.1', body: OFFER, extra: ['Content-Type: application/sdp'] }), gw.core.udpPort);
  await peer.response(183, 'INVITE', 3000);
  await waitUntil(() => gw.media.audio.length === 1, 2000, 'audio at 183');
});

test('SIP digits (INFO) are keyed to GSM; GSM digits go out as RFC 4733 by default', async (t) => {
  const { gw, send } = await call(t);
  await send('INFO', 2, { body: 'Signal=7\r\nDuration=160\r\n', type: 'application/dtmf-relay' });
  await waitUntil(() => gw.media.keyed.length === 1, 2000, 'the digit keyed to GSM');
  assert.deepEqual(gw.media.keyed, ['7']);
  gw.media.audio[0]!.events.sipDigit('4');
  assert.deepEqual(gw.media.keyed, ['7', '4'], 'an RFC 4733 digit is keyed too');
  gw.media.audio[0]!.events.gsmDigit('9');
  assert.deepEqual(gw.media.toSip, ['9']);
});

test('"info" DTMF mode: a GSM digit goes to the SIP side as INFO with application/dtmf-relay', async (t) => {
  const { gw, peer } = await call(t, callsConfig({ dtmfToSip: 'info' }));
  gw.media.audio[0]!.events.gsmDigit('#');
  const infoRequest = await peer.request('INFO', 3000);
  assert.equal(infoRequest.headers.get('content-type'), 'application/dtmf-relay');
  assert.match(infoRequest.bodyText, /^Signal=#\r\nDuration=160\r\n$/);
  assert.deepEqual(gw.media.toSip, []);
});

test('"inband" DTMF mode: a GSM digit is left in the audio', async (t) => {
  const { gw, peer } = await call(t, callsConfig({ dtmfToSip: 'inband' }));
  gw.media.audio[0]!.events.gsmDigit('1');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(gw.media.toSip, []);
  assert.equal(peer.messages.filter((m) => m.kind === 'request' && m.method === 'INFO').length, 0);
});

test('audio that failed (RTP timeout) ends the call: BYE to the SIP side and the GSM leg hung up', async (t) => {
  const { gw, peer } = await call(t);
  gw.media.audio[0]!.events.failed('no RTP for 30 s');
  await peer.request('BYE', 3000);
  await waitUntil(() => !gw.lines[0]!.inCall, 3000, 'the GSM leg to end');
});

test('two-stage: audio starts without a line at the answer (dial tone, digits); RFC 4733 digits make the number; the line joins it', async (t) => {
  const { gw } = await call(t, callsConfig({ twoStage: { enabled: true, digitTimeoutSec: 5, forwardNumber: null } }));
  assert.equal(gw.media.audio.length, 1);
  assert.equal(gw.media.audio[0]!.lineId, null, 'no line yet');
  for (const d of ['1', '0', '0', '8', '6', '#'] as const) gw.media.audio[0]!.events.sipDigit(d);
  await waitUntil(() => gw.lines[0]!.dialled.length === 1, 3000, 'the dial');
  assert.equal(gw.lines[0]!.dialled[0]!.number, '10086');
  await waitUntil(() => gw.media.audio.length === 2, 3000, 'the line to join the audio');
  assert.equal(gw.media.audio[1]!.lineId, gw.lines[0]!.id);
});
