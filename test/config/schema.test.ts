import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { defaultConfig, validateConfig, type Config } from '../../src/config/schema.js';
import { formatFieldErrors, formatPath } from '../../src/config/errors.js';
import { didYouMean, editDistance } from '../../src/config/did-you-mean.js';
import { isValidImei, luhnCheckDigit } from '../../src/gsm/imei.js';

/** Formatted error lines for a document the test expects to be rejected. */
function errorsOf(doc: unknown): string[] {
  const r = validateConfig(doc);
  assert.equal(r.ok, false, 'expected the document to be rejected');
  return r.ok ? [] : formatFieldErrors(r.errors);
}

function valid(doc: unknown): Config {
  const r = validateConfig(doc);
  if (!r.ok) assert.fail(`unexpected errors:\n${formatFieldErrors(r.errors).join('\n')}`);
  return r.value;
}

// A valid IMEI from 3GPP TS 23.003 Annex B (TAC+SNR 49015420323751, check digit 8).
const IMEI_OK = '490154203237518';

test('{} is a complete configuration with every default', () => {
  const c = valid({});
  assert.deepEqual(c, {
    device: { name: 'cellgate', timezone: 'UTC' },
    http: { port: 8080, host: '0.0.0.0', allowedOrigins: [], tls: null },
    log: { level: 'info' },
    modems: { autoDetect: true, probeIntervalMs: 3000, unresponsiveAfterMs: 8000, commandTimeoutMs: 5000 },
    security: { allowImeiWrite: false },
    policy: {
      billingPeriodSec: 60,
      onMinutesExhausted: 'hangup',
      onSmsExhausted: 'block-sms',
      shortCallSec: 10,
      limits: { callCountIncludesUnanswered: true },
      slotLimits: {},
      lineSelection: 'round-robin',
      switchRules: { strategy: 'sequential', triggers: {}, duringCall: 'wait', switchWhenExhausted: true },
      unusableAfterNoNetworkMinutes: 5,
      disableRules: [],
    },
    simulator: { mode: 'auto', modems: 4, timing: 'realistic', controlPort: 8081, controlHost: '127.0.0.1' },
    sms: {
      sendIntervalSec: 0,
      useSimSmsc: true,
      smsc: null,
      dialRules: '',
      strictDialRules: false,
      prefixMatch: 'callee',
      stripPrefix: false,
      statusReports: true,
      maxAttempts: 3,
      retryDelaySec: 30,
      resendUnknown: false,
      partTimeoutSec: 600,
      submitPartTimeoutSec: 300,
      retention: { inboxDays: 0, outboxDays: 0 },
      commands: { info: false, infoFrom: [], infoLimit: { perSender: 1, windowMinutes: 60 }, reboot: true, reset: true },
      forward: [],
      forwardRetry: { retryBaseSec: 10, retryMaxSec: 1800, giveUpHours: 72 },
    },
    mail: null,
    smpp: {
      enabled: false,
      host: '0.0.0.0',
      port: 2775,
      tls: null,
      windowSize: 100,
      maxSubmitsPerSecond: 0,
      responseTimeoutSec: 10,
      enquireLinkSec: 60,
      resubmitWindowSec: 60,
      lineNumber: false,
      accounts: [],
    },
    ussd: { timeoutSec: 30 },
    calls: { ringTimeoutSec: 30 },
    sip: {
      enabled: true,
      host: '0.0.0.0',
      port: 5060,
      tls: null,
      publicHost: null,
      replyPath: 'via',
      timers: { t1Ms: 500, t2Ms: 4000, t4Ms: 5000 },
      keepAlive: { method: 'crlf', intervalSec: 30 },
      rateLimit: { perSecond: 20, burst: 40 },
      registration: { mode: 'none', lines: [], groups: [] },
      trunk: { peers: [] },
      inbound: { auth: 'address', realm: 'cellgate', users: [] },
      calls: { prefixMatch: 'callee', stripPrefix: false, lineSelection: 'round-robin', dialRules: '', strictDialRules: false, denyPrefixes: [], ringback: '180', noAnswerSec: 60, noRingSec: 30, causeStatus: { busy: 486, noAnswer: 480, rejected: 603, unreachable: 404, other: 503 }, twoStage: { enabled: false, digitTimeoutSec: 5, forwardNumber: null } },
      forward: {
        default: null,
        lines: {},
        callerId: 'from',
        countryCode: null,
        trunkPrefix: '0',
        callerIdRules: '',
        noAnswerSec: 60,
        twoStage: { enabled: false, lines: null, noInputSec: 5, totalSec: 30, dialRules: '', strictDialRules: false, reach: 'registrar' },
      },
      callWaiting: { default: 'disabled', lines: {} },
      registrar: { enabled: false, realm: 'cellgate', extensions: [], groups: [], algorithms: ['MD5'] },
      media: { rtpPorts: '16384-32768', bindAddress: null, ptimeMs: 20, codecs: ['PCMU', 'PCMA'], dtmf: 'rfc4733', dtmfToGsm: 'vts', rtpTimeoutSec: 30, symmetricRtp: true, jitterBufferMs: 120, wakeBatchMs: 2, srtp: 'off', tonePreset: 'china', vad: false },
      message: { destination: 'body', relayReport: true },
      cdr: null,
      demoTrunk: 'auto',
    },
    ownNumber: { ussd: null, smsQuery: null, discovery: { enabled: false, secret: null }, timeoutSec: 120 },
    lines: [],
  });
  assert.deepEqual(defaultConfig(), c);
});

test('a minimal line gets its defaults; id defaults to position + 1', () => {
  const c = valid({ lines: [{ port: '/dev/ttyUSB2' }, { usbPath: '1-1.3', id: 7 }, { imei: '861234567890123' }] });
  assert.deepEqual(c.lines[0], {
    id: 1,
    enabled: true,
    port: '/dev/ttyUSB2',
    family: 'auto',
    baudRate: 115200,
    operator: { mode: 'auto' },
    pins: {},
    imeiWrite: { mode: 'off' },
    simSwitch: { backend: 'none' },
    dataCheck: { intervalMinutes: 0 },
    audio: { pcmSampleRate: 8000, pcmFrameMs: 20 },
    reset: { usbPowerCycle: true },
    prefixes: '',
  });
  assert.equal(c.lines[1]!.id, 7);
  assert.equal(c.lines[2]!.id, 3);
});

test('every sim switch backend is accepted with its defaults', () => {
  const c = valid({
    lines: [
      { port: '/dev/ttyUSB0', simSwitch: { backend: 'simulated' } },
      { port: '/dev/ttyUSB1', simSwitch: { backend: 'gpio', lines: [17, 27], activeLow: true } },
      { port: '/dev/ttyUSB2', simSwitch: { backend: 'serial', port: '/dev/ttyS1', template: 'SIM {line} {slot}\r\n', expect: '^OK' } },
      { port: '/dev/ttyUSB3', simSwitch: { backend: 'dual-sim' }, reset: { command: ['gpioset', 'gpiochip0', '5=0'] } },
    ],
  });
  assert.deepEqual(c.lines[1]!.simSwitch, { backend: 'gpio', chip: 'gpiochip0', lines: [17, 27], activeLow: true });
  assert.deepEqual(c.lines[2]!.simSwitch, {
    backend: 'serial',
    port: '/dev/ttyS1',
    baudRate: 115200,
    template: 'SIM {line} {slot}\r\n',
    expect: '^OK',
    timeoutMs: 1000,
  });
  assert.deepEqual(c.lines[3]!.simSwitch, { backend: 'dual-sim', slots: 2 });
  assert.deepEqual(c.lines[3]!.reset, { usbPowerCycle: true, command: ['gpioset', 'gpiochip0', '5=0'] });
});

test('error strings: bad port type', () => {
  assert.deepEqual(errorsOf({ http: { port: 'abc' } }), ['http.port: expected an integer from 1 to 65535, got "abc"']);
  assert.deepEqual(errorsOf({ http: { port: 0 } }), ['http.port: expected an integer from 1 to 65535, got 0']);
  assert.deepEqual(errorsOf({ http: { port: 80.5 } }), ['http.port: expected an integer from 1 to 65535, got 80.5']);
});

test('http.allowedOrigins: serialized origins only', () => {
  assert.deepEqual(valid({ http: { allowedOrigins: ['https://gw.example', 'http://10.0.0.2:8080', 'http://[::1]:8080'] } }).http.allowedOrigins, [
    'https://gw.example',
    'http://10.0.0.2:8080',
    'http://[::1]:8080',
  ]);
  const what = 'expected an origin such as "https://gateway.example:8443" (lower case, no path, no trailing slash)';
  assert.deepEqual(errorsOf({ http: { allowedOrigins: ['https://gw.example/', 'https://GW.example', 'https://gw.example:443', 'ftp://gw.example', 'null', 3] } }), [
    `http.allowedOrigins[0]: ${what}, got "https://gw.example/"`,
    `http.allowedOrigins[1]: ${what}, got "https://GW.example"`,
    `http.allowedOrigins[2]: ${what}, got "https://gw.example:443"`,
    `http.allowedOrigins[3]: ${what}, got "ftp://gw.example"`,
    `http.allowedOrigins[4]: ${what}, got "null"`,
    `http.allowedOrigins[5]: ${what}, got 3`,
  ]);
  assert.deepEqual(errorsOf({ http: { allowedOrigins: 'https://gw.example' } }), [
    'http.allowedOrigins: expected a list of origins such as ["https://gateway.example"], got "https://gw.example"',
  ]);
});

test('error strings: bad plmn', () => {
  assert.deepEqual(errorsOf({ lines: [{ port: '/dev/ttyUSB0', operator: { mode: 'manual', plmn: '2620' } }] }), [
    'lines[0].operator.plmn: expected a PLMN of 5 or 6 digits (MCC + MNC), such as "26201", got "2620"',
  ]);
});

test('error strings: unknown key with a suggestion, and without one', () => {
  assert.deepEqual(errorsOf({ lines: [{ prot: '/dev/ttyUSB0' }] }), ['lines[0].prot: unknown key (did you mean "port"?)']);
  assert.deepEqual(errorsOf({ htp: {} }), ['htp: unknown key (did you mean "http"?)']);
  assert.deepEqual(errorsOf({ device: { Name: 'x' } }), ['device.Name: unknown key (did you mean "name"?)']);
  assert.deepEqual(errorsOf({ log: { colour: true } }), ['log.colour: unknown key (expected one of: level)']);
  // one- and two-letter keys get no guess
  assert.deepEqual(errorsOf({ lines: [{ port: '/dev/ttyUSB0', pins: { E: '1234' } }] }), [
    'lines[0].pins.E: unknown key (expected one of: A, B, C, D)',
  ]);
});

test('error strings: duplicate id (explicit and defaulted)', () => {
  assert.deepEqual(errorsOf({ lines: [{ id: 1, port: '/dev/ttyUSB0' }, { id: 1, port: '/dev/ttyUSB1' }] }), [
    'lines[1].id: duplicate id 1 (also used by lines[0])',
  ]);
  assert.deepEqual(errorsOf({ lines: [{ id: 2, port: '/dev/ttyUSB0' }, { port: '/dev/ttyUSB1' }] }), [
    'lines[1].id: duplicate id 2 (also used by lines[0]; a line without "id" gets its position + 1)',
  ]);
});

test('error strings: Luhn failure of an IMEI to write', () => {
  assert.deepEqual(
    errorsOf({
      security: { allowImeiWrite: true },
      lines: [{ port: '/dev/ttyUSB0', imeiWrite: { mode: 'per-line', imei: '490154203237517' } }],
    }),
    ['lines[0].imeiWrite.imei: expected an IMEI with a valid Luhn check digit (the last digit should be 8), got "490154203237517"'],
  );
  // The identifying IMEI of a line is only checked for 15 digits: some modems report invalid ones.
  valid({ lines: [{ imei: '490154203237517' }] });
});

test('messages name what was expected for wrong types and formats', () => {
  assert.deepEqual(errorsOf({ device: { timezone: 'Mars/Olympus' } }), [
    'device.timezone: expected an IANA time zone such as "Europe/Berlin", got "Mars/Olympus"',
  ]);
  assert.deepEqual(errorsOf({ log: { level: 'verbose' } }), [
    'log.level: expected one of "fatal", "error", "warn", "info", "debug", "trace", got "verbose"',
  ]);
  assert.deepEqual(errorsOf({ modems: { unresponsiveAfterMs: 20000 } }), [
    'modems.unresponsiveAfterMs: expected an integer from 1000 to 10000, got 20000',
  ]);
  assert.deepEqual(errorsOf({ lines: [{ usbPath: 'usb1' }] }), [
    'lines[0].usbPath: expected a USB port path as listed in /sys/bus/usb/devices, such as "1-1.3", got "usb1"',
  ]);
  assert.deepEqual(errorsOf({ lines: [{ imei: 490154203237518 }] }), [
    'lines[0].imei: expected an IMEI of 15 digits, written as a string, got 490154203237518',
  ]);
  assert.deepEqual(errorsOf({ lines: [{ port: 'ttyUSB0' }] }), [
    'lines[0].port: expected an absolute device path such as "/dev/ttyUSB2", got "ttyUSB0"',
  ]);
  assert.deepEqual(errorsOf({ lines: [{ port: '/dev/a', simSwitch: { backend: 'relay' } }] }), [
    'lines[0].simSwitch.backend: expected one of "none", "simulated", "gpio", "serial", "dual-sim", got "relay"',
  ]);
  assert.deepEqual(errorsOf({ lines: [{ port: '/dev/a', simSwitch: { backend: 'serial', template: 'x' } }] }), [
    'lines[0].simSwitch.port: missing; expected an absolute device path such as "/dev/ttyUSB2"',
  ]);
  assert.deepEqual(errorsOf({ lines: [{ port: '/dev/a', simSwitch: { backend: 'gpio', lines: [5] } }] }), [
    'lines[0].simSwitch.lines: expected two GPIO line offsets such as [17, 27] (low bit, high bit of the slot number), got [5]',
  ]);
  assert.deepEqual(errorsOf({ lines: 'all' }), ['lines: expected a list of lines, got "all"']);
  assert.deepEqual(errorsOf([]), ['(root): expected a JSON object, got []']);
  assert.deepEqual(errorsOf({ lines: Array.from({ length: 65 }, (_, i) => ({ port: `/dev/ttyUSB${i}` })) }), [
    'lines: expected at most 64 lines, got 65',
  ]);
});

test('PIN errors never show the PIN', () => {
  const lines = errorsOf({ lines: [{ port: '/dev/a', pins: { A: 1234, B: '12a4' } }] });
  assert.deepEqual(lines, [
    'lines[0].pins.A: expected a PIN of 4 to 8 digits, written as a string, got a number',
    'lines[0].pins.B: expected a PIN of 4 to 8 digits, written as a string, got a string of 4 characters',
  ]);
  assert.ok(!lines.join('\n').includes('1234') && !lines.join('\n').includes('12a4'));
  assert.deepEqual(errorsOf({ lines: [{ port: '/dev/a', pins: '4321' }] }), [
    'lines[0].pins: expected an object such as {"A": "1234"}, got a string of 4 characters',
  ]);
});

test('switch command template placeholders and reply patterns are checked (by the sim-switch parsers)', () => {
  const serial = (x: object) => ({
    lines: [{ port: '/dev/a', simSwitch: { backend: 'serial', port: '/dev/ttyS1', template: 'SIM {line} {slot}\r\n', ...x } }],
  });
  assert.deepEqual(errorsOf(serial({ template: 'SIM {ln}', expect: '(', fail: '[' })), [
    'lines[0].simSwitch.template: unknown placeholder at 4 (use {line} {slot} {slotIndex} {slotNumber}, or \\{ for a literal brace)',
    'lines[0].simSwitch.expect: expected a valid regular expression, got "(" (Unterminated group)',
    'lines[0].simSwitch.fail: expected a valid regular expression, got "[" (Unterminated character class)',
  ]);
  const c = valid(serial({ template: 'SIM {line} {slotIndex} {slotNumber}\\r', expect: '^OK {slot}$', fail: '^ERR' }));
  assert.equal(c.lines[0]!.simSwitch.backend, 'serial');
});

test('driver options of the simulated and gpio switches are accepted', () => {
  const c = valid({
    lines: [
      { port: '/dev/a', simSwitch: { backend: 'simulated', slots: ['A', 'B'], initial: null, delayMs: 10, failSlots: ['B'] } },
      { port: '/dev/b', simSwitch: { backend: 'gpio', chip: '/dev/gpiochip1', lines: [1, 2], settleMs: 100, gpiosetPath: '/usr/bin/gpioset' } },
    ],
  });
  assert.deepEqual(c.lines[0]!.simSwitch, { backend: 'simulated', slots: ['A', 'B'], initial: null, delayMs: 10, failSlots: ['B'] });
  assert.deepEqual(errorsOf({ lines: [{ port: '/dev/a', simSwitch: { backend: 'simulated', slots: ['A', 'E'] } }] }), [
    'lines[0].simSwitch.slots[1]: expected one of "A", "B", "C", "D", got "E"',
  ]);
});

test('cross-field rule: a line must name its modem', () => {
  assert.deepEqual(errorsOf({ lines: [{ name: 'L1' }] }), ['lines[0]: expected "port", "usbPath" or "imei" to find the modem of this line']);
});

test('cross-field rule: unique ports, USB paths and IMEIs', () => {
  assert.deepEqual(
    errorsOf({
      lines: [
        { port: '/dev/ttyUSB2', usbPath: '1-1.2', imei: '861234567890123' },
        { port: '/dev/ttyUSB2', usbPath: '1-1.2', imei: '861234567890123' },
      ],
    }),
    [
      'lines[1].port: "/dev/ttyUSB2" is already used by lines[0]',
      'lines[1].usbPath: "1-1.2" is already used by lines[0]',
      'lines[1].imei: "861234567890123" is already used by lines[0]',
    ],
  );
});

test('cross-field rule: manual operator selection needs a PLMN', () => {
  assert.deepEqual(errorsOf({ lines: [{ port: '/dev/a', operator: { mode: 'manual' } }] }), [
    'lines[0].operator.plmn: missing; expected a PLMN of 5 or 6 digits (MCC + MNC) such as "26201" when operator.mode is "manual"',
  ]);
  valid({ lines: [{ port: '/dev/a', operator: { mode: 'manual', plmn: '310410' } }] });
});

test('cross-field rules: IMEI writing needs the security switch and its IMEIs', () => {
  assert.deepEqual(errorsOf({ lines: [{ port: '/dev/a', imeiWrite: { mode: 'per-line', imei: IMEI_OK } }] }), [
    'lines[0].imeiWrite.mode: expected "off" unless security.allowImeiWrite is true, got "per-line"',
  ]);
  const allow = { security: { allowImeiWrite: true } };
  assert.deepEqual(errorsOf({ ...allow, lines: [{ port: '/dev/a', imeiWrite: { mode: 'per-sim' } }] }), [
    'lines[0].imeiWrite.perSim: missing; expected an IMEI for at least one slot, such as {"A": "490154203237518"}, when imeiWrite.mode is "per-sim"',
  ]);
  assert.deepEqual(errorsOf({ ...allow, lines: [{ port: '/dev/a', imeiWrite: { mode: 'per-sim', perSim: {} } }] }), [
    'lines[0].imeiWrite.perSim: missing; expected an IMEI for at least one slot, such as {"A": "490154203237518"}, when imeiWrite.mode is "per-sim"',
  ]);
  assert.deepEqual(errorsOf({ ...allow, lines: [{ port: '/dev/a', imeiWrite: { mode: 'per-line' } }] }), [
    'lines[0].imeiWrite.imei: missing; expected the 15-digit IMEI to write when imeiWrite.mode is "per-line"',
  ]);
  const c = valid({ ...allow, lines: [{ port: '/dev/a', imeiWrite: { mode: 'per-sim', perSim: { A: IMEI_OK, C: '356938035643809' } } }] });
  assert.deepEqual(c.lines[0]!.imeiWrite.perSim, { A: IMEI_OK, C: '356938035643809' });
});

test('cross-field rules: probe interval, GPIO offsets, dual-SIM slots, switch port', () => {
  assert.deepEqual(errorsOf({ modems: { probeIntervalMs: 8000, unresponsiveAfterMs: 10000 } }), [
    'modems.probeIntervalMs: expected at most 6000 with modems.unresponsiveAfterMs 10000 (a hung modem must be found within 10 s), got 8000',
  ]);
  assert.deepEqual(errorsOf({ modems: { probeIntervalMs: 9000, unresponsiveAfterMs: 8000 } }), [
    'modems.unresponsiveAfterMs: expected more than modems.probeIntervalMs (9000), got 8000',
  ]);
  assert.deepEqual(errorsOf({ lines: [{ port: '/dev/a', simSwitch: { backend: 'gpio', lines: [4, 4] } }] }), [
    'lines[0].simSwitch.lines: expected two different GPIO line offsets, got [4, 4]',
  ]);
  assert.deepEqual(errorsOf({ lines: [{ port: '/dev/a', pins: { C: '1234' }, simSwitch: { backend: 'dual-sim' } }] }), [
    'lines[0].pins.C: slot does not exist: a dual-SIM modem has slots A and B',
  ]);
  assert.deepEqual(
    errorsOf({
      lines: [
        { port: '/dev/ttyUSB0' },
        { port: '/dev/ttyUSB4', simSwitch: { backend: 'serial', port: '/dev/ttyUSB0', template: 'SIM {line} {slot}\r\n' } },
      ],
    }),
    ['lines[1].simSwitch.port: "/dev/ttyUSB0" is the modem port of lines[0]'],
  );
});

test('validateConfig never throws on odd input', () => {
  for (const doc of [undefined, null, 0, 'x', [], { lines: [null] }, { lines: [[]] }, { http: null }, { __proto__: { x: 1 } }]) {
    const r = validateConfig(doc);
    assert.equal(typeof r.ok, 'boolean');
  }
});

test('formatPath', () => {
  assert.equal(formatPath([]), '(root)');
  assert.equal(formatPath(['lines', 2, 'port']), 'lines[2].port');
  assert.equal(formatPath(['users', 'a b']), 'users["a b"]');
});

test('did-you-mean and edit distance', () => {
  assert.equal(editDistance('prot', 'port'), 1); // transposition
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(didYouMean('prot', ['name', 'port', 'pins']), 'port');
  assert.equal(didYouMean('baudrate', ['baudRate']), 'baudRate');
  assert.equal(didYouMean('timeout', ['timeoutMs', 'port']), 'timeoutMs');
  assert.equal(didYouMean('zzz', ['port']), undefined);
});

test('Luhn check digit (3GPP TS 23.003 Annex B example)', () => {
  assert.equal(luhnCheckDigit('49015420323751'), 8);
  assert.equal(isValidImei('490154203237518'), true);
  assert.equal(isValidImei('490154203237517'), false);
  assert.equal(isValidImei('49015420323751'), false);
  assert.equal(isValidImei('35693803564380x'), false);
});

test('the full example in docs/configuration.md is valid', () => {
  // test/config/ under tsx, dist/test/config/ when compiled
  const up = import.meta.url.endsWith('.ts') ? '../../' : '../../../';
  const md = readFileSync(new URL(`${up}docs/configuration.md`, import.meta.url), 'utf8');
  const block = /## Full example\s+```json\n([\s\S]*?)```/.exec(md);
  assert.ok(block, 'the full example block exists');
  const c = valid(JSON.parse(block[1]!));
  assert.equal(c.lines.length, 3);
  assert.deepEqual(c.lines.map((l) => l.simSwitch.backend), ['gpio', 'serial', 'dual-sim']);
});

test('policy limits are checked in the manual syntax, with the parser\'s message and column', () => {
  const errs = errorsOf({ policy: { limits: { callMinutes: '05:00-25:00,100', smsCount: 'D5,1000' } } });
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^policy\.limits\.callMinutes: .*25.*\(column \d+\)$/);
  assert.equal(validateConfig({ policy: { switchRules: { triggers: { calls: 2, sms: 5 } } } }).ok, true);
  assert.match(errorsOf({ policy: { switchRules: { triggers: { callz: 2 } } } })[0]!, /^policy\.switchRules\.triggers/);
  assert.match(errorsOf({ policy: { disableRules: [{ trigger: 'consecutive-no-answer', threshold: 3, disableMinutes: 'forever' }] } })[0]!, /disableMinutes: expected minutes \(0 = never\) or "manual"/);
});

test('calls.ringTimeoutSec: an integer from 1 to 600 seconds', () => {
  assert.equal(valid({ calls: { ringTimeoutSec: 1 } }).calls.ringTimeoutSec, 1);
  assert.equal(valid({ calls: { ringTimeoutSec: 600 } }).calls.ringTimeoutSec, 600);
  for (const bad of [0, 601, 2.5, '30']) {
    const e = errorsOf({ calls: { ringTimeoutSec: bad } });
    assert.equal(e.length, 1, JSON.stringify(bad));
    assert.match(e[0]!, /^calls\.ringTimeoutSec: expected an integer from 1 to 600/);
  }
  assert.match(errorsOf({ calls: { ringTimeout: 5 } })[0]!, /^calls\.ringTimeout: unknown key \(expected one of: ringTimeoutSec\)/);
});

test('sip.forward.twoStage: bad dial rules, a bad reach, timeouts out of range and a bad country code are refused', () => {
  const lines = errorsOf({
    sip: { forward: { countryCode: '+86', twoStage: { dialRules: '1[3-:+0', reach: 'anywhere', noInputSec: 0, totalSec: 1000 } } },
  }).join('\n');
  for (const path of ['sip.forward.countryCode', 'sip.forward.twoStage.reach', 'sip.forward.twoStage.noInputSec', 'sip.forward.twoStage.totalSec']) assert.match(lines, new RegExp(path.replace(/\./g, '\\.')));
  assert.match(errorsOf({ sip: { forward: { twoStage: { dialRules: '1[3-:+0' } } } }).join('\n'), /sip\.forward\.twoStage\.dialRules/);
  const ok = valid({ sip: { forward: { countryCode: '86', twoStage: { enabled: true, lines: [1, 3], dialRules: '8:-8', reach: 'account' } } } });
  assert.deepEqual(ok.sip.forward.twoStage.lines, [1, 3]);
});

test('sip.callWaiting: a default and per-line modes of manual §4.7; unknown modes and line ids refused', () => {
  const c = valid({ sip: { callWaiting: { default: 'mode1', lines: { '2': 'mode2', '3': 'disabled' } } } });
  assert.deepEqual(c.sip.callWaiting, { default: 'mode1', lines: { '2': 'mode2', '3': 'disabled' } });
  assert.ok(errorsOf({ sip: { callWaiting: { default: 'on' } } }).some((e) => e.includes('sip.callWaiting.default')));
  assert.ok(errorsOf({ sip: { callWaiting: { lines: { '1': 'mode4' } } } }).some((e) => e.includes('sip.callWaiting.lines')));
  assert.ok(errorsOf({ sip: { callWaiting: { lines: { one: 'mode1' } } } }).some((e) => e.includes('sip.callWaiting.lines')));
});
