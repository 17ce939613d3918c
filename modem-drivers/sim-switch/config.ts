/**
 * Per-line SIM switch configuration: a discriminated union on `backend`, with a zod schema so the
 * configuration loader can validate it and show readable errors. Validation also checks what only this
 * module knows: serial templates and reply patterns, distinct GPIO lines, dual-SIM command sets.
 */
import { z } from 'zod';
import type { SlotId } from './types.js';
import { compileReplyPattern, parseCommandTemplate } from './template.js';
import { DUAL_SIM_FAMILIES, atCommandTextProblem, dualSimValueProblem, type DualSimCommandSet, type DualSimFamily } from './dual-sim-commands.js';

export interface NoneSwitchConfig {
  backend: 'none';
}

export interface SimulatedSwitchConfig {
  backend: 'simulated';
  delayMs?: number;
  initial?: SlotId | null;
  slots?: SlotId[];
  failSlots?: SlotId[];
}

export interface GpioSwitchConfig {
  backend: 'gpio';
  chip: string;
  /** [offset of bit 0, offset of bit 1] */
  lines: [number, number];
  activeLow?: boolean;
  settleMs?: number;
  gpiosetPath?: string;
}

export interface SerialSwitchConfig {
  backend: 'serial';
  port: string;
  baudRate: number;
  template: string;
  expect?: string;
  fail?: string;
  timeoutMs: number;
}

export type DualSimSwitchConfig =
  | { backend: 'dual-sim'; family: DualSimFamily; commands?: undefined }
  | { backend: 'dual-sim'; commands: DualSimCommandSet; family?: undefined };

export type SimSwitchConfig = NoneSwitchConfig | SimulatedSwitchConfig | GpioSwitchConfig | SerialSwitchConfig | DualSimSwitchConfig;

const slot = z.enum(['A', 'B', 'C', 'D']);
const ms = (max: number) => z.number().int().min(0).max(max);
const offset = z.number().int().min(0).max(4095);

const noneSchema = z.strictObject({ backend: z.literal('none') });

const simulatedSchema = z.strictObject({
  backend: z.literal('simulated'),
  delayMs: ms(60_000).optional(),
  initial: slot.nullable().optional(),
  slots: z.array(slot).min(1).optional(),
  failSlots: z.array(slot).optional(),
});

const gpioSchema = z
  .strictObject({
    backend: z.literal('gpio'),
    chip: z.string().min(1),
    lines: z.tuple([offset, offset]),
    activeLow: z.boolean().optional(),
    settleMs: ms(10_000).optional(),
    gpiosetPath: z.string().min(1).optional(),
  })
  .refine((c) => c.lines[0] !== c.lines[1], { message: 'lines must be two different offsets', path: ['lines'] });

const serialSchema = z
  .strictObject({
    backend: z.literal('serial'),
    port: z.string().min(1),
    baudRate: z.number().int().positive().max(4_000_000),
    template: z.string().min(1),
    expect: z.string().min(1).optional(),
    fail: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().max(60_000),
  })
  .superRefine((c, ctx) => {
    const t = parseCommandTemplate(c.template);
    if (!t.ok) ctx.addIssue({ code: 'custom', message: t.error, path: ['template'] });
    for (const key of ['expect', 'fail'] as const) {
      const src = c[key];
      if (src === undefined) continue;
      const re = compileReplyPattern(src, { line: 'L1', slot: 'A' });
      if (!re.ok) ctx.addIssue({ code: 'custom', message: re.error, path: [key] });
    }
  });

/** An AT command text sent as configured: see atCommandTextProblem. */
const atText = (what: string) =>
  z
    .string()
    .min(1)
    .superRefine((s, ctx) => {
      const why = atCommandTextProblem(s);
      if (why) ctx.addIssue({ code: 'custom', message: `${what} ${why}` });
    });

const holderValue = z
  .string()
  .min(1)
  .superRefine((s, ctx) => {
    const why = dualSimValueProblem(s);
    if (why) ctx.addIssue({ code: 'custom', message: `the value ${why}` });
  });

const commandSetSchema = z
  .strictObject({
    name: z.string().min(1),
    select: atText('select').refine((s) => s.includes('{value}'), { message: 'select must contain {value}' }),
    query: atText('query'),
    prefix: z.string().min(1).regex(/^[\x20-\x7e]+$/, { message: 'prefix may hold printable ASCII characters only' }),
    field: z.number().int().min(0).max(16).optional(),
    values: z.strictObject({ A: holderValue, B: holderValue }),
    timeoutMs: z.number().int().positive().max(300_000).optional(),
  })
  .refine((s) => s.values.A !== s.values.B, { message: 'values.A and values.B must differ', path: ['values'] });

const dualSimSchema = z
  .strictObject({
    backend: z.literal('dual-sim'),
    family: z.enum(Object.keys(DUAL_SIM_FAMILIES) as [DualSimFamily, ...DualSimFamily[]]).optional(),
    commands: commandSetSchema.optional(),
  })
  .refine((c) => (c.family === undefined) !== (c.commands === undefined), {
    message: `give exactly one of family (${Object.keys(DUAL_SIM_FAMILIES).join(', ')}) or commands`,
  });

export const simSwitchConfigSchema = z.discriminatedUnion('backend', [noneSchema, simulatedSchema, gpioSchema, serialSchema, dualSimSchema]);

/** Validates untrusted configuration. Never throws. */
export function parseSimSwitchConfig(input: unknown): { ok: true; config: SimSwitchConfig } | { ok: false; error: string } {
  const r = simSwitchConfigSchema.safeParse(input);
  if (!r.success) return { ok: false, error: `invalid SIM switch configuration: ${z.prettifyError(r.error)}` };
  return { ok: true, config: r.data as SimSwitchConfig };
}
