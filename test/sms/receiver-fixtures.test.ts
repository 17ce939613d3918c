/**
 * SmsReceiver against the transcripts of fixtures/sms (built from the vendor manuals' syntax): the exact AT
 * exchange of the EC25 "SR" quirk, the SIM7600 "SR" report and the sweep at registration, played by a
 * scripted modem through the real channel and driver into a real store. The framer test
 * (test/at/framer.test.ts) splits these transcripts at every byte offset as it does every fixture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { AtChannel } from '../../src/at/channel.js';
import type { Modem, SmsCapability } from '../../modem-drivers/capabilities.js';
import { openModem } from '../../modem-drivers/modem.js';
import type { Family } from '../../modem-drivers/types.js';
import type { LineStatus } from '../../src/line/types.js';
import { MessageStore, type InboundMessage } from '../../src/store/message-store.js';
import { SmsReceiver } from '../../src/sms/receiver.js';
import { silentLogger } from '../../src/util/log.js';
import { listFixtures, loadTranscript, repoRoot, ScriptedModem } from '../helpers/transcript.js';
import { until } from './receiver-harness.js';

const files = listFixtures('sms');

/** Just enough of a Line: events from the modem, a status, its SMS capability. */
class FakeLine extends EventEmitter {
  lifecycle: LineStatus['lifecycle'] = 'sim-ready';
  constructor(
    readonly id: number,
    readonly modem: Modem,
  ) {
    super();
    modem.onEvent((e) => this.emit('modem-event', e));
  }
  status(): LineStatus {
    return { lifecycle: this.lifecycle, slot: 'A', sim: { state: 'READY', iccid: '89860000000000000001', imsi: null, number: '+8613800000001' } } as LineStatus;
  }
  capability(_name: 'sms'): SmsCapability {
    return this.modem.sms;
  }
}

async function play(name: string, family: Family, lineId: number, lifecycle: LineStatus['lifecycle'], prepare: (store: MessageStore) => Promise<string | null>) {
  const dir = mkdtempSync(join(tmpdir(), 'cg-rx-fixture-'));
  const store = MessageStore.open(dir);
  const sent = await prepare(store);
  // The scripted modem sends its first URC on the next turn: the receiver is listening by then.
  const t = loadTranscript(files.find((f) => f.endsWith(`/${name}`))!);
  const modem = new ScriptedModem(t);
  const channel = new AtChannel(modem, { log: silentLogger() });
  const line = new FakeLine(lineId, openModem(family, channel, { log: silentLogger() }));
  line.lifecycle = lifecycle;
  const stored: InboundMessage[] = [];
  const rx = new SmsReceiver({ line, store, fanout: () => [], log: silentLogger(), onStored: (m) => stored.push(m) });
  rx.start();
  try {
    await until(`${name} played`, () => modem.finished || modem.errors.length > 0, 5000);
    await rx.idle();
    await new Promise((r) => setTimeout(r, 20));
    await rx.idle();
    assert.deepEqual(modem.errors, []);
    assert.ok(modem.finished);
    return { stored, stats: rx.stats(), sent: sent ? store.getOutbound(sent) : undefined };
  } finally {
    await rx.stop();
    await channel.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A message sent on `line` whose first part got TP-MR `ref` (what the status reports of the fixtures name). */
async function sentWithRef(store: MessageStore, line: string, ref: number): Promise<string> {
  const m = await store.enqueue({ origin: 'api', recipient: '+4917100000000', number: '+4917100000000', text: 'x', parts: 1, report: true });
  assert.ok(store.markSending(m.id, line, 'A', '89860000000000000001'));
  assert.ok(store.markSent(m.id, line, [ref]));
  return m.id;
}

test('fixtures/sms: each has a source line, says how it was made, and host lines end with CR', () => {
  assert.ok(files.length >= 3);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    assert.match(text.split('\n')[0]!, /^# source: 3GPP TS 27\.005/, relative(repoRoot(), file));
    assert.match(text, /constructed from the vendor manual's and the spec's syntax, not captured from a device/);
    for (const s of loadTranscript(file).steps) if (s.dir === 'host') assert.equal(s.data[s.data.length - 1], 0x0d);
  }
});

test('EC25: +CDSI "SM" → report read from "SR" and applied, deleted from "SR"; the +CMTI that came meanwhile is stored and deleted', async () => {
  const r = await play('ec25-cdsi-sr-then-cmti.txt', 'quectel', 1, 'sim-ready', (s) => sentWithRef(s, '1', 12));
  assert.equal(r.sent!.status, 'delivered');
  assert.equal(r.stored.length, 1);
  assert.equal(r.stored[0]!.sender, '27838890001'); // TOA 0xC8: not international
  assert.equal(r.stored[0]!.text, 'hellohello');
  assert.deepEqual(r.stats, { received: 1, duplicates: 0, reports: 1, unmatchedReports: 0, undecodable: 0, errors: 0 });
});

test('SIM7600: +CDSI "SR" → read from "SR" with the read memory put back, applied, deleted', async () => {
  const r = await play('sim7600-cdsi-sr.txt', 'simcom', 2, 'sim-ready', (s) => sentWithRef(s, '2', 12));
  assert.equal(r.sent!.status, 'delivered');
  assert.equal(r.stats.reports, 1);
  assert.equal(r.stats.errors, 0);
});

test('EC25 sweep at start: the SIM and modem memories AT+CPMS=? lists (not the unlisted "SR"); the received message stored and deleted, the unsent one left', async () => {
  const r = await play('ec25-sweep.txt', 'quectel', 1, 'registered', async () => null);
  assert.equal(r.stored.length, 1);
  assert.equal(r.stored[0]!.text, 'hellohello');
  assert.equal(r.stats.received, 1);
  assert.equal(r.stats.errors, 0);
});

test('the transcripts carry the events the receiver acts on', () => {
  const urcs = (name: string) =>
    loadTranscript(files.find((f) => f.endsWith(`/${name}`))!)
      .steps.filter((s) => s.dir === 'modem')
      .map((s) => s.data.toString('latin1'))
      .join('');
  assert.match(urcs('ec25-cdsi-sr-then-cmti.txt'), /\+CDSI: "SM",2[\s\S]*\+CMTI: "ME",0/);
  assert.match(urcs('sim7600-cdsi-sr.txt'), /\+CDSI: "SR",0/);
});
