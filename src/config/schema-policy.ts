/**
 * The `policy` section of the configuration schema: SIM limits, rotation and disable rules, checked with
 * the policy engine's own limit parser and trigger list.
 */
import { z } from 'zod';
import { bool, expected, int, obj, oneOf, pattern } from './schema-helpers.js';
import { parseLimit } from '../policy/limit-syntax.js';
import { TRIGGER_KINDS, type TriggerKind } from '../policy/types.js';

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

export const policySchema = obj({
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
  /**
   * A ready SIM that finds no network for this many minutes marks its slot unusable so the line tries
   * another card (docs/decisions/0017-unusable-slots.md); 0 = never.
   */
  unusableAfterNoNetworkMinutes: int(0, 1440).default(5),
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
