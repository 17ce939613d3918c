import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveMessageTarget, type ExtensionContact } from '../../../src/sip/sms-bridge/index.js';

const contact = (uri: string, ip: string, port: number, transport: 'udp' | 'tcp' = 'udp'): ExtensionContact => ({ contactUri: uri, source: { ip, port, transport } });

test('a bare extension goes to its registered contacts, at the REGISTER source, in order', () => {
  const v = resolveMessageTarget('101', { contactsFor: (u) => (u === '101' ? [contact('sip:101@10.0.0.5:5062', '203.0.113.7', 40000), contact('sip:101@10.0.0.6', '203.0.113.8', 5060, 'tcp')] : []) });
  assert.deepEqual(v, {
    ok: true,
    hops: [
      { uri: 'sip:101@10.0.0.5:5062', target: { ip: '203.0.113.7', port: 40000, kind: 'udp' } },
      { uri: 'sip:101@10.0.0.6', target: { ip: '203.0.113.8', port: 5060, kind: 'tcp' } },
    ],
  });
});

test('a bare extension without a contact: the default peer, else a retryable failure', () => {
  assert.deepEqual(resolveMessageTarget('101', { contactsFor: () => [], defaultPeer: () => '192.168.2.2:6060' }), {
    ok: true,
    hops: [{ uri: 'sip:101@192.168.2.2:6060', target: { ip: '192.168.2.2', port: 6060, kind: 'udp' } }],
  });
  const none = resolveMessageTarget('101', { contactsFor: () => [] });
  assert.equal(none.ok, false);
  assert.equal(!none.ok && none.retryable, true);
  assert.equal(resolveMessageTarget('101', {}).ok, false);
});

test('user@host:port and SIP URIs go direct; the URI’s transport is kept', () => {
  assert.deepEqual(resolveMessageTarget('101@192.168.2.2:6060', {}), { ok: true, hops: [{ uri: 'sip:101@192.168.2.2:6060', target: { ip: '192.168.2.2', port: 6060, kind: 'udp' } }] });
  assert.deepEqual(resolveMessageTarget('sip:101@10.1.1.1;transport=tcp', {}), { ok: true, hops: [{ uri: 'sip:101@10.1.1.1;transport=tcp', target: { ip: '10.1.1.1', port: 5060, kind: 'tcp' } }] });
});

test('targets that can never work are permanent failures, never throws', () => {
  for (const bad of ['sip:101@pbx.example.com', 'sip:', '10 1', 'a b@1.2.3.4', '', '101@', 'x'.repeat(100)]) {
    const v = resolveMessageTarget(bad, {});
    assert.equal(v.ok, false, bad);
    assert.equal(!v.ok && v.retryable, false, bad);
  }
});
