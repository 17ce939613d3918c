/**
 * Types of the SIM policy engine: configuration, the persisted per-SIM / per-line state (plain
 * JSON, so a store can save it as is), the events the engine is fed and the decisions it returns.
 * Manual references: §3.2.1 (line status columns), §3.2.3 (statistics, SIM colours), §4.8 (limits),
 * §4.12 (switch and disable rules).
 */
import type { LimitSpec } from './limit-syntax.js';

export type SlotId = 'A' | 'B' | 'C' | 'D';
export const SLOTS: readonly SlotId[] = ['A', 'B', 'C', 'D'];

// ---------------------------------------------------------------------------------------------
// Configuration

/** The three limits of §4.8. Absent (or null) = no limit. */
export interface LimitsConfig {
  callMinutes?: LimitSpec | null;
  callCount?: LimitSpec | null;
  /** §4.8 "呼出次数限制 – 是否包含未接通电话": count every attempt (true) or only connected calls. */
  callCountIncludesUnanswered: boolean;
  smsCount?: LimitSpec | null;
}

/**
 * What a trigger counts (§4.12). The bound-period ones restart at every bind; the consecutive
 * ones are per SIM and survive switches (§3.2.1).
 */
export type TriggerKind =
  | 'bind-minutes' // minutes since this SIM was bound
  | 'call-minutes' // billed outgoing minutes while bound (a call in progress counts as it runs)
  | 'calls' // outgoing call attempts while bound
  | 'connected-calls' // connected outgoing calls while bound
  | 'sms' // SMS sent while bound (a long SMS counts once)
  | 'consecutive-no-answer'
  | 'consecutive-failed'
  | 'consecutive-no-ringing'
  | 'consecutive-short';

export const TRIGGER_KINDS: readonly TriggerKind[] = [
  'bind-minutes',
  'call-minutes',
  'calls',
  'connected-calls',
  'sms',
  'consecutive-no-answer',
  'consecutive-failed',
  'consecutive-no-ringing',
  'consecutive-short',
];

export type SwitchStrategy = 'sequential' | 'random' | 'most-minutes';

export interface SwitchRules {
  /** §4.12 选卡策略: A→B→C→D→A, random, or the most remaining call minutes first. */
  strategy: SwitchStrategy;
  /** Thresholds; any one reached switches (§4.12 "任意触发条件之一"). Absent = not a trigger. */
  triggers: Partial<Record<TriggerKind, number>>;
  /**
   * When a time-driven trigger (bind minutes, call minutes) fires during a call: hang the call up
   * and switch, or wait for it to end (§4.12 "通话期间触发 1 或 4，挂断/保持当前通话").
   * Also applies to a disable of the bound SIM that happens during a call.
   */
  duringCall: 'hangup' | 'wait';
  /**
   * Switch away from a SIM whose limits no longer allow a call when another slot can call.
   * Not in the manual; on by default because a gateway idling on an exhausted card helps nobody.
   */
  switchWhenExhausted: boolean;
}

export interface DisableRule {
  trigger: TriggerKind;
  threshold: number;
  /** 0 = this rule disables nothing; n = n minutes; 'manual' = until an operator enables the SIM. */
  disableMinutes: number | 'manual';
}

export interface PolicyConfig {
  /** IANA zone for windows, monthly cycles and the daily statistics reset. */
  timezone: string;
  /** §4.8 计费周期(秒): a call is billed in whole periods (60 s: 68 s costs 2 minutes). */
  billingPeriodSec: number;
  /** §4.8 限制时间耗尽: hang the call up when the minutes run out, or let it finish. */
  onMinutesExhausted: 'hangup' | 'finish';
  /** §4.8 短信次数耗尽: disable the SIM, or only refuse SMS. */
  onSmsExhausted: 'disable-sim' | 'block-sms';
  /** Device-wide limits (§4.8 整机设置). */
  limits: LimitsConfig;
  /**
   * Per-slot overrides (§4.8 按 SIM 卡设置), keyed `"<line>/<slot>"` (one SIM of one line) or
   * `"<slot>"` (that slot on every line); the more specific key wins, field by field. A field set
   * to null removes the device-wide limit for that slot.
   */
  slotLimits?: Record<string, Partial<LimitsConfig>>;
  /** A connected call shorter than this many seconds is a "short call". */
  shortCallSec: number;
  switchRules: SwitchRules;
  disableRules: DisableRule[];
  /**
   * A SIM that is ready but finds no network for this many minutes marks its slot unusable
   * (`no-network`) so the line moves on; 0 = never. Absent = 5.
   */
  unusableAfterNoNetworkMinutes?: number;
}

// ---------------------------------------------------------------------------------------------
// State (plain JSON)

/** One limit's counted use: all-time (since the last reset / card change) and in its current period. */
export interface UsageBucket {
  total: number;
  /** Identifies the window instance or monthly cycle `period` belongs to; null = none yet. */
  periodKey: string | null;
  period: number;
}

export interface SimCounters {
  /** Billed seconds of outgoing calls. */
  callSec: UsageBucket;
  callCount: UsageBucket;
  smsCount: UsageBucket;
}

export interface CdrTotals {
  calls: number;
  connected: number;
  talkSec: number;
  billedSec: number;
}

export interface TodayStats {
  /** Local date the statistics day started on (the day starts at 04:10). */
  day: string | null;
  calls: number;
  connected: number;
  talkSec: number;
  billedSec: number;
  sms: number;
  smsFailed: number;
}

export interface Consecutive {
  noAnswer: number;
  failed: number;
  noRinging: number;
  short: number;
}

export interface DisabledInfo {
  since: number;
  /** ms epoch when it re-enables itself; null = it does not expire by time. */
  until: number | null;
  reason: string;
  /** The disable rule's trigger (its counter restarts when the SIM is enabled again). */
  trigger?: TriggerKind;
  /** Lifts by itself once the SMS limit has room again (onSmsExhausted 'disable-sim'). */
  liftsWhenSmsAvailable?: boolean;
}

/**
 * Why a slot's card cannot become ready (docs/decisions/0017-unusable-slots.md). The first four are the
 * card's own state (TS 27.007 §8.3 +CPIN): no retry can help until the card or the configuration
 * changes. The last three may pass by themselves: such a slot is still bound when no other slot is
 * usable ("last resort").
 */
export const UNUSABLE_REASONS = ['pin-required', 'pin-refused', 'puk-required', 'sim-locked', 'sim-failure', 'not-inserted', 'no-network'] as const;
export type UnusableReason = (typeof UNUSABLE_REASONS)[number];

export interface UnusableInfo {
  reason: UnusableReason;
  /** What the line saw, for people (e.g. "SIM in slot C needs a PIN; none configured (lines[].pins.C)"). */
  detail: string;
  since: number;
  /** The card it was seen on; null = unknown. */
  iccid: string | null;
}

export interface SimState {
  /** Last known ICCID; null = none known. */
  iccid: string | null;
  presence: 'unknown' | 'present' | 'empty';
  disabled: DisabledInfo | null;
  /**
   * The line found that this slot's card cannot become ready; null = not known to be unusable. Cleared
   * by a card change, the card becoming ready, or an operator enable. Absent in states saved before it
   * existed (read as null).
   */
  unusable?: UnusableInfo | null;
  /** A card change was seen in this slot while disabled and no operator confirmed it (brown). */
  cardChangeUnconfirmed: boolean;
  /** block-sms has been decided for this SIM and not lifted. */
  smsBlocked: boolean;
  usage: SimCounters;
  cdr: CdrTotals;
  today: TodayStats;
  consecutive: Consecutive;
  lastConnectedAt: number | null;
}

export interface CallInProgress {
  slot: SlotId;
  startedAt: number;
  alerting: boolean;
  answeredAt: number | null;
  /** When the call minutes run out (ms epoch); null = unlimited. Set on answer. */
  minutesDeadline: number | null;
  /** The period key the call's minutes count into (the window / cycle active at answer). */
  minutesPeriodKey: string | null;
  hangupSent: boolean;
}

export interface LineState {
  /** The slot in use, null = none ("N"). */
  bound: SlotId | null;
  boundAt: number | null;
  /** A bind/switch was decided and its sim-bound has not arrived yet. */
  binding: SlotId | null;
  /** The slot bound before `bound`, to continue the sequential order after a gap. */
  lastBound: SlotId | null;
  /** Counters of the current bind (§3.2.1 呼出时长 / 呼出次数 / 短信次数). */
  bindCallSec: number;
  bindCalls: number;
  bindConnected: number;
  bindSms: number;
  call: CallInProgress | null;
  /** A switch waits for the call in progress to end (`to` null = the strategy chooses). */
  pendingSwitch: { reason: string; to: SlotId | null } | null;
  slots: Record<SlotId, SimState>;
}

export interface PolicyState {
  version: 1;
  /** §4.8: while false, window and monthly limits count as exhausted. */
  timeTrusted: boolean;
  timeSource: string | null;
  /** State of the deterministic generator the random strategy uses inside `decide`. */
  rngState: number;
  lines: Record<string, LineState>;
}

// ---------------------------------------------------------------------------------------------
// Events

export type CallEndCause = 'normal' | 'no-answer' | 'busy' | 'failed' | 'no-ringing';

export type PolicyEvent =
  | { type: 'sim-bound'; line: string; slot: SlotId; iccid: string | null }
  | { type: 'call-attempt'; line: string }
  | { type: 'alerting'; line: string }
  | { type: 'answered'; line: string }
  | { type: 'call-ended'; line: string; durationSec: number; cause: CallEndCause }
  | { type: 'sms-sent'; line: string }
  | { type: 'sms-failed'; line: string }
  /** iccid: a string = this card is in the slot; null = the slot is empty; undefined = a change was seen, card unknown. */
  | { type: 'sim-card-changed'; line: string; slot: SlotId; iccid?: string | null }
  /** The line found that the card in this slot cannot become ready (PIN, PUK, failure, no network). */
  | { type: 'slot-unusable'; line: string; slot: SlotId; reason: UnusableReason; detail?: string; iccid?: string | null }
  /** The line registered on this slot's card: a no-network mark on it no longer holds. */
  | { type: 'network-found'; line: string; slot: SlotId }
  /** Time passes; without `line` every known line is checked. */
  | { type: 'tick'; line?: string }
  | { type: 'operator-enable'; line: string; slot: SlotId }
  | { type: 'operator-disable'; line: string; slot: SlotId; minutes?: number | null }
  | { type: 'operator-switch'; line: string; slot?: SlotId }
  | { type: 'reset-stats'; line: string; slots: SlotId[]; what: 'cdr' | 'remaining' }
  | { type: 'time-trust'; trusted: boolean; source: string };

// ---------------------------------------------------------------------------------------------
// Decisions

export type Decision =
  /** Bind this slot on a line that has none. */
  | { type: 'bind'; line: string; slot: SlotId; reason: string }
  /** Move the line from one slot to another (SIM switch + modem restart). */
  | { type: 'switch'; line: string; from: SlotId; to: SlotId; reason: string }
  /** Leave the bound slot and bind nothing: no other slot is usable. */
  | { type: 'unbind'; line: string; slot: SlotId; reason: string }
  | { type: 'hangup'; line: string; reason: string }
  | { type: 'disable'; line: string; slot: SlotId; until: number | null; reason: string }
  | { type: 'enable'; line: string; slot: SlotId; reason: string }
  | { type: 'block-sms'; line: string; slot: SlotId; reason: string }
  | { type: 'unblock-sms'; line: string; slot: SlotId; reason: string };

export interface DecideResult {
  state: PolicyState;
  decisions: Decision[];
}

// ---------------------------------------------------------------------------------------------
// Queries

export type RemainingValue = number | 'NO LIMIT' | { remaining: 0; reason: 'time-untrusted' };

export interface Remaining {
  /** Minutes (may be fractional when the billing period is not a whole minute). */
  callMinutes: RemainingValue;
  callCount: RemainingValue;
  smsCount: RemainingValue;
}

export type Permission = { ok: true } | { ok: false; reason: string };

/** §3.2.3 卡 ID 颜色. */
export type SimStatus = 'in-use' | 'disabled' | 'standby' | 'empty' | 'disabled-card-changed' | 'unusable';
/** The manual's five colours, and `orange` (not in the manual) for a slot whose card cannot become ready. */
export type SimColour = 'blue' | 'red' | 'green' | 'grey' | 'brown' | 'orange';

export interface SimStatistics {
  line: string;
  slot: SlotId;
  iccid: string | null;
  status: SimStatus;
  colour: SimColour;
  disabled: DisabledInfo | null;
  /** Why the slot's card cannot become ready, or null. */
  unusable: UnusableInfo | null;
  /** §3.2.3 总 CDR 统计. asr is 0..1 (null before the first call); acdSec null before the first connected call. */
  total: { calls: number; connected: number; asr: number | null; acdSec: number | null; talkMinutes: number; billedMinutes: number };
  /** §3.2.3 当日统计, reset daily at 04:10 local time. */
  today: { day: string; calls: number; connected: number; talkMinutes: number; billedMinutes: number; sms: number; smsFailed: number };
  remaining: Remaining;
  consecutive: Consecutive;
  /** §3.2.1 空闲时间: whole minutes since the last connected call ended (0 during one); null = never. */
  idleMinutes: number | null;
  /** §3.2.1 绑定时间 / 呼出时长 / 呼出次数 / 短信次数 of the current bind; null when not bound. */
  bind: { minutes: number; callMinutes: number; calls: number; connected: number; sms: number } | null;
}
