import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { chooseLogFormat, createConsoleLogger } from '../../src/util/log.js';

/** A stand-in for stdout: collects what is written; `isTTY` as given. */
function fakeStdout(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  }) as Writable & { isTTY: boolean; text: () => string };
  w.isTTY = isTTY;
  w.text = () => chunks.join('');
  return w;
}

const settle = () => new Promise((r) => setTimeout(r, 50));

test('readable lines on a terminal, JSON otherwise, unless a format is asked for', () => {
  assert.equal(chooseLogFormat(undefined, { isTTY: true }), 'pretty');
  assert.equal(chooseLogFormat(undefined, { isTTY: false }), 'json');
  assert.equal(chooseLogFormat(undefined, {}), 'json');
  assert.equal(chooseLogFormat('json', { isTTY: true }), 'json');
  assert.equal(chooseLogFormat('pretty', { isTTY: false }), 'pretty');
});

test('on a terminal: one readable line per event, secrets still redacted', async () => {
  const out = fakeStdout(true);
  const { log, format } = await createConsoleLogger({ out });
  assert.equal(format, 'pretty');
  log.child({ line: 1 }).info({ pin: '1234', port: '/dev/ttyUSB2' }, 'modem identified');
  await settle();
  const text = out.text();
  assert.doesNotMatch(text, /^\{/, 'not JSON');
  assert.match(text, /INFO/);
  assert.match(text, /modem identified/);
  assert.match(text, /"port":"\/dev\/ttyUSB2"/);
  assert.doesNotMatch(text, /1234/);
  assert.equal(text.trimEnd().split('\n').length, 1);
});

test('not a terminal: JSON lines', async () => {
  const out = fakeStdout(false);
  const { log, format } = await createConsoleLogger({ out });
  assert.equal(format, 'json');
  log.info({ password: 'secret-x' }, 'hello');
  await settle();
  const rec = JSON.parse(out.text().trim()) as { msg: string; level: number; password: string };
  assert.equal(rec.msg, 'hello');
  assert.equal(rec.level, 30);
  assert.equal(rec.password, '[redacted]');
});

test('--log-format overrides the terminal check both ways', async () => {
  const tty = fakeStdout(true);
  const json = await createConsoleLogger({ out: tty, format: 'json' });
  json.log.info('as json');
  await settle();
  assert.equal((JSON.parse(tty.text().trim()) as { msg: string }).msg, 'as json');

  const pipe = fakeStdout(false);
  const pretty = await createConsoleLogger({ out: pipe, format: 'pretty' });
  pretty.log.warn('as text');
  await settle();
  assert.match(pipe.text(), /WARN.*as text/);
});

test('pino-pretty is loaded only when pretty output is chosen; when it cannot be, JSON with a warning or, if asked for, an error', async () => {
  let loads = 0;
  const broken = async () => {
    loads++;
    throw new Error('module not found');
  };
  await createConsoleLogger({ out: fakeStdout(false), loadPretty: broken });
  assert.equal(loads, 0, 'not loaded for JSON output');

  const out = fakeStdout(true);
  const r = await createConsoleLogger({ out, loadPretty: broken });
  assert.equal(loads, 1);
  assert.equal(r.format, 'json');
  await settle();
  const warning = JSON.parse(out.text().trim()) as { msg: string; reason: string };
  assert.match(warning.msg, /pino-pretty cannot be loaded; logging JSON/);
  assert.equal(warning.reason, 'module not found');

  await assert.rejects(createConsoleLogger({ out: fakeStdout(true), format: 'pretty', loadPretty: broken }), /--log-format pretty needs the pino-pretty package/);
});
