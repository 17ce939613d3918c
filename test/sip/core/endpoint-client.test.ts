/** The endpoint as a UAC on real UDP sockets: INVITE answered 486 (ACKed), 200 (ACK, BYE), CANCEL → 487; MESSAGE. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, type SipRequest } from '../../../src/sip/message/index.js';
import { waitUntil } from '../../helpers/sip-peer-sockets.js';
import { FakeScheduler } from '../transaction/transaction-fixtures.js';
import { responseText, sipPeer, startEndpoint, type CoreEndpoint, type SipPeer } from './core-fixtures.js';

function outgoing(core: CoreEndpoint, peer: SipPeer, method: string, body?: string): SipRequest {
  return createRequest({
    method,
    uri: `sip:bob@127.0.0.1:${peer.port}`,
    via: { transport: 'UDP', host: '127.0.0.1', port: core.udpPort },
    from: { uri: 'sip:gw@127.0.0.1' },
    to: { uri: 'sip:bob@127.0.0.1' },
    cseq: 1,
    contact: `<sip:gw@127.0.0.1:${core.udpPort}>`,
    version: 'test',
    ...(body === undefined ? {} : { contentType: 'text/plain;charset=UTF-8', body }),
  });
}

test('an outgoing INVITE answered 486 gets the ACK with the INVITE branch (§17.1.1.3)', async () => {
  const core = await startEndpoint();
  const peer = await sipPeer();
  try {
    const invite = outgoing(core, peer, 'INVITE');
    const call = core.endpoint.sendInvite(invite, { ip: '127.0.0.1', port: peer.port, kind: 'udp' });
    const received = await peer.request('INVITE');
    await peer.send(responseText(received, 486, 'Busy Here', 'bob1'), core.udpPort);
    const outcome = await call.outcome;
    assert.equal(outcome.kind, 'failed');
    assert.equal(outcome.kind === 'failed' && outcome.response.statusCode, 486);
    const ack = await peer.request('ACK');
    assert.equal(ack.topVia?.branch, invite.topVia?.branch);
    assert.equal(ack.to?.tag, 'bob1');
    assert.equal(ack.cseq?.seq, 1);
    assert.equal(call.uac.state, 'failed');
  } finally {
    await peer.close();
    await core.close();
  }
});

test('an outgoing INVITE answered 200: ACK to the Contact, dialog confirmed, BYE answered', async () => {
  const core = await startEndpoint();
  const peer = await sipPeer();
  try {
    const provisional: number[] = [];
    const call = core.endpoint.sendInvite(outgoing(core, peer, 'INVITE'), { ip: '127.0.0.1', port: peer.port, kind: 'udp' }, { onProvisional: (r) => provisional.push(r.statusCode) });
    const received = await peer.request('INVITE');
    await peer.send(responseText(received, 180, 'Ringing', 'bob2', [`Contact: <sip:bob@127.0.0.1:${peer.port}>`]), core.udpPort);
    await peer.send(responseText(received, 200, 'OK', 'bob2', [`Contact: <sip:bob@127.0.0.1:${peer.port}>`]), core.udpPort);
    const outcome = await call.outcome;
    assert.equal(outcome.kind, 'answered');
    assert.deepEqual(provisional, [180]);
    const ack = await peer.request('ACK');
    assert.notEqual(ack.topVia?.branch, received.topVia?.branch, 'the ACK for a 2xx is a transaction of its own (§13.2.2.4)');
    assert.ok(outcome.kind === 'answered');
    core.endpoint.dialogs.sendBye(outcome.dialog);
    const bye = await peer.request('BYE');
    await peer.send(responseText(bye, 200, 'OK', undefined), core.udpPort);
    assert.equal(outcome.dialog.state, 'terminated');
  } finally {
    await peer.close();
    await core.close();
  }
});

test('CANCEL of an outgoing INVITE goes to the same destination with the same branch; the 487 is ACKed', async () => {
  const core = await startEndpoint();
  const peer = await sipPeer();
  try {
    // The Request-URI names another port: CANCEL must follow the INVITE's destination, not the URI (§9.1).
    const invite = outgoing(core, peer, 'INVITE');
    invite.uri = 'sip:bob@127.0.0.1:9';
    const call = core.endpoint.sendInvite(invite, { ip: '127.0.0.1', port: peer.port, kind: 'udp' });
    const received = await peer.request('INVITE');
    await peer.send(responseText(received, 180, 'Ringing', 'bob3'), core.udpPort);
    await new Promise((r) => setTimeout(r, 50));
    const verdict = call.cancel();
    assert.equal(verdict.ok, true);
    const cancel = await peer.request('CANCEL');
    assert.equal(cancel.topVia?.branch, received.topVia?.branch);
    await peer.send(responseText(cancel, 200, 'OK', 'bob3'), core.udpPort);
    await peer.send(responseText(received, 487, 'Request Terminated', 'bob3'), core.udpPort);
    const outcome = await call.outcome;
    assert.equal(outcome.kind === 'failed' && outcome.response.statusCode, 487);
    await peer.request('ACK');
    assert.deepEqual(call.cancel(), { ok: false, reason: 'not-pending' });
  } finally {
    await peer.close();
    await core.close();
  }
});

test('sendRequest: a MESSAGE resolves with its final response; 1xx are surfaced', async () => {
  const core = await startEndpoint();
  const peer = await sipPeer();
  try {
    const seen: number[] = [];
    const pending = core.endpoint.sendRequest(outgoing(core, peer, 'MESSAGE', 'Grüße'), { ip: '127.0.0.1', port: peer.port, kind: 'udp' }, { onProvisional: (r) => seen.push(r.statusCode) });
    const received = await peer.request('MESSAGE');
    assert.equal(received.bodyText, 'Grüße');
    await peer.send(responseText(received, 100, 'Trying', undefined), core.udpPort);
    await peer.send(responseText(received, 202, 'Accepted', 'bob4'), core.udpPort);
    const outcome = await pending;
    assert.equal(outcome.kind === 'response' && outcome.response.statusCode, 202);
    assert.deepEqual(seen, [100]);
    const refused = await core.endpoint.sendRequest(outgoing(core, peer, 'MESSAGE'), { ip: '127.0.0.1', port: peer.port, kind: 'tls' });
    assert.equal(refused.kind, 'transport-error', 'no TLS transport in this set');
  } finally {
    await peer.close();
    await core.close();
  }
});

test('a 2xx retransmission after the INVITE transaction ended is a stray that the dialog layer ACKs; other strays are dropped', async () => {
  const scheduler = new FakeScheduler();
  const core = await startEndpoint({ scheduler });
  const peer = await sipPeer();
  try {
    const call = core.endpoint.sendInvite(outgoing(core, peer, 'INVITE'), { ip: '127.0.0.1', port: peer.port, kind: 'udp' });
    const received = await peer.request('INVITE');
    const ok = responseText(received, 200, 'OK', 'bob5', [`Contact: <sip:bob@127.0.0.1:${peer.port}>`]);
    await peer.send(ok, core.udpPort);
    assert.equal((await call.outcome).kind, 'answered');
    await peer.request('ACK');
    scheduler.advance(64 * 500); // Timer M: the client transaction is gone (RFC 6026 §8.4)
    assert.equal(core.endpoint.transactionCounts.client, 0);
    await peer.send(ok, core.udpPort);
    await waitUntil(() => peer.messages.filter((m) => m.kind === 'request' && m.method === 'ACK').length === 2, 3000, 'the second ACK');
    await peer.send(responseText(received, 486, 'Busy Here', 'bob6'), core.udpPort);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(peer.messages.filter((m) => m.kind === 'request').length, 3, 'a stray 486 gets nothing');
  } finally {
    await peer.close();
    await core.close();
  }
});
