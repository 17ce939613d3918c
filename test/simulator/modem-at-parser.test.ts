/** V.250 command-line parser of the simulated modems: command forms, and every input split at every offset. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AtParser, parseCommandLine, splitArgs, type ParserEvent } from '../../modem-drivers/simulator/modem/at-parser.js';

function run(chunks: readonly Buffer[], prompts = false): ParserEvent[] {
  const p = new AtParser();
  const out: ParserEvent[] = [];
  for (const c of chunks) {
    for (const b of c) {
      const e = p.push(b);
      if (!e) continue;
      out.push(e);
      // the modem enters prompt state after AT+CMGS/AT+CMGW
      if (prompts && e.kind === 'line' && e.parsed.commands.some((x) => x.kind === 'extended' && (x.name === '+CMGS' || x.name === '+CMGW'))) p.enterPrompt();
    }
  }
  return out;
}

const STREAM = Buffer.from(
  'AT\r' +
    'ATE0V1\r' +
    'AT+CMEE=1;+CREG=2\r\n' +
    '\x1bhello\r' +
    'at+cscs="HEX"\r' +
    'AT+CPMS="SM","ME";+CNMI=2,1,,2\r' +
    'AT+CUSD=1,"Balance: 1,5; ok",15\r' +
    'AT+CMGS=12\r07919471016700001100038121F30000FF02E834\x1a' +
    'AT+CMGW=5\r0011\x1b' +
    'ATD+8613800138000;\r' +
    'ATS0=2S3?\r' +
    'AT&FZ\r' +
    'A/' +
    'AT+CSX\bQ\r',
  'latin1',
);

test('every split of a mixed stream yields the same events', () => {
  const whole = run([STREAM], true);
  assert.equal(whole.length, 16);
  for (let i = 0; i <= STREAM.length; i++) {
    assert.deepEqual(run([STREAM.subarray(0, i), STREAM.subarray(i)], true), whole, `split at ${i}`);
  }
  for (let i = 0; i < STREAM.length; i += 7) {
    for (let j = i; j <= STREAM.length; j += 5) {
      assert.deepEqual(run([STREAM.subarray(0, i), STREAM.subarray(i, j), STREAM.subarray(j)], true), whole, `split at ${i}, ${j}`);
    }
  }
  assert.deepEqual(
    whole.map((e) => e.kind),
    ['line', 'line', 'line', 'ignored', 'line', 'line', 'line', 'line', 'prompt-data', 'line', 'prompt-cancel', 'line', 'line', 'line', 'repeat', 'line'],
  );
});

test('property: byte-at-a-time and chunked feeding agree', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 40 }), (cuts) => {
      const chunks: Buffer[] = [];
      let pos = 0;
      for (const c of cuts) {
        chunks.push(STREAM.subarray(pos, pos + c));
        pos += c;
      }
      chunks.push(STREAM.subarray(pos));
      assert.deepEqual(run(chunks, true), run([STREAM], true));
    }),
  );
});

test('property: arbitrary bytes never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const p = new AtParser();
      p.feed(bytes, () => undefined);
      p.enterPrompt();
      p.feed(bytes, () => undefined);
    }),
  );
});

test('basic commands concatenate; numbers default to none', () => {
  const r = parseCommandLine('E0Q0V1&FZI');
  assert.ok(r.ok);
  assert.deepEqual(
    r.commands.map((c) => (c.kind === 'basic' ? [c.name, c.value] : c.kind)),
    [['E', 0], ['Q', 0], ['V', 1], ['&F', null], ['Z', null], ['I', null]],
  );
});

test('extended commands: set, read, test, exec; quoted strings keep commas, semicolons and case', () => {
  const r = parseCommandLine('+CMEE=1;+CREG?;+CSCS=?;+CSQ;+CUSD=1,"a,b;C",15');
  assert.ok(r.ok);
  const ops = r.commands.map((c) => (c.kind === 'extended' ? `${c.name}:${c.op}` : c.kind));
  assert.deepEqual(ops, ['+CMEE:set', '+CREG:read', '+CSCS:test', '+CSQ:exec', '+CUSD:set']);
  const cusd = r.commands[4]!;
  assert.ok(cusd.kind === 'extended');
  assert.deepEqual(cusd.args, [{ value: '1', quoted: false }, { value: 'a,b;C', quoted: true }, { value: '15', quoted: false }]);
  assert.equal(cusd.text, '+CUSD=1,"a,b;C",15');
});

test('vendor prefixes, lower case names, omitted parameters, \\HH escapes', () => {
  const r = parseCommandLine('$tsspcsw=?;^sysinfo;+cnmi=2,,0,,1;+CSCA="\\2B49"');
  assert.ok(r.ok);
  assert.deepEqual(
    r.commands.map((c) => (c.kind === 'extended' ? c.name : '')),
    ['$TSSPCSW', '^SYSINFO', '+CNMI', '+CSCA'],
  );
  const cnmi = r.commands[2]!;
  assert.ok(cnmi.kind === 'extended');
  assert.deepEqual(cnmi.args, [{ value: '2', quoted: false }, null, { value: '0', quoted: false }, null, { value: '1', quoted: false }]);
  const csca = r.commands[3]!;
  assert.ok(csca.kind === 'extended');
  assert.equal(csca.args[0]!.value, '+49');
  assert.deepEqual(splitArgs('1,'), [{ value: '1', quoted: false }, null]);
});

test('dial: the string runs to ; which marks a voice call; commands may follow', () => {
  const r = parseCommandLine('D+86 138 0013 8000;+CLCC');
  assert.ok(r.ok);
  assert.deepEqual(r.commands[0], { kind: 'dial', dialString: '+8613800138000', voice: true, text: 'D+86 138 0013 8000;' });
  assert.equal(r.commands[1]!.kind, 'extended');
  const data = parseCommandLine('D12345');
  assert.ok(data.ok && data.commands[0]!.kind === 'dial' && !data.commands[0]!.voice);
});

test('S-parameters: set and read', () => {
  const r = parseCommandLine('S0=2S7?');
  assert.ok(r.ok);
  assert.deepEqual(
    r.commands.map((c) => (c.kind === 's-param' ? [c.index, c.op, c.value] : c.kind)),
    [[0, 'set', 2], [7, 'read', null]],
  );
});

test('syntax errors keep the commands before them', () => {
  const a = parseCommandLine('+CMEE=1;+CSQ,;+CREG=2');
  assert.equal(a.ok, false);
  assert.equal(a.commands.length, 1);
  assert.equal(parseCommandLine('+CUSD=1,"open').ok, false);
  assert.equal(parseCommandLine('=5').ok, false);
  assert.equal(parseCommandLine('S').ok, false);
  assert.equal(parseCommandLine('+').ok, false);
  assert.deepEqual(parseCommandLine(''), { ok: true, commands: [] });
});

test('prefix: characters before AT are ignored; "At" is not a prefix; A/ repeats', () => {
  const ev = run([Buffer.from('xyzAT+CSQ\rAt\r  a/', 'latin1')]);
  assert.equal(ev.length, 3);
  assert.ok(ev[0]!.kind === 'line' && ev[0]!.body === '+CSQ');
  assert.deepEqual(ev[1], { kind: 'ignored', text: 'At' });
  assert.deepEqual(ev[2], { kind: 'repeat' });
});

test('backspace edits the line; control characters are dropped; over-long lines overflow', () => {
  const ev = run([Buffer.from('AT+CSX\bQ\x01\x7f\r', 'latin1')]);
  assert.ok(ev[0]!.kind === 'line' && ev[0]!.body === '+CSQ');
  const long = run([Buffer.from('AT' + 'E0'.repeat(1000) + '\rAT\r', 'latin1')]);
  assert.equal(long[0]!.kind, 'overflow');
  assert.ok(long[1]!.kind === 'line' && long[1]!.body === '');
});

test('prompt: CR/LF are not data; Ctrl-Z ends, ESC cancels; back to command state after', () => {
  const p = new AtParser();
  p.enterPrompt();
  const out: ParserEvent[] = [];
  p.feed(Buffer.from('0011\r\n00\x1aAT\r', 'latin1'), (e) => out.push(e));
  assert.deepEqual(out[0], { kind: 'prompt-data', data: '001100' });
  assert.equal(out[1]!.kind, 'line');
  assert.equal(p.inPrompt, false);
});
