import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { configFilePath, defaultDataDir, openConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { DurableFileError } from '../../src/config/durable-file.js';
import { JsonStore } from '../../src/config/json-store.js';
import { defaultConfig } from '../../src/config/schema.js';
import { silentLogger } from '../../src/util/log.js';
import { tempDir } from './temp-dir.js';

/** A logger whose JSON lines are collected in `records`. */
function captureLogger() {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) records.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: 'info' }, stream), records };
}

const readJson = (f: string): unknown => JSON.parse(fs.readFileSync(f, 'utf8'));

test('a missing config file is created with every default, mode 0600', async (t) => {
  const dir = tempDir(t);
  const file = configFilePath(path.join(dir, 'data'));
  const { log, records } = captureLogger();
  const store = await openConfig({ file, log });
  assert.equal(store.created, true);
  assert.deepEqual(store.get(), defaultConfig());
  assert.deepEqual(readJson(file), defaultConfig());
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.ok(records.some((r) => r.level === 30 && String(r.msg).includes('created')));

  const again = await openConfig({ file, log: silentLogger() });
  assert.equal(again.created, false);
  assert.deepEqual(again.get(), defaultConfig());
});

test('update validates first: an invalid change writes nothing and throws field errors', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ lines: [{ port: '/dev/ttyUSB0' }] }));
  const store = await openConfig({ file, log: silentLogger() });
  const before = fs.readFileSync(file, 'utf8');

  await assert.rejects(
    store.update((c) => {
      (c.http as { port: unknown }).port = 'abc';
      c.lines.push({ ...c.lines[0]!, id: 1 });
    }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(e.errors, [{ path: 'http.port', message: 'expected an integer from 1 to 65535, got "abc"' }]);
      assert.equal(e.message, 'change rejected:\n  http.port: expected an integer from 1 to 65535, got "abc"');
      return true;
    },
  );
  await assert.rejects(
    store.update((c) => {
      c.lines.push({ ...c.lines[0]!, id: 1 });
    }),
    { errors: [{ path: 'lines[1].id', message: 'duplicate id 1 (also used by lines[0])' }, { path: 'lines[1].port', message: '"/dev/ttyUSB0" is already used by lines[0]' }] },
  );
  assert.equal(fs.readFileSync(file, 'utf8'), before);
  assert.equal(store.get().http.port, 8080);
});

test('a valid update is durable when it resolves, and get() is frozen', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  const store = await openConfig({ file, log: silentLogger() });
  const seen: number[] = [];
  store.onChange((next, prev) => seen.push(prev.http.port, next.http.port));
  const pending = store.update((c) => {
    c.http.port = 8081;
  });
  assert.equal(store.get().http.port, 8080, 'not visible before it is on disk');
  const next = await pending;
  assert.equal(next.http.port, 8081);
  assert.equal((readJson(file) as { http: { port: number } }).http.port, 8081);
  assert.equal((readJson(`${file}.bak`) as { http: { port: number } }).http.port, 8080);
  assert.deepEqual(seen, [8080, 8081]);
  assert.throws(() => {
    (store.get().http as { port: number }).port = 1;
  }, TypeError);

  // A mutator may also return a whole new document; updates queue and see each other's results.
  const [a, b] = await Promise.all([
    store.update((c) => ({ ...c, device: { ...c.device, name: 'gw-1' } })),
    store.update((c) => {
      c.log.level = 'debug';
    }),
  ]);
  assert.equal(a.device.name, 'gw-1');
  assert.equal(b.device.name, 'gw-1');
  assert.equal(b.log.level, 'debug');
  const reopened = await openConfig({ file, log: silentLogger() });
  assert.deepEqual(reopened.get(), b);
});

test('a corrupt config.json starts from config.json.bak with a warning', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  const first = await openConfig({ file, log: silentLogger() });
  await first.update((c) => {
    c.device.name = 'kept';
  });
  await first.update((c) => {
    c.device.name = 'latest';
  });
  fs.writeFileSync(file, '{ "device": { "name": "half');
  const { log, records } = captureLogger();
  const store = await openConfig({ file, log });
  assert.equal(store.get().device.name, 'kept');
  assert.equal(store.recovery?.from, 'bak');
  const warn = records.find((r) => r.level === 40);
  assert.ok(warn, 'a warning was logged');
  assert.equal(warn.msg, `${file} was corrupt (not valid JSON at 1:23: unterminated string); started from ${file}.bak`);
  assert.equal(warn.backup, `${file}.bak`);
});

test('an invalid config.json throws ConfigError with the formatted field errors', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ http: { port: 'abc' }, lines: [{ prot: '/dev/ttyUSB0' }] }));
  await assert.rejects(openConfig({ file, log: silentLogger() }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.file, file);
    assert.equal(
      e.message,
      [
        `${file} is invalid:`,
        '  http.port: expected an integer from 1 to 65535, got "abc"',
        '  lines[0].prot: unknown key (did you mean "port"?)',
      ].join('\n'),
    );
    return true;
  });
  assert.equal(readJson(file) instanceof Object, true, 'the invalid file is left as it was');
});

test('config.json and its backup both corrupt: DurableFileError', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, '[]');
  fs.writeFileSync(`${file}.bak`, '{');
  await assert.rejects(openConfig({ file, log: silentLogger() }), (e: unknown) => {
    assert.ok(e instanceof DurableFileError);
    assert.match(e.message, /config\.json is unusable \(expected a JSON object at the top level, got an array\) and so is its backup .*config\.json\.bak \(not valid JSON at 1:2: unexpected end of input; a '\}' is missing\)/);
    return true;
  });
});

test('JsonStore with a custom validator: mutator errors and invalid defaults write nothing', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'counter.json');
  type Doc = { n: number };
  const validate = (d: unknown) =>
    typeof (d as Doc).n === 'number' && (d as Doc).n >= 0
      ? { ok: true as const, value: { n: (d as Doc).n } }
      : { ok: false as const, errors: [{ path: 'n', message: 'expected a number ≥ 0' }] };
  await assert.rejects(JsonStore.open<Doc>({ file, validate, defaults: () => ({ n: -1 }) }), ConfigError);
  assert.equal(fs.existsSync(file), false);
  const s = await JsonStore.open<Doc>({ file, validate, defaults: () => ({ n: 0 }) });
  await assert.rejects(
    s.update(() => {
      throw new Error('boom');
    }),
    { message: 'boom' },
  );
  await s.update((d) => {
    d.n = 5;
  });
  await s.flush();
  assert.deepEqual(readJson(file), { n: 5 });
});

test('defaultDataDir: /var/lib/cellgate for root, else ./data', (t) => {
  const real = process.getuid;
  t.after(() => {
    process.getuid = real;
  });
  process.getuid = () => 0;
  assert.equal(defaultDataDir(), '/var/lib/cellgate');
  process.getuid = () => 1000;
  assert.equal(defaultDataDir(), path.resolve(process.cwd(), 'data'));
});

test('a key given twice is refused at start, naming both lines, and nothing is rewritten', async (t) => {
  const dir = tempDir(t);
  const file = configFilePath(dir);
  const text = '{\n  "http": { "port": 8080 },\n  "device": { "name": "a" },\n  "http": { "port": 9090 }\n}\n';
  fs.writeFileSync(file, text);
  await assert.rejects(openConfig({ file, log: silentLogger() }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.errors, [{ path: 'http', message: 'duplicate key at line 4, column 3 (first at line 2, column 3); only the last one would count' }]);
    assert.match(e.message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is invalid:`));
    return true;
  });
  assert.equal(fs.readFileSync(file, 'utf8'), text);
});
