/**
 * The `lines` entries of the configuration schema: a line's modem (port, USB path, IMEI, family), its
 * SIM PINs, IMEI writing, SIM switch (docs/sim-switch.md), prefixes, data check and reset.
 */
import { z } from 'zod';
import { describeValue, RECEIVED } from './errors.js';
import { bool, expected, int, obj, oneOf, pattern, text, type IssueLike } from './schema-helpers.js';
import { isValidImei, luhnCheckDigit } from '../gsm/imei.js';
import { compileReplyPattern, parseCommandTemplate } from '../../modem-drivers/sim-switch/template.js';
import {
  DUAL_SIM_FAMILIES,
  atCommandTextProblem,
  dualSimValueProblem,
  type DualSimFamily,
} from '../../modem-drivers/sim-switch/dual-sim-commands.js';

export const MODEM_FAMILIES = ['auto', 'generic', 'quectel', 'simcom'] as const;
export const SLOTS = ['A', 'B', 'C', 'D'] as const;
export type SlotLetter = (typeof SLOTS)[number];

// ---------------------------------------------------------------------------------------------
// Field types

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

export const lineSchema = obj({
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
