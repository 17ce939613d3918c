/** SIP over UDP on 127.0.0.1 with real sockets: round trip with received/rport, bad datagrams, caps, reply path. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse, parseSipMessage, type SipRequest } from '../../../src/sip/message/index.js';
import { SipTransportSet, UdpTransport, type IncomingSip } from '../../../src/sip/transport/index.js';
import { silentLogger } from '../../../src/util/log.js';
import { sipRequest, udpPeer, waitUntil } from '../../helpers/sip-peer-sockets.js';

async function start(options: { replyPath?: 'via' | 'source'; maxDatagramBytes?: number } = {}) {
  const udp = new UdpTransport({ version: 'test', log: silentLogger(), maxDatagramBytes: options.maxDatagramBytes });
  const set = new SipTransportSet([udp], { replyPath: options.replyPath });
  const incoming: IncomingSip[] = [];
  set.setReceiver((i) => {
    incoming.push(i);
    if (i.kind === 'message' && i.message.kind === 'request') void set.sendResponse(createResponse(i.message, 200, 'OK', { version: 'test' }), i);
  });
  const address = await udp.listen('127.0.0.1', 0);
  return { udp, set, incoming, port: address.port };
}

test('UDP: a request gets received/rport stamped and its 200 goes back to the source port', async () => {
  const { set, incoming, port } = await start();
  const peer = await udpPeer();
  try {
    // The Via names a port nobody listens on; rport makes the answer follow the packet (RFC 3581 §4).
    await peer.send(sipRequest('OPTIONS', 'SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKu1'), port);
    await waitUntil(() => peer.received.length === 1, 3000, 'the 200');
    const request = incoming[0]!;
    assert.equal(request.kind, 'message');
    assert.equal(request.transport, 'udp');
    assert.deepEqual(request.source, { ip: '127.0.0.1', port: peer.port });
    assert.equal(request.connection, undefined);
    const answer = parseSipMessage(peer.received[0]!.bytes);
    assert.ok(answer.ok && answer.message.kind === 'response');
    assert.equal(answer.message.statusCode, 200);
    assert.equal(answer.message.topVia?.params['received'], '127.0.0.1');
    assert.equal(answer.message.topVia?.params['rport'], String(peer.port));
    assert.equal(peer.received[0]!.port, port, 'the answer comes from the listening socket');
  } finally {
    await peer.close();
    await set.close();
  }
});

test('UDP: without rport the response goes to the Via sent-by; with reply path "source" to the packet source', async () => {
  const sentBy = await udpPeer();
  const sender = await udpPeer();
  const viaRouted = await start();
  const sourceRouted = await start({ replyPath: 'source' });
  try {
    await sender.send(sipRequest('OPTIONS', `SIP/2.0/UDP 127.0.0.1:${sentBy.port};branch=z9hG4bKu2`), viaRouted.port);
    await waitUntil(() => sentBy.received.length === 1, 3000, 'the 200 at the sent-by port');
    assert.equal(sender.received.length, 0);
    await sender.send(sipRequest('OPTIONS', `SIP/2.0/UDP 127.0.0.1:${sentBy.port};branch=z9hG4bKu3`), sourceRouted.port);
    await waitUntil(() => sender.received.length === 1, 3000, 'the 200 at the source port');
    assert.equal(sentBy.received.length, 1);
  } finally {
    await Promise.all([sentBy.close(), sender.close(), viaRouted.set.close(), sourceRouted.set.close()]);
  }
});

test('UDP: a bad request gets 400 at its source even when its Via points elsewhere; garbage and bad responses are dropped', async () => {
  const { set, incoming, port } = await start();
  const peer = await udpPeer();
  try {
    const noCallId = sipRequest('OPTIONS', 'SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKu4').replace('Call-ID: call-1\r\n', '');
    await peer.send(noCallId, port);
    await waitUntil(() => peer.received.length === 1, 3000, 'the 400');
    // The answer lacks a Call-ID too (there was none to copy), so it is read as text.
    const answer = peer.received[0]!.bytes.toString('latin1');
    assert.match(answer, /^SIP\/2\.0 400 Missing Call-ID Header\r\n/);
    assert.match(answer, /\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:9;branch=z9hG4bKu4\r\n/);
    await peer.send('\x00\x01 not sip at all', port);
    await peer.send('SIP/2.0 200 OK\r\nVia: garbage\r\n\r\n', port);
    await waitUntil(() => incoming.length === 3, 3000, 'three reports');
    assert.deepEqual(incoming.map((i) => (i.kind === 'rejected' ? i.verdict.action : i.kind)), ['respond', 'discard', 'discard']);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(peer.received.length, 1, 'nothing answers a discard');
  } finally {
    await peer.close();
    await set.close();
  }
});

test('UDP: a datagram above the cap gets 513 without its body being parsed', async () => {
  const { set, port } = await start({ maxDatagramBytes: 1000 });
  const peer = await udpPeer();
  try {
    await peer.send(sipRequest('MESSAGE', 'SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKu5', { body: 'x'.repeat(2000) }), port);
    await waitUntil(() => peer.received.length === 1, 3000, 'the 513');
    const answer = parseSipMessage(peer.received[0]!.bytes);
    assert.ok(answer.ok && answer.message.kind === 'response');
    assert.equal(answer.message.statusCode, 513);
  } finally {
    await peer.close();
    await set.close();
  }
});

test('UDP: a request sent through the set and a transaction transport reach the peer', async () => {
  const { set, udp } = await start();
  const peer = await udpPeer();
  try {
    await set.send({ kind: 'udp', ip: '127.0.0.1', port: peer.port }, Buffer.from(sipRequest('OPTIONS', `SIP/2.0/UDP 127.0.0.1:${udp.localAddress!.port};branch=z9hG4bKu6`)));
    const errors: Error[] = [];
    const tx = set.transactionTransport({ target: { kind: 'udp', ip: '127.0.0.1', port: peer.port } }, (e) => errors.push(e));
    assert.equal(tx.reliable, false);
    tx.send(Buffer.from(sipRequest('OPTIONS', `SIP/2.0/UDP 127.0.0.1:${udp.localAddress!.port};branch=z9hG4bKu7`)));
    await waitUntil(() => peer.received.length === 2, 3000, 'two requests');
    const second = parseSipMessage(peer.received[1]!.bytes);
    assert.ok(second.ok);
    assert.equal((second.message as SipRequest).topVia?.branch, 'z9hG4bKu7');
    assert.deepEqual(errors, []);
  } finally {
    await peer.close();
    await set.close();
  }
});
