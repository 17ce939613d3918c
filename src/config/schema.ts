/**
 * The cellgate configuration document (zod 4), with defaults so that `{}` is a complete configuration.
 * Every key is described in docs/configuration.md.
 *
 * Validation is in two passes: the schema checks each field on its own (type, range, format, unknown
 * keys); when that passes, `crossFieldErrors` checks rules that relate fields (unique ids, ports and
 * IMEIs, "manual" operator selection needs a PLMN, ...). Errors are `{ path, message }` pairs whose
 * message names what was expected and what was found, e.g.
 * `http.port: expected an integer from 1 to 65535, got "abc"`. Messages name the received value with the
 * `RECEIVED` placeholder; `issuesToFieldErrors` fills it in, without the value for secret fields
 * (secret-fields.ts), so no schema message shows a password, key or PIN.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { describeValue, fillReceived, formatPath, RECEIVED, type FieldError } from './errors.js';
import { didYouMean } from './did-you-mean.js';
import { isValidImei, luhnCheckDigit } from '../gsm/imei.js';
import { parseLimit } from '../policy/limit-syntax.js';
import { parseDialRules } from '../routing/dial-rules.js';
import { parsePrefixList } from '../routing/line-prefix.js';
import { TRIGGER_KINDS, type TriggerKind } from '../policy/types.js';
import type { ValidationResult } from './json-store.js';
import { compileReplyPattern, parseCommandTemplate } from '../../modem-drivers/sim-switch/template.js';
import {
  DUAL_SIM_FAMILIES,
  atCommandTextProblem,
  dualSimCommandsFor,
  dualSimValueProblem,
  type DualSimFamily,
} from '../../modem-drivers/sim-switch/dual-sim-commands.js';

// ---------------------------------------------------------------------------------------------
// Message helpers. Each schema leaf carries its own error function so messages say what is expected.

interface IssueLike {
  readonly input?: unknown;
  readonly code?: string;
}

/** `expected <what>, got <received>` (or `missing; expected <what>` for an absent required key). */
function expected(what: string) {
  return (iss: IssueLike): string =>
    iss.input === undefined ? `missing; expected ${what}` : `expected ${what}, got ${RECEIVED}`;
}

const UNKNOWN_KEYS_MARK = '\u0000unknown-keys:';

/** A closed object: unknown keys are errors (reported one per key with a spelling suggestion). */
function obj<S extends z.core.$ZodLooseShape>(shape: S, what = 'an object') {
  const known = Object.keys(shape);
  const wrong = expected(what);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? UNKNOWN_KEYS_MARK + JSON.stringify(known) : wrong(iss)),
  });
}

function int(min: number, max: number) {
  const e = expected(`an integer from ${min} to ${max}`);
  return z.int({ error: e }).min(min, { error: e }).max(max, { error: e });
}

function bool() {
  return z.boolean({ error: expected('true or false') });
}

function oneOf<const V extends readonly [string, ...string[]]>(values: V) {
  return z.enum(values, { error: expected(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`) });
}

function pattern(re: RegExp, what: string) {
  const e = expected(what);
  return z.string({ error: e }).regex(re, { error: e });
}

function text(min: number, max: number, what = `a text of ${min} to ${max} characters`) {
  const e = expected(what);
  return z.string({ error: e }).min(min, { error: e }).max(max, { error: e });
}

// ---------------------------------------------------------------------------------------------
// Field types

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export const MODEM_FAMILIES = ['auto', 'generic', 'quectel', 'simcom'] as const;
export const SLOTS = ['A', 'B', 'C', 'D'] as const;
export type SlotLetter = (typeof SLOTS)[number];

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z
  .string({ error: expected('an IANA time zone such as "Europe/Berlin"') })
  .refine(isTimeZone, { error: expected('an IANA time zone such as "Europe/Berlin"') });

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const listenHost = z
  .string({ error: expected('an IP address or host name to listen on, such as "0.0.0.0" or "::"') })
  .refine((h) => isIP(h) !== 0 || HOSTNAME.test(h), {
    error: expected('an IP address or host name to listen on, such as "0.0.0.0" or "::"'),
  });

/** A web origin as browsers send it in the Origin header (RFC 6454 §6.2): scheme://host[:port], nothing more. */
const webOriginWhat = 'an origin such as "https://gateway.example:8443" (lower case, no path, no trailing slash)';
const webOrigin = z.string({ error: expected(webOriginWhat) }).refine(
  (o) => {
    try {
      const u = new URL(o);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === o;
    } catch {
      return false;
    }
  },
  { error: expected(webOriginWhat) },
);

const devicePath = pattern(/^\/\S+$/, 'an absolute device path such as "/dev/ttyUSB2"');
const usbPath = pattern(/^\d+-\d+(?:\.\d+)*$/, 'a USB port path as listed in /sys/bus/usb/devices, such as "1-1.3"');
const imeiDigits = pattern(/^\d{15}$/, 'an IMEI of 15 digits, written as a string');
const pin = pattern(/^\d{4,8}$/, 'a PIN of 4 to 8 digits, written as a string');
const plmn = pattern(/^\d{5,6}$/, 'a PLMN of 5 or 6 digits (MCC + MNC), such as "26201"');

/** An IMEI to program into a modem: 15 digits whose last one is the Luhn check digit (3GPP TS 23.003 §6.2.1). */
const imeiToWrite = imeiDigits.refine((s) => !/^\d{15}$/.test(s) || isValidImei(s), {
  error: (iss: IssueLike) => {
    const s = String(iss.input);
    return `expected an IMEI with a valid Luhn check digit (the last digit should be ${luhnCheckDigit(s.slice(0, 14))}), got ${RECEIVED}`;
  },
});

// The serial switch board's template and reply patterns are checked by the sim-switch driver's own
// (pure) parsers, so that the configuration accepts exactly what the driver will run.
const templateExample = 'a command template such as "SIM {line} {slot}\\r\\n"';
const switchTemplate = z
  .string({ error: expected(templateExample) })
  .min(1, { error: expected(templateExample) })
  .refine((t) => parseCommandTemplate(t).ok, {
    error: (iss: IssueLike) => {
      const r = parseCommandTemplate(String(iss.input));
      return r.ok ? expected(templateExample)(iss) : r.error.replace(/^template:\s*/, '');
    },
  });

function replyPattern(what: string) {
  const sample = { line: '1', slot: 'A' } as const;
  return z.string({ error: expected(what) }).refine((p) => compileReplyPattern(p, sample).ok, {
    error: (iss: IssueLike) => {
      const r = compileReplyPattern(String(iss.input), sample);
      if (r.ok) return expected(what)(iss);
      const why = /:\s*([^:]+)$/.exec(r.error)?.[1] ?? r.error;
      return `expected a valid regular expression, got ${RECEIVED} (${why})`;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Sections

const gpioOffset = int(0, 4095);
const slotLetter = oneOf(SLOTS);

// A dual-SIM command set of the configuration (docs/sim-switch.md), checked by the driver's own rules.
function atCommandText(what: string, example: string, extra?: (s: string) => string | null) {
  return z.string({ error: expected(`${what} such as ${JSON.stringify(example)}`) }).superRefine((s, ctx) => {
    const why = atCommandTextProblem(s) ?? extra?.(s) ?? null;
    if (why) ctx.addIssue({ code: 'custom', message: `expected ${what} such as ${JSON.stringify(example)}; it ${why}, got ${describeValue(s)}` });
  });
}
const holderValue = z.string({ error: expected('the value that selects this holder, such as "0"') }).superRefine((s, ctx) => {
  const why = dualSimValueProblem(s);
  if (why) ctx.addIssue({ code: 'custom', message: `expected the value that selects this holder, such as "0"; it ${why}, got ${describeValue(s)}` });
});
const dualSimCommands = obj(
  {
    name: text(1, 64, 'a name for logs such as "vendor X AT+XSIM"'),
    select: atCommandText('the set command', 'AT+XSIM={value}', (s) => (s.includes('{value}') ? null : 'must contain {value}')),
    query: atCommandText('the read command', 'AT+XSIM?'),
    prefix: pattern(/^[\x20-\x7e]{1,32}$/, 'the read reply\'s prefix such as "+XSIM:"'),
    field: int(0, 16).optional(),
    values: obj({ A: holderValue, B: holderValue }, 'an object such as {"A": "0", "B": "1"}'),
    timeoutMs: int(1, 300_000).optional(),
  },
  'a command set such as {"name": "vendor X", "select": "AT+XSIM={value}", "query": "AT+XSIM?", "prefix": "+XSIM:", "values": {"A": "0", "B": "1"}}',
).refine((c) => c.values.A !== c.values.B, { error: 'expected two different values for A and B', path: ['values'] });
const dualSimFamilyNames = Object.keys(DUAL_SIM_FAMILIES) as [DualSimFamily, ...DualSimFamily[]];

const simSwitchSchema = z.discriminatedUnion(
  'backend',
  [
    obj({ backend: z.literal('none') }),
    obj({
      backend: z.literal('simulated'),
      delayMs: int(0, 60_000).optional(),
      initial: slotLetter.nullable().optional(),
      slots: z.array(slotLetter, { error: expected('a list of slots such as ["A", "B"]') }).min(1, { error: expected('at least one slot') }).optional(),
      failSlots: z.array(slotLetter, { error: expected('a list of slots such as ["C"]') }).optional(),
    }),
    obj({
      backend: z.literal('gpio'),
      chip: pattern(/^(?:gpiochip\d+|\d+|\/dev\/gpiochip\d+)$/, 'a GPIO chip such as "gpiochip0", "0" or "/dev/gpiochip0"').default('gpiochip0'),
      lines: z.tuple([gpioOffset, gpioOffset], {
        error: expected('two GPIO line offsets such as [17, 27] (low bit, high bit of the slot number)'),
      }),
      activeLow: bool().optional(),
      settleMs: int(0, 10_000).optional(),
      gpiosetPath: text(1, 4096, 'a program name or path').optional(),
    }),
    obj({
      backend: z.literal('serial'),
      port: devicePath,
      baudRate: int(300, 4_000_000).default(115200),
      template: switchTemplate,
      expect: replyPattern('a regular expression the board answers with on success, such as "^OK"').optional(),
      fail: replyPattern('a regular expression the board answers with on failure, such as "^ERR"').optional(),
      timeoutMs: int(50, 60_000).default(1000),
    }),
    obj({
      backend: z.literal('dual-sim'),
      slots: z.literal(2, { error: expected('2 (a dual-SIM modem switches between slots A and B)') }).default(2),
      // The built-in command set to use; absent: the one of the line's modem family.
      family: oneOf(dualSimFamilyNames).optional(),
      // The firmware's own command set, for modems without a built-in one.
      commands: dualSimCommands.optional(),
    }),
  ],
  {
    error: (iss) => {
      const input = iss.input as { backend?: unknown } | undefined;
      const names = '"none", "simulated", "gpio", "serial", "dual-sim"';
      if (iss.code === 'invalid_union' && typeof input === 'object' && input !== null) {
        return input.backend === undefined
          ? `missing; expected one of ${names}`
          : `expected one of ${names}, got ${describeValue(input.backend)}`;
      }
      return expected('an object with a "backend" key')(iss);
    },
  },
);

const pinsSchema = obj({ A: pin.optional(), B: pin.optional(), C: pin.optional(), D: pin.optional() }, 'an object such as {"A": "1234"}');

const imeiWriteSchema = obj({
  mode: oneOf(['off', 'per-line', 'per-sim']).default('off'),
  imei: imeiToWrite.optional(),
  perSim: obj({ A: imeiToWrite.optional(), B: imeiToWrite.optional(), C: imeiToWrite.optional(), D: imeiToWrite.optional() }).optional(),
});

const lineSchema = obj({
  id: int(1, 9999).optional(),
  name: text(1, 64).optional(),
  enabled: bool().default(true),
  port: devicePath.optional(),
  usbPath: usbPath.optional(),
  imei: imeiDigits.optional(),
  family: oneOf(MODEM_FAMILIES).default('auto'),
  baudRate: int(300, 4_000_000).default(115200),
  operator: obj({ mode: oneOf(['auto', 'manual']).default('auto'), plmn: plmn.optional() }).prefault({}),
  pins: pinsSchema.prefault({}),
  imeiWrite: imeiWriteSchema.prefault({}),
  simSwitch: simSwitchSchema.default(() => ({ backend: 'none' as const })),
  // Manual §4.3 line-prefix matching, shared by calls and SMS: "00,13,15,17,2".
  prefixes: text(0, 140, 'a prefix list of at most 140 characters such as "00,13,15"').default(''),
  // Data connectivity check (manual §5.10, without its traffic-disguise purpose): the modem fetches the URL
  // through its own data connection on demand (POST /api/lines/:id/data-check) and every intervalMinutes.
  dataCheck: obj({
    url: z
      .string({ error: expected('an http:// or https:// URL') })
      .refine((u) => /^https?:\/\/[^\s"]+$/.test(u), { error: expected('an http:// or https:// URL') })
      .optional(),
    apn: pattern(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'an APN such as "internet" or "cmnet"').optional(),
    intervalMinutes: int(0, 10_080).default(0),
  }).prefault({}),
  reset: obj({
    usbPowerCycle: bool().default(true),
    // [program, ...arguments]; arguments may be empty strings, the program may not.
    command: z
      .tuple([text(1, 4096, 'a program name or path')], z.string({ error: expected('a string argument') }), {
        error: expected('a program and its arguments, such as ["gpioset", "gpiochip0", "5=0"]'),
      })
      .optional(),
  }).prefault({}),
});

export const MAX_LINES = 64;

// SIM limits and rotation (manual §4.8, §4.12; docs/policy.md). Limits are written in the manual's
// syntax ("100", "05:00-12:00,100|12:00-23:00,200", "D5,1000") and parsed by the policy engine.
const limitText = z
  .string({ error: expected('a limit such as "100", "05:00-12:00,100|12:00-23:00,200" or "D5,1000"') })
  .superRefine((v, ctx) => {
    const r = parseLimit(v);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: `${r.error} (column ${r.column})` });
  });

// The policy engine's own list, so the configuration accepts exactly the triggers the engine knows.
const TRIGGERS = TRIGGER_KINDS as unknown as readonly [TriggerKind, ...TriggerKind[]];

const limitsSchema = obj({
  callMinutes: limitText.optional(),
  callCount: limitText.optional(),
  callCountIncludesUnanswered: bool().default(true),
  smsCount: limitText.optional(),
});

const policySchema = obj({
  billingPeriodSec: int(1, 3600).default(60),
  onMinutesExhausted: oneOf(['hangup', 'finish']).default('hangup'),
  onSmsExhausted: oneOf(['disable-sim', 'block-sms']).default('block-sms'),
  shortCallSec: int(1, 3600).default(10),
  limits: limitsSchema.prefault({}),
  // Per-slot overrides (§4.8 按 SIM 卡设置): key "<line>/<slot>" (one SIM) or "<slot>" (that slot on every
  // line); null removes the device-wide limit for that slot.
  slotLimits: z
    .record(
      pattern(/^(\d{1,4}\/)?[A-D]$/, 'a key such as "1/A" (line 1, slot A) or "B" (slot B of every line)'),
      obj({ callMinutes: limitText.nullable().optional(), callCount: limitText.nullable().optional(), smsCount: limitText.nullable().optional() }),
    )
    .default({}),
  /** §4.4: which line an outgoing call uses when the caller does not name one. */
  lineSelection: oneOf(['round-robin', 'least-minutes']).default('round-robin'),
  switchRules: obj({
    strategy: oneOf(['sequential', 'random', 'most-minutes']).default('sequential'),
    triggers: z.partialRecord(oneOf(TRIGGERS), int(1, 1_000_000)).default({}),
    duringCall: oneOf(['hangup', 'wait']).default('wait'),
    switchWhenExhausted: bool().default(true),
  }).prefault({}),
  disableRules: z
    .array(
      obj({
        trigger: oneOf(TRIGGERS),
        threshold: int(1, 1_000_000),
        disableMinutes: z.union([int(0, 525_600), z.literal('manual')], { error: expected('minutes (0 = never) or "manual"') }),
      }),
      { error: expected('a list of disable rules') },
    )
    .default(() => []),
});

/** The policy's top-level keys ("sections"): PUT /api/policy must name each, PATCH names some. */
export const POLICY_SECTIONS: readonly string[] = Object.keys(policySchema.shape);

// ---------------------------------------------------------------------------------------------
// Messaging (issue 5): sms, mail, smpp, ussd, ownNumber. Shapes in src/sms/config-types.ts.

const phoneNumber = pattern(/^\+?[0-9*#]{1,20}$/, 'a phone number such as "+8613670128297" (digits, optional leading +)');
const lineIdList = z.array(int(1, 9999), { error: expected('a list of line ids such as [1, 2]') });
const httpUrl = z
  .string({ error: expected('an http:// or https:// URL') })
  .refine((u) => /^https?:\/\/[^\s"]+$/.test(u), { error: expected('an http:// or https:// URL') });
const emailAddress = pattern(/^[^\s@<>]+@[^\s@<>]+$/, 'an e-mail address such as "ops@example.com"');
const dialRulesText = z.string({ error: expected('dial rules such as "86:-86|:+0" (manual appendix E)') }).max(1000, {
  error: expected('dial rules of at most 1000 characters'),
});

const forwardRuleSchema = obj({
  lines: lineIdList.optional(),
  phone: phoneNumber.optional(),
  email: z.array(emailAddress, { error: expected('a list of e-mail addresses') }).min(1, { error: expected('at least one e-mail address') }).optional(),
  webhook: obj({ url: httpUrl, secret: text(8, 256, 'a secret of 8 to 256 characters').optional(), timeoutSec: int(1, 120).optional() }).optional(),
  sip: text(1, 256, 'a SIP extension or URI').optional(),
});

const smsSchema = obj({
  sendIntervalSec: int(0, 3600).default(0),
  useSimSmsc: bool().default(true),
  smsc: phoneNumber.nullable().default(null),
  dialRules: dialRulesText.default(''),
  strictDialRules: bool().default(false),
  prefixMatch: oneOf(['caller', 'callee']).default('callee'),
  stripPrefix: bool().default(false),
  statusReports: bool().default(true),
  maxAttempts: int(1, 20).default(3),
  retryDelaySec: int(0, 86_400).default(30),
  resendUnknown: bool().default(false),
  partTimeoutSec: int(10, 7 * 86_400).default(600),
  submitPartTimeoutSec: int(10, 86_400).default(300),
  retention: obj({ inboxDays: int(0, 36_500).default(0), outboxDays: int(0, 36_500).default(0) }).prefault({}),
  // Appendix A SMS commands. ###INFO### is off by default: it answers whoever asks, at an SMS each time.
  commands: obj({
    info: bool().default(false),
    infoFrom: z.array(phoneNumber, { error: expected('a list of phone numbers') }).max(100, { error: expected('at most 100 phone numbers') }).default(() => []),
    infoLimit: obj({ perSender: int(1, 100).default(1), windowMinutes: int(1, 7 * 24 * 60).default(60) }).prefault({}),
    reboot: bool().default(true),
    reset: bool().default(true),
  }).prefault({}),
  forward: z.array(forwardRuleSchema, { error: expected('a list of forwarding rules') }).default(() => []),
  forwardRetry: obj({
    retryBaseSec: int(1, 3600).default(10),
    retryMaxSec: int(1, 86_400).default(1800),
    giveUpHours: int(1, 24 * 30).default(72),
  }).prefault({}),
});

const mailSchema = obj({
  host: text(1, 253, 'an SMTP server host name'),
  port: int(1, 65535).default(587),
  security: oneOf(['starttls', 'tls', 'none']).default('starttls'),
  user: text(1, 256).nullable().default(null),
  password: z.string({ error: expected('a password') }).nullable().default(null),
  from: emailAddress,
  rejectUnauthorized: bool().default(true),
  caFile: text(1, 4096, 'a PEM file path').nullable().default(null),
});

const smppAccountSchema = obj({
  systemId: text(1, 15, 'a system_id of 1 to 15 characters (SMPP 3.4 §5.2.1)'),
  password: text(1, 8, 'a password of 1 to 8 characters (SMPP 3.4 §5.2.2)'),
  perLineIds: bool().default(true),
  lines: lineIdList.optional(),
  receive: bool().default(true),
});

const smppSchema = obj({
  enabled: bool().default(false),
  host: listenHost.default('0.0.0.0'),
  port: int(0, 65535).default(2775),
  tls: obj({ certFile: text(1, 4096, 'a PEM file path'), keyFile: text(1, 4096, 'a PEM file path') }).nullable().default(null),
  windowSize: int(1, 10_000).default(100),
  maxSubmitsPerSecond: int(0, 100_000).default(0),
  responseTimeoutSec: int(1, 600).default(10),
  enquireLinkSec: int(5, 3600).default(60),
  lineNumber: bool().default(false),
  accounts: z.array(smppAccountSchema, { error: expected('a list of SMPP accounts') }).default(() => []),
});

const ownNumberSchema = obj({
  ussd: obj({ code: pattern(/^[0-9*#+]{1,32}$/, 'a USSD code such as "*123#"'), marker: text(1, 64) }).nullable().default(null),
  smsQuery: obj({ to: phoneNumber, text: text(1, 160), replyFrom: phoneNumber, marker: text(1, 64) }).nullable().default(null),
  discovery: obj({ enabled: bool().default(false), secret: text(8, 256, 'a secret of 8 to 256 characters').nullable().default(null) }).prefault({}),
  timeoutSec: int(15, 3600).default(120),
});

export const configSchema = obj({
  device: obj({
    name: text(1, 64).default('cellgate'),
    timezone: timeZone.default('UTC'),
  }).prefault({}),
  http: obj({
    port: int(1, 65535).default(8080),
    host: listenHost.default('0.0.0.0'),
    allowedOrigins: z.array(webOrigin, { error: expected('a list of origins such as ["https://gateway.example"]') }).default(() => []),
  }).prefault({}),
  log: obj({ level: oneOf(LOG_LEVELS).default('info') }).prefault({}),
  modems: obj({
    autoDetect: bool().default(true),
    probeIntervalMs: int(250, 10_000).default(3000),
    unresponsiveAfterMs: int(1000, 10_000).default(8000),
    commandTimeoutMs: int(100, 600_000).default(5000),
  }).prefault({}),
  security: obj({ allowImeiWrite: bool().default(false) }).prefault({}),
  policy: policySchema.prefault({}),
  simulator: obj({
    mode: oneOf(['auto', 'on', 'off']).default('auto'),
    modems: int(1, MAX_LINES).default(4),
    timing: oneOf(['realistic', 'fast', 'zero']).default('realistic'),
    controlPort: int(0, 65535).default(8081),
    controlHost: listenHost.default('127.0.0.1'),
  }).prefault({}),
  sms: smsSchema.prefault({}),
  mail: mailSchema.nullable().default(null),
  smpp: smppSchema.prefault({}),
  ussd: obj({ timeoutSec: int(15, 600).default(30) }).prefault({}),
  ownNumber: ownNumberSchema.prefault({}),
  lines: z
    .array(lineSchema, { error: expected('a list of lines') })
    .max(MAX_LINES, {
      error: (iss: IssueLike) =>
        `expected at most ${MAX_LINES} lines, got ${Array.isArray(iss.input) ? iss.input.length : describeValue(iss.input)}`,
    })
    // A line without "id" gets its position + 1 (the first line is 1).
    .transform((lines) => lines.map((l, i) => ({ ...l, id: l.id ?? i + 1 })))
    .default(() => []),
}, 'a JSON object');

/** What the configuration file may contain (every key optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** A validated configuration with every default filled in. */
export type Config = z.output<typeof configSchema>;
export type LineConfig = Config['lines'][number];
export type SimSwitchConfig = LineConfig['simSwitch'];
export type ImeiWriteConfig = LineConfig['imeiWrite'];
export type LogLevel = (typeof LOG_LEVELS)[number];

// ---------------------------------------------------------------------------------------------
// Validation

/** Validates a parsed JSON document: schema, then cross-field rules. Never throws. */
export function validateConfig(doc: unknown): ValidationResult<Config> {
  // reportInput: issuesToFieldErrors needs each issue's input to fill in RECEIVED.
  const r = configSchema.safeParse(doc, { reportInput: true });
  if (!r.success) return { ok: false, errors: issuesToFieldErrors(r.error.issues) };
  const errors = crossFieldErrors(r.data, doc);
  return errors.length === 0 ? { ok: true, value: r.data } : { ok: false, errors };
}

/** The configuration `{}` stands for. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}

/**
 * zod issues as field errors; an unknown-keys issue becomes one error per key with a suggestion.
 * `RECEIVED` in a message becomes the issue's input as `describeReceived` renders it (the schema must
 * be parsed with `reportInput: true` for the input to be there).
 */
export function issuesToFieldErrors(issues: ReadonlyArray<z.core.$ZodIssue>): FieldError[] {
  const out: FieldError[] = [];
  for (const iss of issues) {
    if (iss.code === 'unrecognized_keys') {
      let known: string[] = [];
      if (iss.message.startsWith(UNKNOWN_KEYS_MARK)) {
        try {
          known = JSON.parse(iss.message.slice(UNKNOWN_KEYS_MARK.length)) as string[];
        } catch {
          known = [];
        }
      }
      for (const key of iss.keys) {
        const guess = didYouMean(key, known);
        const message = guess
          ? `unknown key (did you mean ${JSON.stringify(guess)}?)`
          : known.length > 0
            ? `unknown key (expected one of: ${known.join(', ')})`
            : 'unknown key';
        out.push({ path: formatPath([...iss.path, key]), message });
      }
      continue;
    }
    out.push({ path: formatPath(iss.path), message: fillReceived(iss.message, iss.path, iss.input) });
  }
  return out;
}

function rawLine(doc: unknown, i: number): Record<string, unknown> | undefined {
  const lines = (doc as { lines?: unknown } | null)?.lines;
  const l = Array.isArray(lines) ? lines[i] : undefined;
  return typeof l === 'object' && l !== null ? (l as Record<string, unknown>) : undefined;
}

/**
 * Rules that relate fields to each other. `doc` is the document as written (to tell a defaulted id
 * from one the operator wrote).
 */
export function crossFieldErrors(cfg: Config, doc?: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const add = (path: string, message: string) => errors.push({ path, message });

  if (cfg.modems.unresponsiveAfterMs <= cfg.modems.probeIntervalMs) {
    add(
      'modems.unresponsiveAfterMs',
      `expected more than modems.probeIntervalMs (${cfg.modems.probeIntervalMs}), got ${cfg.modems.unresponsiveAfterMs}`,
    );
  } else {
    // A hung modem is condemned at most probeIntervalMs + min(unresponsiveAfterMs / 2, 4000) after it
    // last spoke (src/line/line.ts, silenceDue); keep that within the promised 10 s.
    const worst = cfg.modems.probeIntervalMs + Math.min(cfg.modems.unresponsiveAfterMs / 2, 4000);
    if (worst > 10_000) {
      add(
        'modems.probeIntervalMs',
        `expected at most ${10_000 - Math.min(cfg.modems.unresponsiveAfterMs / 2, 4000)} with modems.unresponsiveAfterMs ${cfg.modems.unresponsiveAfterMs} (a hung modem must be found within 10 s), got ${cfg.modems.probeIntervalMs}`,
      );
    }
  }

  const firstById = new Map<number, number>();
  const firstByPort = new Map<string, number>();
  const firstByUsb = new Map<string, number>();
  const firstByImei = new Map<string, number>();
  const unique = (map: Map<string, number>, value: string | undefined, i: number, key: string) => {
    if (value === undefined) return;
    const prev = map.get(value);
    if (prev === undefined) map.set(value, i);
    else add(`lines[${i}].${key}`, `${JSON.stringify(value)} is already used by lines[${prev}]`);
  };

  cfg.lines.forEach((line, i) => {
    const at = `lines[${i}]`;
    if (line.port === undefined && line.usbPath === undefined && line.imei === undefined) {
      add(at, 'expected "port", "usbPath" or "imei" to find the modem of this line');
    }
    const prevId = firstById.get(line.id);
    if (prevId === undefined) firstById.set(line.id, i);
    else {
      const defaulted = rawLine(doc, i)?.id === undefined;
      add(
        `${at}.id`,
        `duplicate id ${line.id} (also used by lines[${prevId}]${defaulted ? '; a line without "id" gets its position + 1' : ''})`,
      );
    }
    unique(firstByPort, line.port, i, 'port');
    unique(firstByUsb, line.usbPath, i, 'usbPath');
    unique(firstByImei, line.imei, i, 'imei');

    if (line.operator.mode === 'manual' && line.operator.plmn === undefined) {
      add(`${at}.operator.plmn`, 'missing; expected a PLMN of 5 or 6 digits (MCC + MNC) such as "26201" when operator.mode is "manual"');
    }

    const iw = line.imeiWrite;
    if (iw.mode !== 'off' && !cfg.security.allowImeiWrite) {
      add(`${at}.imeiWrite.mode`, `expected "off" unless security.allowImeiWrite is true, got ${JSON.stringify(iw.mode)}`);
    }
    if (iw.mode === 'per-line' && iw.imei === undefined) {
      add(`${at}.imeiWrite.imei`, 'missing; expected the 15-digit IMEI to write when imeiWrite.mode is "per-line"');
    }
    if (iw.mode === 'per-sim' && (iw.perSim === undefined || SLOTS.every((s) => iw.perSim?.[s] === undefined))) {
      add(`${at}.imeiWrite.perSim`, 'missing; expected an IMEI for at least one slot, such as {"A": "490154203237518"}, when imeiWrite.mode is "per-sim"');
    }

    const sw = line.simSwitch;
    if (sw.backend === 'gpio' && sw.lines[0] === sw.lines[1]) {
      add(`${at}.simSwitch.lines`, `expected two different GPIO line offsets, got [${sw.lines[0]}, ${sw.lines[1]}]`);
    }
    if (sw.backend === 'dual-sim') {
      if (sw.family !== undefined && sw.commands !== undefined) {
        add(`${at}.simSwitch`, 'expected either "family" or "commands", not both');
      } else if (sw.family === undefined && sw.commands === undefined && line.family !== 'auto') {
        // With "auto" the detected family decides at run time; a configured one is checked now.
        const builtIn = dualSimCommandsFor(line.family);
        if (!builtIn.ok) add(`${at}.simSwitch.commands`, `missing; ${builtIn.reason}: give the firmware's command set in "commands" (docs/sim-switch.md)`);
      }
      for (const s of ['C', 'D'] as const) {
        if (line.pins[s] !== undefined) add(`${at}.pins.${s}`, 'slot does not exist: a dual-SIM modem has slots A and B');
        if (iw.perSim?.[s] !== undefined) add(`${at}.imeiWrite.perSim.${s}`, 'slot does not exist: a dual-SIM modem has slots A and B');
      }
    }
  });

  // A switch board's control port cannot also be a modem's AT port.
  cfg.lines.forEach((line, i) => {
    const sw = line.simSwitch;
    if (sw.backend !== 'serial') return;
    const owner = firstByPort.get(sw.port);
    if (owner !== undefined) add(`lines[${i}].simSwitch.port`, `${JSON.stringify(sw.port)} is the modem port of lines[${owner}]`);
  });

  messagingErrors(cfg, add);
  return errors;
}

/** Rules of the messaging sections that relate fields or need a parser (dial rules, prefixes, SMPP ids). */
function messagingErrors(cfg: Config, add: (path: string, message: string) => void): void {
  const rules = parseDialRules(cfg.sms.dialRules);
  if (!rules.ok) add('sms.dialRules', rules.error);
  cfg.lines.forEach((l, i) => {
    if (!l.prefixes) return;
    const p = parsePrefixList(l.prefixes);
    if (!p.ok) add(`lines[${i}].prefixes`, p.error);
  });
  cfg.sms.forward.forEach((r, i) => {
    if (!r.phone && !r.email && !r.webhook && !r.sip) add(`sms.forward[${i}]`, 'a forwarding rule needs at least one of phone, email, webhook, sip');
    if (r.email && !cfg.mail) add(`sms.forward[${i}].email`, 'forwarding by e-mail needs the mail section (SMTP server)');
  });
  // system_ids, including the per-line ids "<id>01", "<id>02", ... of accounts with perLineIds, must not collide.
  const lineIds = cfg.lines.length ? cfg.lines.map((l) => l.id!) : Array.from({ length: cfg.simulator.modems }, (_, k) => k + 1);
  const owner = new Map<string, number>();
  cfg.smpp.accounts.forEach((a, i) => {
    const ids = [a.systemId, ...(a.perLineIds ? (a.lines ?? lineIds).map((n) => `${a.systemId}${String(n).padStart(2, '0')}`) : [])];
    for (const id of ids) {
      const prev = owner.get(id);
      if (prev !== undefined && prev !== i) add(`smpp.accounts[${i}].systemId`, `system_id ${JSON.stringify(id)} is also used by smpp.accounts[${prev}]`);
      else owner.set(id, i);
    }
  });
  if (cfg.mail && cfg.mail.security === 'none' && !/^(127\.|::1$|localhost$)/.test(cfg.mail.host)) {
    add('mail.security', 'plain SMTP without TLS is allowed only to a loopback host; use "starttls" or "tls"');
  }
}
