/**
 * Caller ID on the wire: the INVITE a plain-socket phone receives carries the GSM caller's number,
 * rewritten by the caller-ID rules, in P-Asserted-Identity; a withheld caller arrives anonymous. The
 * phone then answers 486 and the GSM call is rejected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitUntil } from '../../helpers/sip-peer-sockets.js';
import { responseText, sipPeer } from '../core/core-fixtures.js';
import { sipConfig, startRig } from './gsm-to-sip-fixtures.js';

test('the INVITE carries the rewritten caller number in P-Asserted-Identity; withheld is anonymous', async () => {
  const phone = await sipPeer();
  const rig = await startRig(sipConfig({ forward: { default: `300@127.0.0.1:${phone.port}`, callerId: 'pai', callerIdRules: '0:-0++86' } }));
  try {
    const call = rig.line.ring('01088886666');
    const invite = await phone.request('INVITE');
    assert.equal(invite.uri, `sip:300@127.0.0.1:${phone.port}`);
    assert.equal(invite.headers.get('p-asserted-identity'), '<sip:+861088886666@127.0.0.1>');
    assert.equal(invite.from?.uri, 'sip:gateway@127.0.0.1');
    assert.equal(invite.headers.get('content-type'), 'application/sdp');
    await phone.send(responseText(invite, 486, 'Busy Here', 'phone1'), rig.core.udpPort);
    await waitUntil(() => call.ended, 3000, 'the GSM call rejected');
    assert.equal(rig.store.getCall(call.id)?.voipCause, '486 Busy Here');

    phone.messages.length = 0;
    const withheld = rig.line.ring(null);
    const anonymous = await phone.request('INVITE');
    assert.equal(anonymous.from?.uri, 'sip:anonymous@anonymous.invalid');
    assert.equal(anonymous.from?.displayName, 'Anonymous');
    assert.equal(anonymous.headers.get('privacy'), 'id');
    assert.equal(anonymous.headers.get('p-asserted-identity'), undefined);
    await phone.send(responseText(anonymous, 486, 'Busy Here', 'phone2'), rig.core.udpPort);
    await waitUntil(() => withheld.ended, 3000, 'the withheld call rejected');
  } finally {
    await rig.close();
    await phone.close();
  }
});
