/** The 'sip' forward worker runs only when the SIP side gave sendSipMessage, and sends the manual's body. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../src/config/schema.js';
import { ForwardWorkers } from '../../src/sms/forward-workers.js';
import { SmsRouter } from '../../src/sms/sms-router.js';
import { silentLogger } from '../../src/util/log.js';
import { openStore, receive, settleUntil } from './forward-harness.js';

function workers(store: ReturnType<typeof openStore>['store'], sendSipMessage?: (target: string, body: string) => Promise<void>): ForwardWorkers {
  const config = defaultConfig();
  const router = new SmsRouter({ store, config: () => config.sms, linePrefixes: () => [], onQueued: () => undefined, log: silentLogger() });
  return new ForwardWorkers({ store, router, config: () => config, ownNumbers: () => [], version: 'test', log: silentLogger(), ...(sendSipMessage ? { sendSipMessage } : {}) });
}

test('with sendSipMessage a received SMS goes out as a MESSAGE body "<sender>\\r\\n(L<line>)<text>"', async (t) => {
  const { store } = openStore(t, Date.now);
  const sent: [string, string][] = [];
  const w = workers(store, async (target, body) => void sent.push([target, body]));
  const m = receive(store, { line: '1', sender: '+8613670128297', text: '你好' }, [{ kind: 'sip', target: '101', payload: null }]);
  await w.start();
  t.after(() => w.stop());
  await settleUntil(() => store.deliveriesOf(m.id)[0]?.status === 'done');
  assert.deepEqual(sent, [['101', '+8613670128297\r\n(L1)你好']]);
});

test('without it the sip jobs stay pending', async (t) => {
  const { store } = openStore(t, Date.now);
  const w = workers(store);
  const m = receive(store, {}, [{ kind: 'sip', target: '101', payload: null }]);
  await w.start();
  t.after(() => w.stop());
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(store.deliveriesOf(m.id)[0]?.status, 'pending');
});
