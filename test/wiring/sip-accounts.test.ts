/**
 * wireSipAccounts: the service starts the accounts, a change of the `sip` registration section
 * reloads them (an account appears), another change does not, and stop unregisters and unsubscribes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigStore } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { SipRequest } from '../../src/sip/message/index.js';
import { silentLogger } from '../../src/util/log.js';
import { wireSipAccounts } from '../../src/wiring/sip-accounts.js';
import { sipConfig } from '../sip/registration/sip-config-fixtures.js';

class FakeConfigStore {
  listeners = new Set<(next: Config, prev: Config) => void>();
  constructor(public doc: Config) {}
  get(): Config {
    return this.doc;
  }
  onChange(listener: (next: Config, prev: Config) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  update(next: Config): void {
    const prev = this.doc;
    this.doc = next;
    for (const l of this.listeners) l(next, prev);
  }
}

test('the service starts the accounts and reloads them when the registration section changes', async () => {
  const store = new FakeConfigStore({ sip: sipConfig({}) } as Config);
  const sent: SipRequest[] = [];
  const endpoint = {
    sendRequest: async (request: SipRequest) => {
      sent.push(request);
      return { kind: 'transport-error' as const, error: new Error('no network in this test') };
    },
    handle: () => undefined,
    allowedMethods: () => ['OPTIONS'],
  };
  const part = wireSipAccounts({ config: store as unknown as ConfigStore, endpoint, local: { host: '127.0.0.1', port: 5060 }, lines: { all: () => [] }, version: 'test', log: silentLogger() });
  await part.service.start();
  assert.deepEqual(part.accounts.api.registrations().accounts, []);
  store.update({ ...store.doc, sip: sipConfig({ registration: { mode: 'device', account: { authId: '8001', password: 'pa55-secret', registrar: '192.0.2.1' } } }) });
  await new Promise((r) => setImmediate(r));
  const [account] = part.accounts.api.registrations().accounts;
  assert.equal(account?.id, 'device');
  assert.equal(account?.state, 'waiting-retry');
  assert.equal(account?.lastError?.statusCode, 503);
  assert.equal(sent.length, 1);
  store.update({ ...store.doc, sip: { ...store.doc.sip, message: { ...store.doc.sip.message, relayReport: false } } });
  assert.equal(sent.length, 1, 'another section changed: no reload');
  await part.service.stop();
  assert.equal(store.listeners.size, 0);
  assert.deepEqual(part.accounts.api.registrations().accounts, []);
});
