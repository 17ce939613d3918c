/**
 * The SIMCom call end tracker (modem-drivers/simcom/call-end.ts): a vendor end waits the grace for a result
 * code, and an end that belongs to a call already ended (our hang-up, a result code, a new call) never
 * ends a later call.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtChannelApi } from '../../src/at/types.js';
import { silentLogger } from '../../src/util/log.js';
import { ModemEvents } from '../../modem-drivers/generic/urc-events.js';
import { CallEndTracker, callEndTransition } from '../../modem-drivers/simcom/call-end.js';
import type { ModemEvent } from '../../modem-drivers/types.js';

const GRACE = 30;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function tracker(): { ends: CallEndTracker; events: ModemEvent[]; modem: ModemEvents } {
  const channel = {} as AtChannelApi; // never used: no URCs are routed here
  const modem = new ModemEvents(channel, silentLogger());
  const ends = new CallEndTracker(modem, GRACE);
  const events: ModemEvent[] = [];
  modem.onEvent((e) => events.push(e));
  return { ends, events, modem };
}

test('transitions: the documented edges, and an illegal one throws', () => {
  assert.equal(callEndTransition('open', 'vendor-end'), 'ending');
  assert.equal(callEndTransition('ending', 'hung-up'), 'ended');
  assert.equal(callEndTransition('ending', 'dialling'), 'ended');
  assert.equal(callEndTransition('ending', 'dialled'), 'open');
  assert.equal(callEndTransition('ended', 'window-closed'), 'open');
  assert.throws(() => callEndTransition('open', 'grace-elapsed'), /no transition/);
  assert.throws(() => callEndTransition('open', 'window-closed'), /no transition/);
});

test('a vendor end alone ends the call after the grace, once', async () => {
  const { ends, events, modem } = tracker();
  ends.vendorEnd('HANGUP');
  ends.vendorEnd('HANGUP');
  await sleep(GRACE * 3);
  assert.deepEqual(events, [{ type: 'call-ended', reason: 'HANGUP' }]);
  modem.dispose();
});

test('our hang-up completing drops the waiting vendor end, and a late one within the grace', async () => {
  const { ends, events, modem } = tracker();
  ends.vendorEnd('HANGUP'); // inside the AT+CHUP reply
  ends.hungUp(); // its OK
  ends.vendorEnd('HANGUP'); // printed after the OK by some firmware
  await sleep(GRACE * 3);
  assert.deepEqual(events, []);
  assert.equal(ends.current, 'ended');
  // Well after: a vendor end is a later call's and ends it.
  ends.vendorEnd('HANGUP');
  await sleep(GRACE * 3);
  assert.deepEqual(events, [{ type: 'call-ended', reason: 'HANGUP' }]);
  modem.dispose();
});

test('a new dial drops a vendor end still waiting; after the ATD OK a vendor end is the new call\'s', async () => {
  const { ends, events, modem } = tracker();
  ends.vendorEnd('HANGUP');
  ends.dialling();
  ends.vendorEnd('HANGUP'); // printed before the ATD's OK: the call before
  ends.dialled();
  await sleep(GRACE * 3);
  assert.deepEqual(events, []);
  ends.vendorEnd('HANGUP');
  await sleep(GRACE * 3);
  assert.deepEqual(events, [{ type: 'call-ended', reason: 'HANGUP' }]);
  modem.dispose();
});

test('a dial refused by its result code: a vendor end right after is dropped', async () => {
  const { ends, events, modem } = tracker();
  ends.dialling();
  ends.hungUp(); // ATD answered BUSY
  ends.vendorEnd('HANGUP');
  await sleep(GRACE * 3);
  assert.deepEqual(events, []);
  modem.dispose();
});

test('RING settles a waiting vendor end at once; the new call\'s MISSED_CALL still ends it', async () => {
  const { ends, events, modem } = tracker();
  ends.vendorEnd('HANGUP');
  ends.ringing();
  assert.deepEqual(events, [{ type: 'call-ended', reason: 'HANGUP' }]);
  ends.vendorEnd('NO ANSWER');
  await sleep(GRACE * 3);
  assert.deepEqual(events, [
    { type: 'call-ended', reason: 'HANGUP' },
    { type: 'call-ended', reason: 'NO ANSWER' },
  ]);
  modem.dispose();
});

test('a result code wins over a waiting vendor end; one after it within the grace is dropped', async () => {
  const { ends, events, modem } = tracker();
  ends.vendorEnd('HANGUP');
  modem.emit({ type: 'call-ended', reason: 'NO CARRIER' });
  modem.emit({ type: 'call-ended', reason: 'BUSY' });
  ends.vendorEnd('HANGUP');
  await sleep(GRACE * 3);
  assert.deepEqual(events, [
    { type: 'call-ended', reason: 'NO CARRIER' },
    { type: 'call-ended', reason: 'BUSY' },
  ]);
  modem.dispose();
});
