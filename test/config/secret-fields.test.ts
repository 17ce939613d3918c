import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runConfigCheck } from '../../src/config/check.js';
import { formatFieldErrors } from '../../src/config/errors.js';
import { configSchema, defaultConfig, validateConfig } from '../../src/config/schema.js';
import { isSecretPath, REDACTED, redactSecrets, SECRET_FIELDS } from '../../src/config/secret-fields.js';
import { tempDir } from './temp-dir.js';

const SECRET = 'secretpassword';

/** For every registered secret field, a document that puts a wrong value there. */
const WRONG: Record<string, { doc: unknown; path: string }> = {
  'lines[].pins': { doc: { lines: [{ port: '/dev/a', pins: { A: '98x76' } }] }, path: 'lines[0].pins.A' },
  'mail.password': { doc: { mail: { host: 'smtp.example.com', from: 'a@example.com', password: ['98x76'] } }, path: 'mail.password' },
  'smpp.accounts[].password': { doc: { smpp: { accounts: [{ systemId: '1', password: SECRET }] } }, path: 'smpp.accounts[0].password' },
  'sms.forward[].webhook.secret': { doc: { sms: { forward: [{ webhook: { url: 'https://example.com/h', secret: '98x76' } }] } }, path: 'sms.forward[0].webhook.secret' },
  'ownNumber.discovery.secret': { doc: { ownNumber: { discovery: { enabled: true, secret: '98x76' } } }, path: 'ownNumber.discovery.secret' },
  'sip.registration.account.password': { doc: { sip: { registration: { mode: 'device', account: { authId: 'gw', password: ['98x76'], registrar: 'pbx.example.com' } } } }, path: 'sip.registration.account.password' },
  'sip.registration.lines[].password': { doc: { sip: { registration: { lines: [{ line: 1, authId: 'gw', password: ['98x76'], registrar: 'pbx.example.com' }] } } }, path: 'sip.registration.lines[0].password' },
  'sip.registration.groups[].account.password': { doc: { sip: { registration: { groups: [{ name: 'g', lines: [1], account: { authId: 'gw', password: ['98x76'], registrar: 'pbx.example.com' } }] } } }, path: 'sip.registration.groups[0].account.password' },
  'sip.trunk.peers[].register.password': { doc: { sip: { trunk: { peers: [{ addresses: ['10.0.0.1'], register: { authId: 'gw', password: ['98x76'], registrar: 'pbx.example.com' } }] } } }, path: 'sip.trunk.peers[0].register.password' },
  'sip.inbound.users[].password': { doc: { sip: { inbound: { users: [{ username: 'pbx', password: ['98x76'] }] } } }, path: 'sip.inbound.users[0].password' },
  'sip.registrar.extensions[].password': { doc: { sip: { registrar: { extensions: [{ number: '001', password: '98x76' }] } } }, path: 'sip.registrar.extensions[0].password' },
  'sip.cdr.secret': { doc: { sip: { cdr: { url: 'https://example.com/cdr', secret: '98x76' } } }, path: 'sip.cdr.secret' },
};

test('no error message shows the value of a secret field', () => {
  assert.deepEqual(Object.keys(WRONG).sort(), [...SECRET_FIELDS].sort(), 'every secret field has a case here');
  for (const [field, { doc, path: at }] of Object.entries(WRONG)) {
    const r = validateConfig(doc);
    assert.equal(r.ok, false, field);
    const lines = formatFieldErrors(r.ok ? [] : r.errors);
    const line = lines.find((l) => l.startsWith(`${at}: `));
    assert.ok(line, `${field}: an error names ${at}; got ${JSON.stringify(lines)}`);
    for (const l of lines) {
      assert.ok(!l.includes(SECRET) && !l.includes('98x76'), `${field}: ${l}`);
    }
    assert.match(line, /got (a string of \d+ characters|an array)$/, field);
  }
});

test('the SMPP password error says what is wrong without the password', () => {
  const r = validateConfig({ smpp: { accounts: [{ systemId: '1', password: SECRET }] } });
  assert.deepEqual(formatFieldErrors(r.ok ? [] : r.errors), [
    'smpp.accounts[0].password: expected a password of 1 to 8 characters (SMPP 3.4 §5.2.2), got a string of 14 characters',
  ]);
  // Other fields still show what they got.
  const port = validateConfig({ http: { port: 'abc' } });
  assert.deepEqual(formatFieldErrors(port.ok ? [] : port.errors), ['http.port: expected an integer from 1 to 65535, got "abc"']);
});

test('config check prints the fields at fault but not the secrets in them', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      smpp: { accounts: [{ systemId: '1', password: SECRET }] },
      mail: { host: 'smtp.example.com', from: 'ops@example.com', password: 12345678 },
      ownNumber: { discovery: { secret: 'short' } },
    }),
  );
  const r = await runConfigCheck(file, { fsChecks: false });
  assert.equal(r.code, 1);
  assert.match(r.output, /smpp\.accounts\[0\]\.password: expected a password of 1 to 8 characters .*, got a string of 14 characters/);
  assert.match(r.output, /mail\.password: expected a password, got a number/);
  assert.match(r.output, /ownNumber\.discovery\.secret: expected a secret of 8 to 256 characters, got a string of 5 characters/);
  assert.ok(!r.output.includes(SECRET), r.output);
  assert.ok(!r.output.includes('12345678'), r.output);
  assert.ok(!r.output.includes('"short"'), r.output);
});

test('a list holding objects is described by its length, never as JSON', () => {
  const r = validateConfig({ http: { port: [{ password: 'x' }] }, device: { name: ['a', 1] } });
  assert.deepEqual(formatFieldErrors(r.ok ? [] : r.errors), [
    'device.name: expected a text of 1 to 64 characters, got ["a", 1]',
    'http.port: expected an integer from 1 to 65535, got an array of 1 item',
  ]);
});

test('redactSecrets blanks every secret that is set and leaves the rest', () => {
  const cfg = validateConfig({
    lines: [{ port: '/dev/a', pins: { A: '1234', C: '5678' } }],
    mail: { host: 'smtp.example.com', from: 'a@example.com', user: 'gw', password: 'mail-pass' },
    smpp: { accounts: [{ systemId: '1', password: 'smpp-pw' }] },
    sms: { forward: [{ webhook: { url: 'https://example.com/h', secret: 'hook-secret' } }] },
    ownNumber: { discovery: { enabled: true, secret: 'discovery-secret' } },
  });
  assert.ok(cfg.ok);
  const r = redactSecrets(cfg.value);
  assert.deepEqual(r.lines[0]!.pins, { A: REDACTED, C: REDACTED });
  assert.equal(r.mail!.password, REDACTED);
  assert.equal(r.mail!.user, 'gw');
  assert.equal(r.smpp.accounts[0]!.password, REDACTED);
  assert.equal(r.smpp.accounts[0]!.systemId, '1');
  assert.equal(r.sms.forward[0]!.webhook!.secret, REDACTED);
  assert.equal(r.sms.forward[0]!.webhook!.url, 'https://example.com/h');
  assert.equal(r.ownNumber.discovery.secret, REDACTED);
  const text = JSON.stringify(r);
  for (const s of ['1234', '5678', 'mail-pass', 'smpp-pw', 'hook-secret', 'discovery-secret']) assert.ok(!text.includes(s), s);
  // the original is untouched; unset secrets stay null
  assert.equal(cfg.value.mail!.password, 'mail-pass');
  assert.equal(redactSecrets(defaultConfig()).ownNumber.discovery.secret, null);
});

/** Every leaf of the configuration schema, as a path with 0 for list items and '*' for record keys. */
function schemaLeaves(schema: unknown, at: PropertyKey[] = [], out: PropertyKey[][] = []): PropertyKey[][] {
  const def = (schema as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'object':
      for (const [k, v] of Object.entries(def['shape'] as Record<string, unknown>)) schemaLeaves(v, [...at, k], out);
      break;
    case 'array':
      schemaLeaves(def['element'], [...at, 0], out);
      break;
    case 'record':
      schemaLeaves(def['valueType'], [...at, '*'], out);
      break;
    case 'tuple':
      for (const item of def['items'] as unknown[]) schemaLeaves(item, [...at, 0], out);
      if (def['rest']) schemaLeaves(def['rest'], [...at, 0], out);
      break;
    case 'union':
      for (const o of def['options'] as unknown[]) schemaLeaves(o, at, out);
      break;
    case 'pipe':
      schemaLeaves(def['in'], at, out);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
      schemaLeaves(def['innerType'], at, out);
      break;
    default:
      out.push(at);
  }
  return out;
}

test('every configuration key that names a secret is registered as one', () => {
  const named = /pass|secret|pin|puk|token|credential/i;
  const leaves = schemaLeaves(configSchema);
  assert.ok(leaves.length > 100, 'the walk reaches the leaves');
  const suspicious = leaves.filter((p) => p.some((k) => typeof k === 'string' && named.test(k)));
  assert.ok(suspicious.length >= SECRET_FIELDS.length);
  for (const p of suspicious) assert.ok(isSecretPath(p), `${p.join('.')} looks like a secret but is not in SECRET_FIELDS`);
  // and the registry names fields that exist
  for (const p of [['lines', 0, 'pins', 'A'], ['mail', 'password'], ['smpp', 'accounts', 0, 'password'], ['sms', 'forward', 0, 'webhook', 'secret'], ['ownNumber', 'discovery', 'secret']]) {
    assert.ok(leaves.some((l) => JSON.stringify(l) === JSON.stringify(p)), p.join('.'));
  }
  assert.equal(isSecretPath(['smpp', 'accounts', 0, 'systemId']), false);
  assert.equal(isSecretPath(['mail', 'user']), false);
});
