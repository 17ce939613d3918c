import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseRtp } from '../../../src/media/rtp/rtp-packet.js';
import { decodeTelephoneEvent, encodeTelephoneEvent, eventReceiverTransition, telephoneEventSchedule, TelephoneEventReceiver } from '../../../src/media/rtp/telephone-event.js';
import type { DtmfDigit } from '../../../src/media/audio-contract.js';
import { readPcapUdp, SIPP_PCAP_DIR } from '../../helpers/pcap.js';

function capture(name: string): { timestamp: number; payload: Uint8Array }[] {
  return readPcapUdp(join(SIPP_PCAP_DIR, `dtmf_2833_${name}.pcap`)).map((d) => {
    const r = parseRtp(d.payload);
    assert.ok(r.ok);
    return { timestamp: r.packet.timestamp, payload: r.packet.payload };
  });
}

function receiveAll(packets: { timestamp: number; payload: Uint8Array }[]): DtmfDigit[] {
  const got: DtmfDigit[] = [];
  const rx = new TelephoneEventReceiver((d) => got.push(d));
  for (const p of packets) rx.receive(p.timestamp, p.payload);
  return got;
}

test('payload encode/decode (RFC 4733 §2.3) against a captured end packet', () => {
  const end = capture('1').at(-1)!.payload;
  assert.deepEqual(decodeTelephoneEvent(end), { event: 1, end: true, volume: 10, duration: 2240 });
  assert.deepEqual(encodeTelephoneEvent({ event: 1, end: true, volume: 10, duration: 2240 }), Uint8Array.from(end));
  assert.equal(decodeTelephoneEvent(Uint8Array.of(1, 2, 3)), null);
});

for (const [name, digit] of [...'0123456789'.split('').map((d) => [d, d]), ['star', '*'], ['pound', '#']] as [string, DtmfDigit][]) {
  test(`dtmf_2833_${name}.pcap: the receiver reports ${digit} exactly once, despite the three repeated ends`, () => {
    assert.deepEqual(receiveAll(capture(name)), [digit]);
  });
}

test('a lost start packet, lost ends, or only the end arriving still report the digit once', () => {
  const pkts = capture('7');
  assert.deepEqual(receiveAll(pkts.slice(1)), ['7'], 'start lost');
  assert.deepEqual(receiveAll(pkts.filter((p) => !decodeTelephoneEvent(p.payload)!.end)), ['7'], 'every end lost');
  assert.deepEqual(receiveAll(pkts.slice(-1)), ['7'], 'only one end arrived');
});

test('the same digit twice is two events (new timestamp); a late packet of an older event is not reported', () => {
  const first = capture('3');
  const second = first.map((p) => ({ ...p, timestamp: (p.timestamp + 4000) >>> 0 }));
  assert.deepEqual(receiveAll([...first, ...second]), ['3', '3']);
  assert.deepEqual(receiveAll([...first, ...second, first[2]!]), ['3', '3']);
  const wrap = first.map((p) => ({ ...p, timestamp: 0xffffff00 }));
  const after = first.map((p) => ({ ...p, timestamp: 0x100 }));
  assert.deepEqual(receiveAll([...wrap, ...after]), ['3', '3'], 'timestamps compared across the 32-bit wrap');
});

test('sender schedule: start with marker and duration 0, updates every 50 ms growing, end three times with the full duration', () => {
  const s = telephoneEventSchedule(5, 160);
  const decoded = s.map((p) => ({ at: p.atMs, m: p.marker, ...decodeTelephoneEvent(p.payload)! }));
  assert.deepEqual(decoded.map((d) => [d.at, d.m, d.end, d.duration]), [
    [0, true, false, 0],
    [50, false, false, 400],
    [100, false, false, 800],
    [150, false, false, 1200],
    [160, false, true, 1280],
    [210, false, true, 1280],
    [260, false, true, 1280],
  ]);
  assert.ok(decoded.every((d) => d.event === 5 && d.volume === 10));
  // Fed back to a receiver: one digit.
  assert.deepEqual(receiveAll(s.map((p) => ({ timestamp: 1234, payload: p.payload }))), ['5']);
});

test('receiver state machine: illegal edges throw', () => {
  assert.equal(eventReceiverTransition('idle', 'in-event'), 'in-event');
  assert.throws(() => eventReceiverTransition('in-event', 'idle'));
});
