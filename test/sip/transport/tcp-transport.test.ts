/** SIP over TCP on 127.0.0.1 with real sockets: framing across chunks, same-connection responses, keep-alives, timers, caps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse, type SipRequest } from '../../../src/sip/message/index.js';
import { SipTransportSet, TcpTransport, type IncomingSip, type StreamTransportOptions } from '../../../src/sip/transport/index.js';
import { silentLogger } from '../../../src/util/log.js';
import { sipRequest, tcpPeer, waitUntil, type StreamPeer } from '../../helpers/sip-peer-sockets.js';

async function start(options: Partial<StreamTransportOptions> = {}, answer = true) {
  const tcp = new TcpTransport({ version: 'test', log: silentLogger(), ...options });
  const set = new SipTransportSet([tcp]);
  const incoming: IncomingSip[] = [];
  set.setReceiver((i) => {
    incoming.push(i);
    if (answer && i.kind === 'message' && i.message.kind === 'request') void set.sendResponse(createResponse(i.message, 200, 'OK', { version: 'test' }), i);
  });
  const { port } = await tcp.listen('127.0.0.1', 0);
  return { tcp, set, incoming, port };
}

const count200 = (peer: StreamPeer): number => peer.text().split('SIP/2.0 200 OK\r\n').length - 1;

test('TCP: messages split at every chunk boundary and coalesced in one write all arrive, each answered on the same connection', async () => {
  const { set, incoming, port } = await start();
  const peer = await tcpPeer(port);
  try {
    const one = sipRequest('MESSAGE', 'SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKt1', { callId: 'c1', body: '你好\r\n\r\nworld' });
    const two = sipRequest('OPTIONS', 'SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKt2', { callId: 'c2' });
    const bytes = Buffer.from(one + two, 'utf8');
    // Split: the first message dribbled in small pieces; coalesced: the end of one and all of two together.
    for (let i = 0; i < 60; i += 7) {
      peer.write(bytes.subarray(i, Math.min(i + 7, 60)));
      await new Promise((r) => setTimeout(r, 2));
    }
    peer.write(bytes.subarray(60));
    await waitUntil(() => count200(peer) === 2, 3000, 'two 200s');
    const requests = incoming.map((i) => (i.kind === 'message' ? (i.message as SipRequest) : undefined));
    assert.deepEqual(requests.map((r) => r?.callId), ['c1', 'c2']);
    assert.equal(requests[0]!.bodyText, '你好\r\n\r\nworld');
    assert.equal(incoming[0]!.transport, 'tcp');
    assert.equal(incoming[0]!.connection, incoming[1]!.connection);
    assert.equal(incoming[0]!.connection!.direction, 'inbound');
    // The Via said port 9, where nothing listens: the answers came back on this connection (§18.2.2).
    assert.equal(requests[0]!.topVia?.params['received'], undefined, 'sent-by IP equals the source: no received');
  } finally {
    peer.close();
    await set.close();
  }
});

test('TCP: a double-CRLF keep-alive gets one CRLF back (RFC 5626 §3.5.1) and the connection stays up', async () => {
  const { set, port } = await start();
  const peer = await tcpPeer(port);
  try {
    peer.write('\r\n\r\n');
    await waitUntil(() => peer.text() === '\r\n', 3000, 'the pong');
    peer.write(sipRequest('OPTIONS', 'SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKt3'));
    await waitUntil(() => count200(peer) === 1, 3000, 'the 200 after the pong');
    assert.equal(peer.closed(), false);
  } finally {
    peer.close();
    await set.close();
  }
});

test('TCP: a framing error (no Content-Length) closes the connection; a parse error on a framed message gets 400 and keeps it', async () => {
  const { set, tcp, incoming, port } = await start();
  const good = await tcpPeer(port);
  const bad = await tcpPeer(port);
  try {
    good.write(sipRequest('OPTIONS', 'SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKt4').replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'));
    await waitUntil(() => good.text().startsWith('SIP/2.0 400 CSeq Method Mismatch'), 3000, 'the 400');
    bad.write(sipRequest('OPTIONS', 'SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKt5', { contentLength: false }));
    await waitUntil(() => bad.closed(), 3000, 'the close');
    assert.equal(bad.text(), '');
    assert.equal(good.closed(), false);
    assert.equal(tcp.openConnections.length, 1);
    assert.deepEqual(incoming.map((i) => i.kind), ['rejected']);
  } finally {
    good.close();
    bad.close();
    await set.close();
  }
});

test('TCP: an idle connection is closed, and so is one that drips a message head too slowly', async () => {
  const { set, tcp, port } = await start({ idleTimeoutMs: 300, incompleteMessageTimeoutMs: 400 });
  const idle = await tcpPeer(port);
  const drip = await tcpPeer(port);
  try {
    const head = sipRequest('OPTIONS', 'SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKt6');
    const started = Date.now();
    // One byte every 100 ms keeps the idle timer from firing, but the head never completes in time.
    let i = 0;
    const timer = setInterval(() => drip.write(head.slice(i, ++i)), 100);
    try {
      await waitUntil(() => idle.closed(), 3000, 'the idle close');
      await waitUntil(() => drip.closed(), 3000, 'the slow-drip close');
    } finally {
      clearInterval(timer);
    }
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 350 && elapsed < 2000, `closed after ${elapsed} ms`);
    await waitUntil(() => tcp.openConnections.length === 0, 1000, 'no connections left');
  } finally {
    idle.close();
    drip.close();
    await set.close();
  }
});

test('TCP: connections beyond the per-IP cap are refused, and beyond the total cap', async () => {
  const perIp = await start({ maxConnectionsPerIp: 2 });
  const total = await start({ maxConnections: 1 });
  const peers: StreamPeer[] = [];
  try {
    for (let i = 0; i < 3; i++) peers.push(await tcpPeer(perIp.port));
    await waitUntil(() => peers[2]!.closed(), 3000, 'the third connection refused');
    assert.equal(perIp.tcp.openConnections.length, 2);
    assert.equal(peers[0]!.closed() || peers[1]!.closed(), false);
    peers.push(await tcpPeer(total.port), await tcpPeer(total.port));
    await waitUntil(() => peers[4]!.closed(), 3000, 'the second connection refused');
    assert.equal(total.tcp.openConnections.length, 1);
    // Once one leaves, a new one fits again.
    peers[0]!.close();
    await waitUntil(() => perIp.tcp.openConnections.length === 1, 3000, 'the slot freed');
    const again = await tcpPeer(perIp.port);
    peers.push(again);
    again.write(sipRequest('OPTIONS', 'SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKt7'));
    await waitUntil(() => count200(again) === 1, 3000, 'an answer on the new connection');
  } finally {
    for (const p of peers) p.close();
    await Promise.all([perIp.set.close(), total.set.close()]);
  }
});

test('TCP client side: a request opens one connection, later sends reuse it, the peer\'s answer comes in on it', async () => {
  const server = await start();
  const client = await start({}, false);
  try {
    const target = { kind: 'tcp' as const, ip: '127.0.0.1', port: server.port };
    await Promise.all([
      client.set.send(target, Buffer.from(sipRequest('OPTIONS', 'SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKt8', { callId: 'a' }))),
      client.set.send(target, Buffer.from(sipRequest('OPTIONS', 'SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKt9', { callId: 'b' }))),
    ]);
    await waitUntil(() => client.incoming.length === 2, 3000, 'two responses');
    assert.equal(client.tcp.openConnections.length, 1);
    assert.equal(client.tcp.openConnections[0]!.direction, 'outbound');
    assert.equal(server.tcp.openConnections.length, 1);
    assert.ok(client.incoming.every((i) => i.kind === 'message' && i.message.kind === 'response' && i.connection === client.tcp.openConnections[0]));
    // The server's answers would have gone to port 9 by the Via: they used the open connection instead.
    const refused = client.set.send({ kind: 'tcp', ip: '127.0.0.1', port: 9 }, Buffer.from('x'));
    await assert.rejects(refused);
  } finally {
    await Promise.all([server.set.close(), client.set.close()]);
  }
});

test('TCP: a response whose connection has closed goes to a new connection to the Via sent-by (RFC 3261 §18.2.2)', async () => {
  const listener = await start({}, false);
  const server = await start({}, false);
  const peer = await tcpPeer(server.port);
  try {
    peer.write(sipRequest('OPTIONS', `SIP/2.0/TCP 127.0.0.1:${listener.port};branch=z9hG4bKt10`));
    await waitUntil(() => server.incoming.length === 1, 3000, 'the request');
    const origin = server.incoming[0]!;
    peer.close();
    await waitUntil(() => origin.connection!.isOpen === false, 3000, 'the close seen');
    assert.ok(origin.kind === 'message' && origin.message.kind === 'request');
    await server.set.sendResponse(createResponse(origin.message as SipRequest, 200, 'OK', { version: 'test' }), origin);
    await waitUntil(() => listener.incoming.length === 1, 3000, 'the response at the sent-by port');
    const got = listener.incoming[0]!;
    assert.ok(got.kind === 'message' && got.message.kind === 'response' && got.message.statusCode === 200);
  } finally {
    peer.close();
    await Promise.all([server.set.close(), listener.set.close()]);
  }
});
