/** Relay reports kept in the message store survive a restart and are queued exactly once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageStore } from '../../../src/store/message-store.js';
import { silentLogger } from '../../../src/util/log.js';
import { PENDING_REPORT_KIND, readReadyReport, RelayReportTracker, REPORT_KIND, type RelayReportRecord } from '../../../src/sip/sms-bridge/index.js';
import { tempDir } from '../../store/temp-dir.js';

const record: RelayReportRecord = { callId: '76d95bb5@10.0.0.1', senderUri: 'sip:102@192.168.2.11', gatewayUri: 'sip:goip-01@192.168.2.211:5065', source: { ip: '192.168.2.2', port: 5060, kind: 'udp' } };

async function queueSms(store: MessageStore, id: string): Promise<void> {
  await store.enqueue({ id, origin: 'sip', client: 'sip:demo', recipient: '13602345012', number: '13602345012', text: '测试', parts: 1 });
}

test('parked with the SMS; one report job once it is sent, however often settled', async (t) => {
  const store = MessageStore.open(tempDir(t));
  t.after(() => store.close());
  let ready = 0;
  const tracker = new RelayReportTracker(store, silentLogger(), () => ready++);
  tracker.park('sms1', record);
  await queueSms(store, 'sms1');
  tracker.settle('sms1');
  assert.equal(store.deliveriesOf('sms1').filter((d) => d.kind === REPORT_KIND).length, 0, 'no report while queued');
  store.markSending('sms1', '1', 'A', null);
  store.markSent('sms1', '1', [1]);
  tracker.settle('sms1');
  tracker.settle('sms1');
  const reports = store.deliveriesOf('sms1').filter((d) => d.kind === REPORT_KIND);
  assert.equal(reports.length, 1);
  assert.deepEqual(readReadyReport(reports[0]!.payload), { ...record, outcome: { ok: true } });
  assert.equal(ready, 1);
  assert.equal(store.pending(PENDING_REPORT_KIND, 10).length, 0, 'the parked record is done');
});

test('an SMS that failed while no one listened (before a restart) gets its report from the start-up sweep', async (t) => {
  const dir = tempDir(t);
  const first = MessageStore.open(dir);
  new RelayReportTracker(first, silentLogger(), () => undefined).park('sms2', record);
  await queueSms(first, 'sms2');
  first.markSending('sms2', '1', 'A', null);
  first.finish('sms2', 'failed', 'line 1: +CMS ERROR: 500', ['sending']);
  first.close();

  const store = MessageStore.open(dir);
  t.after(() => store.close());
  new RelayReportTracker(store, silentLogger(), () => undefined).sweep();
  const reports = store.deliveriesOf('sms2').filter((d) => d.kind === REPORT_KIND);
  assert.equal(reports.length, 1);
  assert.deepEqual(readReadyReport(reports[0]!.payload)?.outcome, { ok: false, failure: { kind: 'modem-refused', cmsError: 500 } });
});

test('a parked record whose SMS was never stored is dropped; forget drops it at once', (t) => {
  const store = MessageStore.open(tempDir(t));
  t.after(() => store.close());
  const tracker = new RelayReportTracker(store, silentLogger(), () => undefined);
  tracker.park('ghost', record);
  tracker.sweep();
  assert.equal(store.pending(PENDING_REPORT_KIND, 10).length, 0);
  tracker.park('gone', record);
  tracker.forget('gone');
  assert.equal(store.pending(PENDING_REPORT_KIND, 10).length, 0);
});

test('a store that cannot be read: settle and sweep log, never throw', () => {
  const broken = new Proxy({}, { get: () => () => { throw new Error('database is locked'); } }) as unknown as MessageStore;
  const tracker = new RelayReportTracker(broken, silentLogger(), () => undefined);
  assert.doesNotThrow(() => tracker.settle('x'));
  assert.doesNotThrow(() => tracker.sweep());
  assert.doesNotThrow(() => tracker.forget('x'));
  assert.throws(() => tracker.park('x', record), /locked/, 'park reports the failure: the MESSAGE is answered 500');
});
