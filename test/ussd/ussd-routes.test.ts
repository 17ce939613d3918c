/**
 * The USSD and own-number routes (src/web/ussd-routes.ts) through the real web app: real UssdService and
 * OwnNumberDiscovery over fake lines whose driver answers from a table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ModemEvent } from '../../modem-drivers/types.js';
import { OwnNumberDiscovery } from '../../src/sms/own-number.js';
import { UssdService } from '../../src/ussd/ussd-service.js';
import { silentLogger } from '../../src/util/log.js';
import { ussdRoutes } from '../../src/web/ussd-routes.js';
import { ADMIN_PASSWORD, basic, json, startApp } from '../web/harness.js';

const ADMIN = { authorization: basic('admin', ADMIN_PASSWORD) };
const VIEWER = { authorization: basic('viewer', 'viewer-password') };

/** Network replies by what was sent; absent: no reply ever. */
const NETWORK: Record<string, { m: number; str: string; dcs: number }> = {
  '*100#': { m: 0, str: 'Balance: 1.00', dcs: 15 },
  '*123#': { m: 1, str: '1. Balance\n2. Exit', dcs: 15 },
  '1': { m: 0, str: 'Balance: 1.00', dcs: 15 },
};

class FakeLine extends EventEmitter {
  lifecycle = 'registered';
  readonly sent: string[] = [];
  constructor(
    readonly id: number,
    public iccid: string | null,
    public number: string | null,
  ) {
    super();
  }
  status() {
    return { lifecycle: this.lifecycle, sim: { iccid: this.iccid, number: this.number } };
  }
  capability(_name: 'ussd') {
    if (this.lifecycle !== 'registered') throw new Error(`line ${this.id} is not ready (searching)`);
    return {
      send: async (code: string) => {
        this.sent.push(code);
        const r = NETWORK[code];
        if (r) setTimeout(() => this.emit('modem-event', { type: 'ussd', ...r } satisfies ModemEvent), 5);
      },
      cancel: async () => {
        this.sent.push('CANCEL');
      },
    };
  }
}

async function rig() {
  const lines = [new FakeLine(1, '89860012345678901231', '+8613800000001'), new FakeLine(2, '89860012345678901249', null), new FakeLine(3, null, null)];
  lines[2]!.lifecycle = 'sim-ready';
  const getLine = (id: number) => lines.find((l) => l.id === id);
  const ussd = new UssdService({ getLine, config: { timeoutSec: 15 }, log: silentLogger() });
  const rows = new Map<string, { number: string; method: string; learnedAt: number }>();
  const ownNumber = new OwnNumberDiscovery({
    config: { ussd: { code: '*#100#', marker: 'is' }, smsQuery: null, discovery: { enabled: false, secret: null }, timeoutSec: 15 },
    store: { ownNumber: (i) => rows.get(i), setOwnNumber: (i, n, m) => void rows.set(i, { number: n, method: m, learnedAt: 1 }) },
    lines: () => lines,
    ussd,
    sendSms: async () => 'x',
    log: silentLogger(),
  });
  const h = await startApp({ extraRoutes: (bodyLimit) => ussdRoutes({ ussd, ownNumber, bodyLimit }) });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = ADMIN) => {
    const res = await fetch(`${h.base}/api${path}`, {
      method,
      headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: await json(res) };
  };
  return {
    lines,
    rows,
    call,
    close: async () => {
      ownNumber.close();
      ussd.close();
      await h.close();
    },
  };
}

test('POST /lines/:id/ussd: the reply; a menu answered with /reply; GET shows the dialogue; DELETE closes it', async () => {
  const r = await rig();
  try {
    const bal = await r.call('POST', '/lines/1/ussd', { code: '*100#' });
    assert.equal(bal.status, 200);
    assert.deepEqual(bal.body, { line: 1, code: '*100#', state: 'done', text: 'Balance: 1.00', m: 0, dcs: 15, reason: null });

    const menu = await r.call('POST', '/lines/1/ussd', { code: '*123#', timeoutSec: 20 });
    assert.equal(menu.body.state, 'menu');
    assert.equal(menu.body.text, '1. Balance\n2. Exit');
    const st = await r.call('GET', '/lines/1/ussd');
    assert.deepEqual([st.status, st.body.line, st.body.state, st.body.last.text], [200, 1, 'menu', '1. Balance\n2. Exit']);
    const ans = await r.call('POST', '/lines/1/ussd/reply', { text: '1' });
    assert.deepEqual([ans.status, ans.body.state, ans.body.text, ans.body.answer], [200, 'done', 'Balance: 1.00', '1']);

    assert.equal((await r.call('POST', '/lines/1/ussd', { code: '*123#' })).body.state, 'menu');
    const del = await r.call('DELETE', '/lines/1/ussd');
    assert.deepEqual([del.status, del.body.state], [200, 'idle']);
    const alias = await r.call('POST', '/lines/1/ussd/cancel');
    assert.equal(alias.status, 200);
    assert.deepEqual(r.lines[0]!.sent, ['*100#', '*123#', '1', '*123#', 'CANCEL', 'CANCEL']);
  } finally {
    await r.close();
  }
});

test('USSD routes: 400 for bad bodies, 404 for no line, 409 for not ready / busy / no menu; the user role may use USSD', async () => {
  const r = await rig();
  try {
    const bad: [string, unknown, RegExp][] = [
      ['/lines/1/ussd', {}, /code: expected/],
      ['/lines/1/ussd', { code: 'balance' }, /code: expected/],
      ['/lines/1/ussd', { code: '*100#', timeoutSec: 5 }, /timeoutSec: expected an integer from 15 to 600/],
      ['/lines/1/ussd', { code: '*100#', timeoutSec: '30' }, /timeoutSec/],
      ['/lines/1/ussd', [1, 2], /expected a JSON object/],
      ['/lines/1/ussd', '{"code":', /invalid JSON/],
      ['/lines/1/ussd/reply', { text: 7 }, /text: expected/],
      ['/lines/x/ussd', { code: '*100#' }, /line id must be a positive integer/],
    ];
    for (const [path, body, msg] of bad) {
      const res = await r.call('POST', path, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.match(res.body.error, msg);
    }
    assert.equal((await r.call('POST', '/lines/9/ussd', { code: '*100#' })).status, 404);
    const notReady = await r.call('POST', '/lines/3/ussd', { code: '*100#' });
    assert.deepEqual([notReady.status, /not ready/.test(notReady.body.error)], [409, true]);
    const noMenu = await r.call('POST', '/lines/1/ussd/reply', { text: '1' });
    assert.deepEqual([noMenu.status, /no USSD menu is open/.test(noMenu.body.error)], [409, true]);

    // A request that never gets its reply keeps the line busy until cancelled.
    const pending = r.call('POST', '/lines/2/ussd', { code: '*999#' });
    await new Promise((res) => setTimeout(res, 30));
    const busy = await r.call('POST', '/lines/2/ussd', { code: '*100#' });
    assert.deepEqual([busy.status, /still waiting/.test(busy.body.error)], [409, true]);
    await r.call('DELETE', '/lines/2/ussd');
    const ended = await pending;
    assert.deepEqual([ended.status, ended.body.state, ended.body.reason], [200, 'terminated', 'cancelled']);

    // USSD is the user role's too (access-policy.ts USSD); the access matrix covers the sms role.
    assert.equal((await r.call('POST', '/lines/1/ussd', { code: '*100#' }, VIEWER)).status, 200);
    assert.equal((await r.call('GET', '/lines/1/ussd', undefined, {})).status, 401);
  } finally {
    await r.close();
  }
});

test('own-number routes: GET status, POST learn (200 known / 202 asking / 409 not registered), PUT a manual number', async () => {
  const r = await rig();
  try {
    const known = await r.call('GET', '/lines/1/own-number');
    assert.deepEqual([known.status, known.body.number, known.body.method], [200, '+8613800000001', 'sim']);
    assert.equal((await r.call('POST', '/lines/1/own-number')).status, 200);

    const asking = await r.call('POST', '/lines/2/own-number');
    assert.equal(asking.status, 202);
    assert.deepEqual([asking.body.number, asking.body.step], [null, 'ussd']);
    assert.equal((await r.call('POST', '/lines/3/own-number')).status, 409);
    assert.equal((await r.call('GET', '/lines/9/own-number')).status, 404);

    const put = await r.call('PUT', '/sims/89860012345678901249/number', { number: '+8613800000002' });
    assert.deepEqual([put.status, put.body], [200, { iccid: '89860012345678901249', number: '+8613800000002', method: 'manual' }]);
    assert.equal(r.rows.get('89860012345678901249')?.method, 'manual');
    const after = await r.call('GET', '/lines/2/own-number');
    assert.deepEqual([after.body.number, after.body.method], ['+8613800000002', 'manual']);

    assert.equal((await r.call('PUT', '/sims/89860012345678901249/number', { number: 'abc' })).status, 400);
    assert.equal((await r.call('PUT', '/sims/89860012345678901249/number', {})).status, 400);
    assert.equal((await r.call('PUT', '/sims/not-an-iccid/number', { number: '+8613800000002' })).status, 400);
  } finally {
    await r.close();
  }
});
