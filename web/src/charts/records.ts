/**
 * The API's call and SIM statistics shapes the status pages and charts read (docs/api.md,
 * GET /api/calls and GET /api/sims; only the fields used). Kept free of DOM types so the pure
 * helpers beside it also compile for Node's tests.
 */
export type CallOutcome = 'answered' | 'missed' | 'busy' | 'no-answer' | 'failed' | 'refused';

export interface CallRecord {
  id: string;
  direction: 'in' | 'out';
  origin: string | null;
  active: boolean;
  state: string | null;
  outcome: CallOutcome | null;
  line: number;
  slot: string | null;
  iccid: string | null;
  number: string | null;
  setupAt: string | null;
  alertingAt: string | null;
  answerAt: string | null;
  endAt: string | null;
  durationSec: number | null;
  billedSec: number | null;
  cause: string | null;
  causes?: { gsm: string | null; voip: string | null; gateway: string | null } | null;
}

export interface CallsView {
  active: CallRecord[];
  total: number;
  items: CallRecord[];
}

/** A number, "NO LIMIT", or closed while the clock is not trusted. */
export type Remaining = number | 'NO LIMIT' | { remaining: number; reason: string };

export type SimColour = 'blue' | 'green' | 'red' | 'grey' | 'brown' | 'orange';

export interface SimSlotView {
  line: string;
  slot: string;
  iccid: string | null;
  status: string;
  colour: SimColour;
  disabled: { until?: number | null; since?: number } | null;
  unusable: { reason: string; detail: string; since: number; iccid: string | null } | null;
  total: { calls: number; connected: number; asr: number | null; acdSec: number | null; talkMinutes: number; billedMinutes: number };
  today: { day: string; calls: number; connected: number; talkMinutes: number; billedMinutes: number; sms: number; smsFailed: number };
  remaining: { callMinutes: Remaining; callCount: Remaining; smsCount: Remaining };
  consecutive: { noAnswer: number; failed: number; noRinging: number; short: number };
  idleMinutes: number | null;
}

export interface SimsFullView {
  timeTrusted: boolean;
  timeSource: string;
  lines: Array<{ line: number; bound: string | null; slots: SimSlotView[] }>;
}

export interface SignalSample {
  t: number;
  dbm: number | null;
  bars: number | null;
  rat: string;
}

export interface SignalHistory {
  line: number;
  stepSec: number;
  samples: SignalSample[];
}
