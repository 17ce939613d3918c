import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { CallService } from '../../src/call/call-service.js';
import type { CallEndedEvents } from '../../src/call/cdr-push/cdr-push.js';
import { CounterStore } from '../../src/store/counter-store.js';
import { silentLogger } from '../../src/util/log.js';
import { wireSipMediaCdr } from '../../src/wiring/sip-media-cdr.js';
import { tempDir } from '../store/temp-dir.js';
import { freePortRange } from '../media/free-port-range.js';

// The call service is what the daemon passes as `calls`.
const _callServiceFits = (s: CallService): CallEndedEvents => s;
void _callServiceFits;

test('the wired parts answer an offer over a held port and stop cleanly', async (t) => {
  const store = CounterStore.open(tempDir(t));
  t.after(() => store.close());
  const base = await freePortRange(5);
  const parts = await wireSipMediaCdr({
    store,
    calls: new EventEmitter(),
    cdr: () => null,
    publicHost: '192.0.2.7',
    rtpPorts: { min: base, max: base + 9 },
    rtpBindAddress: '127.0.0.1',
    version: 't',
    log: silentLogger(),
  });
  const offer = parts.media.offer();
  assert.ok(offer);
  const answer = parts.media.answer(offer.localSdp);
  assert.ok(answer.ok);
  assert.ok(answer.session.localSdp.includes('c=IN IP4 192.0.2.7\r\n'));
  assert.equal(parts.cdrPush.state, 'idle');
  offer.close();
  answer.session.close();
  await parts.close();
  assert.equal(parts.cdrPush.state, 'stopped');
});
