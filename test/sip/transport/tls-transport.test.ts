/** SIP over TLS on 127.0.0.1 with a self-signed certificate made by openssl at test time. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createResponse, parseSipMessage } from '../../../src/sip/message/index.js';
import { SipTransportSet, TlsTransport, type IncomingSip } from '../../../src/sip/transport/index.js';
import { silentLogger } from '../../../src/util/log.js';
import { makeCert } from '../../helpers/smtp-peer.js';
import { sipRequest, tlsPeer, waitUntil } from '../../helpers/sip-peer-sockets.js';

test('TLS: a client round trip, certificate and key given as PEM paths; an outbound TLS connection verified against a CA', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sip-tls-'));
  const cert = makeCert(dir);
  const server = new TlsTransport({ version: 'test', log: silentLogger(), key: join(dir, 'key.pem'), cert: cert.certFile });
  const set = new SipTransportSet([server]);
  const incoming: IncomingSip[] = [];
  set.setReceiver((i) => {
    incoming.push(i);
    if (i.kind === 'message' && i.message.kind === 'request') void set.sendResponse(createResponse(i.message, 200, 'OK', { version: 'test' }), i);
  });
  // The client side of cellgate: key and certificate as buffers, the test certificate as its CA.
  const client = new TlsTransport({ version: 'test', log: silentLogger(), key: Buffer.from(cert.key), cert: Buffer.from(cert.cert), ca: Buffer.from(cert.cert) });
  const clientReplies: IncomingSip[] = [];
  client.setReceiver((i) => clientReplies.push(i));
  try {
    const { port } = await server.listen('127.0.0.1', 0);
    const peer = await tlsPeer(port, cert.cert);
    peer.write('\r\n\r\n' + sipRequest('OPTIONS', 'SIP/2.0/TLS 127.0.0.1:9;rport;branch=z9hG4bKs1'));
    await waitUntil(() => peer.text().includes('SIP/2.0 200 OK'), 5000, 'the 200 over TLS');
    assert.ok(peer.text().startsWith('\r\n'), 'the keep-alive was answered first');
    const answer = parseSipMessage(Buffer.from(peer.text().slice(2), 'utf8'), { transport: 'stream' });
    assert.ok(answer.ok && answer.message.kind === 'response');
    assert.equal(answer.message.topVia?.params['rport'], String(peer.socket.localPort));
    assert.equal(incoming[0]!.transport, 'tls');
    assert.equal(incoming[0]!.connection!.kind, 'tls');
    peer.close();

    await client.send({ ip: '127.0.0.1', port }, Buffer.from(sipRequest('OPTIONS', 'SIP/2.0/TLS 127.0.0.1:9;branch=z9hG4bKs2')));
    await waitUntil(() => clientReplies.length === 1, 5000, 'the 200 to the outbound TLS connection');
    const reply = clientReplies[0]!;
    assert.ok(reply.kind === 'message' && reply.message.kind === 'response' && reply.message.statusCode === 200);
    assert.equal(reply.connection!.direction, 'outbound');
  } finally {
    await Promise.all([set.close(), client.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TLS: an outbound connection to a server whose certificate is not trusted fails the send', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sip-tls-'));
  const cert = makeCert(dir);
  const server = new TlsTransport({ version: 'test', log: silentLogger(), key: Buffer.from(cert.key), cert: Buffer.from(cert.cert) });
  const untrusting = new TlsTransport({ version: 'test', log: silentLogger(), key: Buffer.from(cert.key), cert: Buffer.from(cert.cert) });
  try {
    const { port } = await server.listen('127.0.0.1', 0);
    await assert.rejects(untrusting.send({ ip: '127.0.0.1', port }, Buffer.from('OPTIONS')), /self[- ]signed/i);
    assert.equal(untrusting.openConnections.length, 0);
  } finally {
    await Promise.all([server.close(), untrusting.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
});
