/**
 * The one schema of a line's SIM switch (`lines[].simSwitch`, docs/sim-switch.md): the daemon's
 * configuration validates with it, and the SIM switch module (modem-drivers/sim-switch) takes its types
 * and validates what it is given with it too, so both accept exactly the same thing.
 *
 * Only pure checks live here (template syntax, reply patterns, AT command text, holder values). Which
 * modem family has a built-in dual-SIM command set is the drivers' knowledge: a dual-SIM switch that
 * names neither `family` nor `commands` is resolved, or refused, where the line is built
 * (src/line/sim-switch-config.ts).
 */
import { z } from 'zod';
import { atCommandTextProblem } from '../at/command-text.js';
import { describeValue, RECEIVED } from './errors.js';
import { bool, devicePath, expected, int, obj, oneOf, pattern, text, type IssueLike } from './schema-helpers.js';
import { compileReplyPattern, parseCommandTemplate } from './sim-switch-template.js';

export const SLOTS = ['A', 'B', 'C', 'D'] as const;
export type SlotLetter = (typeof SLOTS)[number];

/**
 * The names of the built-in dual-SIM command sets the configuration may pick with `family`. The sets
 * themselves are the drivers' (modem-drivers/sim-switch); a test checks that both name the same sets.
 */
export const DUAL_SIM_COMMAND_SET_NAMES = ['quectel'] as const;
export type DualSimCommandSetName = (typeof DUAL_SIM_COMMAND_SET_NAMES)[number];

/** Why a holder value cannot be used, or null: it is put into the set command and read back as one field of the reply. */
export function dualSimValueProblem(value: string): string | null {
  if (!/^[\x20-\x7e]+$/.test(value)) return 'must be printable ASCII characters';
  if (value.includes(',')) return 'cannot contain a comma (the read reply is split at commas)';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Serial switch board: template and reply patterns, checked by the template language's own parsers.

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
// Dual-SIM command set given in the configuration, for firmware without a built-in one.

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

export const dualSimCommandSetSchema = obj(
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

// ---------------------------------------------------------------------------------------------
// The backends

const gpioOffset = int(0, 4095);
const slotLetter = oneOf(SLOTS);

const noneSwitch = obj({ backend: z.literal('none') });

const simulatedSwitch = obj({
  backend: z.literal('simulated'),
  delayMs: int(0, 60_000).optional(),
  initial: slotLetter.nullable().optional(),
  slots: z.array(slotLetter, { error: expected('a list of slots such as ["A", "B"]') }).min(1, { error: expected('at least one slot') }).optional(),
  failSlots: z.array(slotLetter, { error: expected('a list of slots such as ["C"]') }).optional(),
});

const gpioSwitch = obj({
  backend: z.literal('gpio'),
  chip: pattern(/^(?:gpiochip\d+|\d+|\/dev\/gpiochip\d+)$/, 'a GPIO chip such as "gpiochip0", "0" or "/dev/gpiochip0"').default('gpiochip0'),
  lines: z.tuple([gpioOffset, gpioOffset], {
    error: expected('two GPIO line offsets such as [17, 27] (low bit, high bit of the slot number)'),
  }),
  activeLow: bool().optional(),
  settleMs: int(0, 10_000).optional(),
  gpiosetPath: text(1, 4096, 'a program name or path').optional(),
}).refine((c) => c.lines[0] !== c.lines[1], {
  error: (iss: IssueLike) => {
    const lines = (iss.input as { lines?: unknown } | undefined)?.lines;
    return `expected two different GPIO line offsets, got ${Array.isArray(lines) ? `[${lines.join(', ')}]` : describeValue(lines)}`;
  },
  path: ['lines'],
});

const serialSwitch = obj({
  backend: z.literal('serial'),
  port: devicePath,
  baudRate: int(300, 4_000_000).default(115200),
  template: switchTemplate,
  expect: replyPattern('a regular expression the board answers with on success, such as "^OK"').optional(),
  fail: replyPattern('a regular expression the board answers with on failure, such as "^ERR"').optional(),
  timeoutMs: int(50, 60_000).default(1000),
});

const dualSimSwitch = obj({
  backend: z.literal('dual-sim'),
  slots: z.literal(2, { error: expected('2 (a dual-SIM modem switches between slots A and B)') }).default(2),
  // The built-in command set to use; absent: the one of the line's modem family.
  family: oneOf(DUAL_SIM_COMMAND_SET_NAMES).optional(),
  // The firmware's own command set, for modems without a built-in one.
  commands: dualSimCommandSetSchema.optional(),
}).refine((c) => c.family === undefined || c.commands === undefined, { error: 'expected either "family" or "commands", not both' });

export const simSwitchSchema = z.discriminatedUnion('backend', [noneSwitch, simulatedSwitch, gpioSwitch, serialSwitch, dualSimSwitch], {
  error: (iss) => {
    const input = iss.input as { backend?: unknown } | undefined;
    const names = '"none", "simulated", "gpio", "serial", "dual-sim"';
    if (iss.code === 'invalid_union' && typeof input === 'object' && input !== null) {
      return input.backend === undefined ? `missing; expected one of ${names}` : `expected one of ${names}, got ${describeValue(input.backend)}`;
    }
    return expected('an object with a "backend" key')(iss);
  },
});

/** A `simSwitch` value as validated, with every default filled in. */
export type SimSwitchSection = z.output<typeof simSwitchSchema>;
/** A `simSwitch` value as it may be written (defaulted keys optional). */
export type SimSwitchSectionInput = z.input<typeof simSwitchSchema>;
export type DualSimCommandSetConfig = z.output<typeof dualSimCommandSetSchema>;
