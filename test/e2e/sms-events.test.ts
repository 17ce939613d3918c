/**
 * The SMS pipeline's events (SmsEvents in src/events.ts) through the whole daemon in demo mode: an SMS
 * sent through the JSON API from line 1 to line 2's SIM is accepted, sent, delivered (status report),
 * and received and stored on line 2, each published once with its payload.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SmsEvents } from '../../src/events.js';
import { simOfLine, startSmsDaemon, waitFor, type SmsDaemon } from './sms-daemon.js';

let x: SmsDaemon;
/** Every SMS event in the order published, with its payload. */
const seen: Array<{ [K in keyof SmsEvents]: [K, SmsEvents[K][0]] }[keyof SmsEvents]> = [];

before(async () => {
  x = await startSmsDaemon({ modems: 2, config: { sms: { statusReports: true, maxAttempts: 1 } } });
  const ev = x.d.messaging.events;
  ev.on('sms-accepted', (m) => seen.push(['sms-accepted', m]));
  ev.on('sms-sent', (m) => seen.push(['sms-sent', m]));
  ev.on('sms-final', (m) => seen.push(['sms-final', m]));
  ev.on('sms-received', (m) => seen.push(['sms-received', m]));
});
after(async () => {
  await x?.stop();
});

test('an SMS from line 1 to line 2: accepted, sent, final delivered; received on line 2', async () => {
  const [from, to] = [await simOfLine(x, 1), await simOfLine(x, 2)];
  const r = await x.call('POST', '/sms', { to: to.number, text: 'events, end to end', line: 1 });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const id: string = r.body.id;
  await waitFor('the final event and the received one', () => seen.length, () => seen.some((e) => e[0] === 'sms-final') && seen.some((e) => e[0] === 'sms-received'));
  const inbox = await x.call('GET', `/sms/inbox?text=${encodeURIComponent('events, end to end')}`);
  assert.equal(inbox.body.items.length, 1, JSON.stringify(inbox.body));
  const stored = inbox.body.items[0];

  const outbound = seen.filter((e) => e[0] !== 'sms-received');
  assert.deepEqual(outbound, [
    ['sms-accepted', { id, client: 'api:admin' }],
    ['sms-sent', { id }],
    ['sms-final', { id, state: 'delivered' }],
  ]);
  assert.deepEqual(
    seen.filter((e) => e[0] === 'sms-received'),
    [['sms-received', { id: stored.id, line: 2, from: from.number }]],
  );
  assert.equal(stored.sender, from.number);
});

test('an SMS the modem refuses (+CMS ERROR) ends failed: accepted, then final failed, never sent', async () => {
  seen.length = 0;
  const r0 = await x.sim('POST', '/modems/1/faults', { fault: 'fail-command', command: 'AT+CMGS', final: '+CMS ERROR: 500', times: 1 });
  assert.equal(r0.status, 200, JSON.stringify(r0.body));
  const r = await x.call('POST', '/sms', { to: '+8613912340001', text: 'refused by the modem', line: 1 });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const id: string = r.body.id;
  await waitFor('the final event', () => seen.length, () => seen.some((e) => e[0] === 'sms-final'));
  assert.deepEqual(seen, [
    ['sms-accepted', { id, client: 'api:admin' }],
    ['sms-final', { id, state: 'failed' }],
  ]);
});

test('a refused submit publishes nothing', async () => {
  seen.length = 0;
  const r = await x.call('POST', '/sms', { to: 'not a number', text: 'x' });
  assert.equal(r.status, 400);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(seen, []);
});
