import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSipMessage, parseVia, SipRequest } from '../../../src/sip/message/index.js';
import { responseDestination, stampReceived } from '../../../src/sip/transport/index.js';
import { sipRequest } from '../../helpers/sip-peer-sockets.js';

function request(via: string, extraVia?: string): SipRequest {
  let text = sipRequest('OPTIONS', via);
  if (extraVia !== undefined) text = text.replace('Max-Forwards', `Via: ${extraVia}\r\nMax-Forwards`);
  const parsed = parseSipMessage(Buffer.from(text, 'latin1'));
  assert.ok(parsed.ok && parsed.message.kind === 'request');
  return parsed.message as SipRequest;
}

const source = { ip: '192.0.2.7', port: 40123 };

test('RFC 3261 §18.2.1: received is added when sent-by differs from the source, not when it matches', () => {
  const differs = request('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa');
  assert.equal(stampReceived(differs, source), 'stamped');
  assert.equal(differs.headers.get('via'), 'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa;received=192.0.2.7');

  const domain = request('SIP/2.0/UDP phone.example.com;branch=z9hG4bKb');
  assert.equal(stampReceived(domain, source), 'stamped');
  assert.equal(domain.topVia?.params['received'], '192.0.2.7');

  const same = request('SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bKc');
  assert.equal(stampReceived(same, source), 'unchanged');
  assert.equal(same.headers.get('via'), 'SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bKc');
});

test('RFC 3581 §4: an empty rport gets the source port, and received even when the address is the same', () => {
  const same = request('SIP/2.0/UDP 192.0.2.7:5060;rport;branch=z9hG4bKd');
  assert.equal(stampReceived(same, source), 'stamped');
  assert.equal(same.headers.get('via'), 'SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bKd;received=192.0.2.7;rport=40123');
  // An rport that already has a value is left as it is (only a proxy's own empty rport is filled).
  const valued = request('SIP/2.0/UDP 10.0.0.5;rport=7000;branch=z9hG4bKe');
  stampReceived(valued, source);
  assert.equal(valued.topVia?.params['rport'], '7000');
  assert.equal(valued.topVia?.params['received'], '192.0.2.7');
});

test('only the top Via entry changes: a comma list and further Via fields stay as written, in order', () => {
  const r = request('SIP/2.0/UDP 10.0.0.5;rport;branch=z9hG4bKf, SIP/2.0/UDP 10.9.9.9;branch=z9hG4bKg', 'SIP/2.0/TCP 10.8.8.8;branch=z9hG4bKh');
  stampReceived(r, { ip: '::ffff:192.0.2.7', port: 5000 });
  assert.deepEqual(r.headers.getAll('via'), [
    'SIP/2.0/UDP 10.0.0.5;branch=z9hG4bKf;received=192.0.2.7;rport=5000, SIP/2.0/UDP 10.9.9.9;branch=z9hG4bKg',
    'SIP/2.0/TCP 10.8.8.8;branch=z9hG4bKh',
  ]);
  assert.equal(r.headers.all()[0]!.name, 'Via');
  assert.equal(r.vias?.length, 3);
});

test('a request without a Via is reported, not thrown at', () => {
  const r = new SipRequest('OPTIONS', 'sip:a@b');
  assert.equal(stampReceived(r, source), 'no-via');
});

test('response routing: received+rport, received with sent-by port, sent-by, maddr, default ports, reply path source', () => {
  const via = (text: string) => request(text).topVia!;
  const src = { ip: '203.0.113.9', port: 6000 };
  assert.deepEqual(responseDestination(via('SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK1;received=203.0.113.9;rport=6000'), 'udp', src, 'via'), { ok: true, address: { ip: '203.0.113.9', port: 6000 } });
  assert.deepEqual(responseDestination(via('SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK1;received=203.0.113.9'), 'udp', src, 'via'), { ok: true, address: { ip: '203.0.113.9', port: 5070 } });
  assert.deepEqual(responseDestination(via('SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1'), 'udp', src, 'via'), { ok: true, address: { ip: '10.0.0.5', port: 5060 } });
  assert.deepEqual(responseDestination(via('SIP/2.0/UDP 10.0.0.5;maddr=239.1.1.1;branch=z9hG4bK1'), 'udp', src, 'via'), { ok: true, address: { ip: '239.1.1.1', port: 5060 } });
  assert.deepEqual(responseDestination(via('SIP/2.0/TLS [2001:db8::1];branch=z9hG4bK1'), 'tls', src, 'via'), { ok: true, address: { ip: '2001:db8::1', port: 5061 } });
  // Streams: received address, sent-by port; rport and the reply-path option do not apply.
  assert.deepEqual(responseDestination(via('SIP/2.0/TCP 10.0.0.5:5080;branch=z9hG4bK1;received=203.0.113.9;rport=6000'), 'tcp', src, 'source'), { ok: true, address: { ip: '203.0.113.9', port: 5080 } });
  // The manual's reply path "back the way it came": the packet source, whatever the Via says.
  assert.deepEqual(responseDestination(via('SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK1'), 'udp', src, 'source'), { ok: true, address: src });
  assert.deepEqual(responseDestination(via('SIP/2.0/UDP pbx.example.com;branch=z9hG4bK1'), 'udp', src, 'via'), { ok: false, reason: 'host-not-an-ip', host: 'pbx.example.com' });
});

test('the reading remembered for a stamped Via is the one a fresh parse gives', () => {
  for (const via of ['SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bKr1;x=1', 'SIP/2.0/UDP phone.example.com;received=10.1.1.1;branch=z9hG4bKr2', 'SIP/2.0/TCP 10.0.0.5;rport=7000;branch=z9hG4bKr3;received=1.2.3.4;lr']) {
    const r = request(via);
    assert.equal(stampReceived(r, source), 'stamped');
    const remembered = r.topVia!;
    // Push the stamped text out of the parser's recent readings, then read it afresh.
    for (let i = 0; i < 16; i++) parseVia(`SIP/2.0/UDP 10.9.9.${i};branch=z9hG4bKevict${i}`);
    assert.deepEqual(remembered, parseVia(remembered.raw), via);
  }
});
