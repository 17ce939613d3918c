import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { checkConfig, runConfigCheck } from '../../src/config/check.js';
import { formatFieldErrors } from '../../src/config/errors.js';
import { tempDir } from './temp-dir.js';

// /dev/null is a character device on every Linux and macOS machine.
const CHAR_DEV = '/dev/null';

test('schema only unless fs checks are asked for', async () => {
  const doc = { lines: [{ port: '/dev/cellgate-no-such-tty' }] };
  const r = await checkConfig(doc, { fsChecks: false });
  assert.equal(r.ok, true);
  assert.equal(r.config?.lines[0]?.port, '/dev/cellgate-no-such-tty');
  assert.deepEqual(r.errors, []);
});

test('fs checks: nonexistent device, not a character device, a real character device', async (t) => {
  const dir = tempDir(t);
  const plain = path.join(dir, 'plain-file');
  fs.writeFileSync(plain, '');
  const r = await checkConfig(
    {
      lines: [
        { port: '/dev/cellgate-no-such-tty' },
        { port: plain },
        { port: CHAR_DEV },
        { port: '/dev/cellgate-disabled', enabled: false },
        { usbPath: '1-1.4', simSwitch: { backend: 'serial', port: '/dev/cellgate-no-such-switch', template: 'SIM {line} {slot}\r\n' } },
      ],
    },
    { fsChecks: true },
  );
  assert.equal(r.ok, false);
  assert.ok(r.config, 'the schema accepted it, so the config is returned');
  assert.deepEqual(formatFieldErrors(r.errors), [
    'lines[0].port: no such device',
    'lines[1].port: not a character device',
    'lines[4].simSwitch.port: no such device',
  ]);
});

test('fs checks: GPIO chip and reset program', async (t) => {
  const dir = tempDir(t);
  const script = path.join(dir, 'cycle.sh');
  fs.writeFileSync(script, '#!/bin/sh\n', { mode: 0o644 });
  const r = await checkConfig(
    {
      lines: [
        { usbPath: '1-1.1', simSwitch: { backend: 'gpio', chip: '987', lines: [1, 2], gpiosetPath: process.execPath } },
        { usbPath: '1-1.6', simSwitch: { backend: 'gpio', chip: '/dev/gpiochip986', lines: [1, 2], gpiosetPath: '/nonexistent/gpioset' } },
        { usbPath: '1-1.2', reset: { command: ['cellgate-no-such-program', '--on'] } },
        { usbPath: '1-1.3', reset: { command: [script] } },
        { usbPath: '1-1.4', reset: { command: [process.execPath, '-e', ''] } },
        { usbPath: '1-1.5', reset: { command: ['sh', '-c', 'true'] } },
      ],
    },
    { fsChecks: true },
  );
  assert.deepEqual(formatFieldErrors(r.errors), [
    'lines[0].simSwitch.chip: no such device: /dev/gpiochip987',
    'lines[1].simSwitch.chip: no such device: /dev/gpiochip986',
    'lines[1].simSwitch.gpiosetPath: no such program "/nonexistent/gpioset"',
    'lines[2].reset.command[0]: no such program "cellgate-no-such-program" in PATH',
    `lines[3].reset.command[0]: ${JSON.stringify(script)} is not executable`,
  ]);
});

test('schema errors and machine checks are reported in one run', async () => {
  const r = await checkConfig(
    {
      http: { port: 'abc' },
      lines: [{ port: '/dev/cellgate-no-such-tty' }, { port: 'relative/tty' }, { port: '/dev/cellgate-no-such-tty2', prot: 1 }, { port: '/dev/cellgate-off', enabled: false }],
    },
    { fsChecks: true },
  );
  assert.equal(r.ok, false);
  assert.equal(r.config, undefined);
  assert.deepEqual(formatFieldErrors(r.errors), [
    'http.port: expected an integer from 1 to 65535, got "abc"',
    'lines[1].port: expected an absolute device path such as "/dev/ttyUSB2", got "relative/tty"',
    'lines[2].prot: unknown key (did you mean "port"?)',
    // lines[1] and lines[2] are invalid themselves, so only lines[0] is looked for on this machine.
    'lines[0].port: no such device',
  ]);
});

test('runConfigCheck: duplicate keys with their lines, schema errors and machine checks together', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(
    file,
    ['{', '  "http": {', '    "port": 8080,', '    "port": "abc"', '  },', '  "lines": [', '    { "port": "/dev/cellgate-no-such-tty", "name": "a", "name": "b" }', '  ]', '}', ''].join('\n'),
  );
  const r = await runConfigCheck(file);
  assert.equal(r.code, 1);
  assert.deepEqual(r.output.split('\n'), [
    `${file}: 4 errors`,
    'http.port: duplicate key at line 4, column 5 (first at line 3, column 5); only the last one would count',
    'lines[0].name: duplicate key at line 7, column 57 (first at line 7, column 44); only the last one would count',
    'http.port: expected an integer from 1 to 65535, got "abc"',
    'lines[0].port: no such device',
  ]);
});

test('runConfigCheck: valid file', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ lines: [{ port: CHAR_DEV }] }));
  assert.deepEqual(await runConfigCheck(file), { code: 0, output: `${file}: OK (1 line configured)` });
});

test('runConfigCheck: field errors, one per line', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ lines: [{ port: '/dev/cellgate-no-such-tty' }, { port: CHAR_DEV }] }));
  assert.deepEqual(await runConfigCheck(file), {
    code: 1,
    output: `${file}: 1 error\nlines[0].port: no such device`,
  });
  assert.deepEqual(await runConfigCheck(file, { fsChecks: false }), { code: 0, output: `${file}: OK (2 lines configured)` });
});

test('runConfigCheck: JSON syntax error with line and column', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, '{\n  "http": {\n    "port": 8080\n    "host": "::"\n  }\n}\n');
  assert.deepEqual(await runConfigCheck(file), {
    code: 1,
    output: `${file}:4:5: expected ',' or '}' after a property value, got '"'`,
  });
});

test('runConfigCheck: unreadable file', async (t) => {
  const dir = tempDir(t);
  assert.deepEqual(await runConfigCheck(path.join(dir, 'nope.json')), { code: 2, output: `${path.join(dir, 'nope.json')}: cannot read: no such file` });
  assert.deepEqual(await runConfigCheck(dir), { code: 2, output: `${dir}: cannot read: is a directory` });
});

test('a "__proto__" key in the file is an unknown key, not a prototype', async () => {
  const r = await checkConfig(JSON.parse('{"__proto__": {"x": 1}}'));
  assert.deepEqual(formatFieldErrors(r.errors), ['__proto__: unknown key (expected one of: device, http, log, modems, security, policy, simulator, sms, mail, smpp, ussd, calls, sip, ownNumber, lines)']);
});
