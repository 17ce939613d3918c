/**
 * PUT /api/policy replaces the whole policy and must name every section; PATCH /api/policy replaces
 * the sections it names. Neither lets an empty or partial body reset the rest to defaults.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openConfig, type ConfigStore } from '../../src/config/load.js';
import { POLICY_SECTIONS } from '../../src/config/schema.js';
import type { LineManager } from '../../src/line/line-manager.js';
import type { SimPolicy } from '../../src/line/sim-policy.js';
import type { PolicyConfig } from '../../src/policy/index.js';
import { silentLogger } from '../../src/util/log.js';
import { lineRoutes } from '../../src/web/line-routes.js';
import { ADMIN_PASSWORD, basic, json, startApp } from './harness.js';

const POLICY = {
  limits: { callMinutes: 'D5,300', smsCount: '50' },
  switchRules: { strategy: 'random', triggers: { calls: 20 } },
  disableRules: [{ trigger: 'consecutive-no-answer', threshold: 3, disableMinutes: 'manual' }],
  shortCallSec: 7,
};

async function setUp(t: TestContext): Promise<{ base: string; config: ConfigStore; applied: PolicyConfig[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellgate-policy-api-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ policy: POLICY }));
  const config = await openConfig({ file: path.join(dir, 'config.json'), log: silentLogger() });
  const applied: PolicyConfig[] = [];
  const policy = { reconfigure: (c: PolicyConfig) => applied.push(c) } as unknown as SimPolicy;
  const lines = { get: () => undefined, all: () => [] } as unknown as LineManager;
  const h = await startApp({ extraRoutes: (bodyLimit) => lineRoutes({ lines, policy, config, bodyLimit }) });
  t.after(() => h.close());
  return { base: h.base, config, applied };
}

function send(base: string, method: 'PUT' | 'PATCH', body: string | undefined) {
  return fetch(`${base}/api/policy`, {
    method,
    headers: { authorization: basic('admin', ADMIN_PASSWORD), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
}

test('PUT /api/policy with {} or an empty body is a 400 and changes nothing', async (t) => {
  const { base, config, applied } = await setUp(t);
  const before = structuredClone(config.get().policy);
  for (const body of ['{}', undefined]) {
    const r = await send(base, 'PUT', body);
    assert.equal(r.status, 400);
    const e = (await json(r)).error as string;
    if (body === '{}') assert.equal(e.startsWith(`incomplete policy: missing ${POLICY_SECTIONS.join(', ')} (`), true, e);
  }
  assert.deepEqual(config.get().policy, before);
  assert.equal(config.get().policy.limits.callMinutes, 'D5,300');
  assert.equal(applied.length, 0);
});

test('PUT /api/policy names the missing sections of a partial policy', async (t) => {
  const { base, config } = await setUp(t);
  const partial = { ...config.get().policy } as Record<string, unknown>;
  delete partial['disableRules'];
  delete partial['shortCallSec'];
  const r = await send(base, 'PUT', JSON.stringify(partial));
  assert.equal(r.status, 400);
  assert.match((await json(r)).error, /^incomplete policy: missing shortCallSec, disableRules \(/);
  assert.equal(config.get().policy.disableRules.length, 1);
});

test('PUT /api/policy with every section replaces the policy and applies it', async (t) => {
  const { base, config, applied } = await setUp(t);
  const next = structuredClone(config.get().policy) as Record<string, any>;
  next['limits'] = { callCount: '10' };
  next['disableRules'] = [];
  const r = await send(base, 'PUT', JSON.stringify(next));
  assert.equal(r.status, 200);
  const saved = await json(r);
  assert.deepEqual(saved.limits, { callCount: '10', callCountIncludesUnanswered: true });
  assert.deepEqual(saved.disableRules, []);
  assert.equal(saved.switchRules.strategy, 'random');
  assert.deepEqual(config.get().policy, saved);
  assert.equal(applied.length, 1);
  // field errors still come through
  next['shortCallSec'] = 0;
  const bad = await send(base, 'PUT', JSON.stringify(next));
  assert.equal(bad.status, 400);
  assert.match((await json(bad)).error, /^invalid policy: policy\.shortCallSec: expected an integer from 1 to 3600, got 0/);
});

test('PATCH /api/policy replaces the named sections and keeps the others; {} is a 400', async (t) => {
  const { base, config, applied } = await setUp(t);
  const r = await send(base, 'PATCH', JSON.stringify({ limits: { callCount: '5' }, lineSelection: 'least-minutes' }));
  assert.equal(r.status, 200);
  const saved = await json(r);
  assert.deepEqual(saved.limits, { callCount: '5', callCountIncludesUnanswered: true }, 'a named section is replaced as a whole');
  assert.equal(saved.lineSelection, 'least-minutes');
  assert.equal(saved.switchRules.strategy, 'random', 'sections not named are kept');
  assert.equal(saved.disableRules.length, 1);
  assert.equal(saved.shortCallSec, 7);
  assert.deepEqual(config.get().policy, saved);
  assert.equal(applied.length, 1);

  const empty = await send(base, 'PATCH', '{}');
  assert.equal(empty.status, 400);
  assert.match((await json(empty)).error, /^nothing to change: name at least one policy section \(billingPeriodSec, /);
  const typo = await send(base, 'PATCH', JSON.stringify({ limit: { callCount: '1' } }));
  assert.equal(typo.status, 400);
  assert.match((await json(typo)).error, /policy\.limit: unknown key \(did you mean "limits"\?\)/);
  assert.deepEqual(config.get().policy, saved);
  assert.equal(applied.length, 1);
});
