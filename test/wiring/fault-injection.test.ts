import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/util/log.js';
import { FSYNC_DELAY_ENV, fsyncDelayFromEnv } from '../../src/wiring/fault-injection.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { lines, log: createLogger({ level: 'info', destination }) };
}

test('no fault injection unless the variable is set', () => {
  const { lines, log } = capture();
  assert.equal(fsyncDelayFromEnv({}, log), 0);
  assert.equal(fsyncDelayFromEnv({ [FSYNC_DELAY_ENV]: '' }, log), 0);
  assert.equal(fsyncDelayFromEnv({ [FSYNC_DELAY_ENV]: '0' }, log), 0);
  assert.deepEqual(lines, []);
});

test('a sync delay in ms is taken and logged as a warning', () => {
  const { lines, log } = capture();
  assert.equal(fsyncDelayFromEnv({ [FSYNC_DELAY_ENV]: ' 100 ' }, log), 100);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /"level":40.*fault injection/);
});

test('a value that is not 0-10000 ms is ignored with a warning, never thrown', () => {
  for (const bad of ['-5', '1.5', 'abc', '100ms', '10001', '99999999999', '1e3']) {
    const { lines, log } = capture();
    assert.equal(fsyncDelayFromEnv({ [FSYNC_DELAY_ENV]: bad }, log), 0, bad);
    assert.match(lines.join(''), /fault injection ignored/, bad);
  }
});
