import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vtsCommands } from '../../modem-drivers/generic/dtmf-send.js';

test('vtsCommands: one AT+VTS per key (TS 27.007 §C.2.11), lower-case A-D raised', () => {
  assert.deepEqual(vtsCommands('13912345678#'), {
    ok: true,
    commands: ['1', '3', '9', '1', '2', '3', '4', '5', '6', '7', '8', '#'].map((k) => `AT+VTS=${k}`),
  });
  assert.deepEqual(vtsCommands('*ab'), { ok: true, commands: ['AT+VTS=*', 'AT+VTS=A', 'AT+VTS=B'] });
});

test('vtsCommands: keys that are no DTMF key, an empty string or more than 64 keys are refused', () => {
  for (const bad of ['', '12x', '1;AT+CFUN=0', '+861', '1'.repeat(65), '1\r']) assert.equal(vtsCommands(bad).ok, false, JSON.stringify(bad));
});
