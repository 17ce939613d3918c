import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CommandGuard, infoReply, parseSmsCommand, PASSWORD_MASK, screenCommand } from '../../src/sms/commands.js';
import { gsm7Length } from '../../src/gsm/gsm7.js';

test('Appendix A: ###INFO###, trimmed and case-insensitive', () => {
  for (const t of ['###INFO###', '###info###', '  ###Info###\r\n', '\u3000###INFO###\t']) {
    assert.deepEqual(parseSmsCommand(t), { kind: 'info' }, JSON.stringify(t));
  }
  for (const t of ['###INFO', '##INFO##', '###INFO### please', 'x###INFO###', '###IN FO###']) {
    assert.equal(parseSmsCommand(t), null, JSON.stringify(t));
  }
});

test('Appendix A: REBOOT / RESET <password>', () => {
  assert.deepEqual(parseSmsCommand('REBOOT admin'), { kind: 'reboot', password: 'admin' });
  assert.deepEqual(parseSmsCommand('reboot Admin'), { kind: 'reboot', password: 'Admin' });
  assert.deepEqual(parseSmsCommand('Reset S3cret!'), { kind: 'reset', password: 'S3cret!' });
  assert.deepEqual(parseSmsCommand('RESET    two  words '), { kind: 'reset', password: 'two  words' });
  assert.deepEqual(parseSmsCommand('REBOOT\tpw'), { kind: 'reboot', password: 'pw' });
  assert.deepEqual(parseSmsCommand('REBOOT\u3000pw'), { kind: 'reboot', password: 'pw' });
  assert.deepEqual(parseSmsCommand(' \nREBOOT pw\n'), { kind: 'reboot', password: 'pw' });
  // The brackets are not to be typed; when they are, they are part of the password.
  assert.deepEqual(parseSmsCommand('REBOOT <pw>'), { kind: 'reboot', password: '<pw>' });
});

test('not commands', () => {
  for (const t of ['REBOOT', 'REBOOT   ', 'REBOOTpw', 'please REBOOT pw', 'RESTART pw', '', 'hello']) {
    assert.equal(parseSmsCommand(t), null, JSON.stringify(t));
  }
  assert.equal(parseSmsCommand(undefined as unknown as string), null);
  fc.assert(
    fc.property(fc.string(), (s) => {
      const r = parseSmsCommand(s);
      if (r && r.kind !== 'info') assert.ok(r.password.length > 0);
    }),
  );
});

test('a password is one line: a text going on after a line break is not a command', () => {
  for (const t of ['Reset code 123456\nNot you? Call us', 'REBOOT pw\r\nmore', 'RESET a\nb']) {
    assert.equal(parseSmsCommand(t), null, JSON.stringify(t));
  }
});

const ALL_ON = { info: true, reboot: true, reset: true };

test('screenCommand: a command attempt is stored masked, right or wrong password alike', () => {
  const one = (text: string, sender = '+8613912340001') => screenCommand({ text, sender, concatenated: false }, ALL_ON);
  assert.deepEqual(one('REBOOT s3cret pass'), { command: { kind: 'reboot', password: 's3cret pass' }, storedText: `REBOOT ${PASSWORD_MASK}` });
  assert.deepEqual(one('  reset wrong\n'), { command: { kind: 'reset', password: 'wrong' }, storedText: 'RESET ********' });
  assert.deepEqual(one('###info###'), { command: { kind: 'info' }, storedText: '###info###' });
  assert.equal(one('REBOOT x'.padEnd(150, 'y'))!.storedText, 'REBOOT ********', 'the mask does not tell the length');
  // not commands: ordinary messages, stored and forwarded as they are
  assert.equal(one('hello'), null);
  assert.equal(one('REBOOT'), null);
  assert.equal(one('REBOOT pw', 'MyBank'), null, 'an alphanumeric sender is a service, not an operator');
  assert.equal(one('REBOOT pw', ''), null);
  assert.equal(screenCommand({ text: 'REBOOT pw', sender: '+8613912340001', concatenated: true }, ALL_ON), null, 'a part of a concatenated SMS');
  assert.equal(screenCommand({ text: 'REBOOT pw', sender: '10086', concatenated: false }, { ...ALL_ON, reboot: false }), null, 'switched off');
  assert.equal(screenCommand({ text: '###INFO###', sender: '10086', concatenated: false }, { ...ALL_ON, info: false }), null);
  assert.ok(screenCommand({ text: 'RESET pw', sender: '10086', concatenated: false }, { ...ALL_ON, reboot: false }));
  fc.assert(
    fc.property(fc.string(), fc.string({ minLength: 1 }), (kw, pw) => {
      const r = screenCommand({ text: `${kw} ${pw}`, sender: '+1', concatenated: false }, ALL_ON);
      if (r && r.command.kind !== 'info') assert.equal(r.storedText, `${r.command.kind.toUpperCase()} ${PASSWORD_MASK}`);
    }),
  );
});

function clock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

test('CommandGuard: per sender, N wrong passwords in the window, then refused with the time to wait', () => {
  const c = clock();
  const g = new CommandGuard({ maxPerSender: 3, maxGlobal: 100, windowMs: 60_000, now: c.now });
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(g.begin('+8613800000001'), { allowed: true });
    c.advance(10_000);
  }
  // Failures at 0, 10 s, 20 s; now 30 s: the first leaves the window at 60 s.
  assert.deepEqual(g.begin('+8613800000001'), { allowed: false, scope: 'sender', retryAfterMs: 30_000 });
  assert.deepEqual(g.check('+8613800000001'), { allowed: false, scope: 'sender', retryAfterMs: 30_000 });
  // Refused attempts are not counted: the wait does not grow.
  c.advance(29_999);
  assert.deepEqual(g.check('+8613800000001'), { allowed: false, scope: 'sender', retryAfterMs: 1 });
  // Another sender is not affected.
  assert.deepEqual(g.check('+8613800000002'), { allowed: true });
  c.advance(1);
  assert.deepEqual(g.begin('+8613800000001'), { allowed: true });
});

test('CommandGuard: a right password clears the sender', () => {
  const c = clock();
  const g = new CommandGuard({ maxPerSender: 2, maxGlobal: 100, windowMs: 60_000, now: c.now });
  g.begin('a');
  g.begin('a');
  g.succeeded('a');
  assert.deepEqual(g.check('a'), { allowed: true });
  g.begin('a');
  assert.deepEqual(g.check('a'), { allowed: true });
});

test('CommandGuard: the global limit stops guesses spread over many senders', () => {
  const c = clock();
  const g = new CommandGuard({ maxPerSender: 3, maxGlobal: 5, windowMs: 60_000, now: c.now });
  for (let i = 0; i < 5; i++) {
    assert.equal(g.begin(`s${i}`).allowed, true);
    c.advance(1000);
  }
  assert.deepEqual(g.begin('fresh'), { allowed: false, scope: 'global', retryAfterMs: 55_000 });
  c.advance(55_000);
  assert.deepEqual(g.begin('fresh'), { allowed: true });
  // A success removes that sender's failures from the global count too.
  assert.equal(g.begin('x').allowed, false);
  g.succeeded('s1');
  assert.equal(g.begin('x').allowed, true);
});

test('CommandGuard: sender memory is bounded and bad options fall back to defaults', () => {
  const c = clock();
  const g = new CommandGuard({ maxPerSender: 1, maxGlobal: 1_000_000, maxSenders: 2, windowMs: 60_000, now: c.now });
  g.begin('a');
  g.begin('b');
  g.begin('c'); // forgets 'a'
  assert.deepEqual(g.check('a'), { allowed: true });
  assert.equal(g.check('c').allowed, false);
  const d = new CommandGuard({ maxPerSender: -1, maxGlobal: NaN, windowMs: 0, now: c.now });
  assert.equal(d.maxPerSender, 3);
  assert.equal(d.maxGlobal, 10);
  assert.equal(d.windowMs, 15 * 60_000);
});

test('infoReply: a short reply in one GSM SMS', () => {
  const text = infoReply(
    { http: ['http://192.168.1.10/'], sip: ['192.168.1.10:5060'], smpp: ['192.168.1.10:2775'] },
    { name: 'gw-1', version: '0.1.0' },
  );
  assert.equal(text, 'cellgate gw-1 0.1.0\nHTTP http://192.168.1.10/\nSIP 192.168.1.10:5060\nSMPP 192.168.1.10:2775');
  assert.ok(gsm7Length(text)! <= 160);
  assert.equal(infoReply({ http: [] }, { name: '', version: '1' }), 'cellgate 1\nno network address');
  assert.equal(
    infoReply({ http: ['http://10.0.0.1/', 'http://[fe80::1]/'] }, { name: 'a\nb', version: '2' }),
    'cellgate a b 2\nHTTP http://10.0.0.1/ http://[fe80::1]/',
  );
});

test('infoReply: drops addresses from the end to stay within 160 septets', () => {
  const http = Array.from({ length: 6 }, (_, i) => `http://192.168.100.${100 + i}:8080/`);
  const text = infoReply({ http, sip: ['192.168.100.100:5060'], smpp: ['192.168.100.100:2775'] }, { name: 'gateway', version: '0.1.0' });
  assert.ok(gsm7Length(text)! <= 160, `${gsm7Length(text)} septets`);
  assert.match(text, /^cellgate gateway 0\.1\.0\nHTTP http:\/\/192\.168\.100\.100:8080\/ /);
  assert.match(text, /\n\+\d+ more$/);
  assert.ok(!text.includes('SMPP'));
  // Property: any address list gives one SMS whenever the header and first address fit.
  fc.assert(
    fc.property(
      fc.array(fc.stringMatching(/^[a-z0-9.:/]{1,30}$/), { minLength: 1, maxLength: 12 }),
      fc.array(fc.stringMatching(/^[0-9.:]{1,21}$/), { maxLength: 4 }),
      (h, s) => {
        const t = infoReply({ http: h, sip: s }, { name: 'gw', version: '1.0.0' });
        const first = `cellgate gw 1.0.0\nHTTP ${h[0]}\n+99 more`;
        if (gsm7Length(first)! <= 160) assert.ok(gsm7Length(t)! <= 160, t);
      },
    ),
  );
});

test('infoReply: a non-GSM device name means UCS-2 and 70 characters', () => {
  const text = infoReply({ http: ['http://192.168.1.10/', 'http://10.10.10.10/'], sip: ['192.168.1.10:5060'] }, { name: '网关一号', version: '0.1.0' });
  assert.ok(text.length <= 70, text);
  assert.match(text, /^cellgate 网关一号 0\.1\.0\nHTTP http:\/\/192\.168\.1\.10\//);
  // When even the first address cannot fit, the reply is not cut.
  const long = infoReply({ http: ['http://' + 'a'.repeat(200) + '/'] }, { name: 'gw', version: '1' });
  assert.ok(long.includes('a'.repeat(200)));
});
