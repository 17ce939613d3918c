/**
 * The call test (manual §5.9): dial a number from a line's bound SIM, hold an answered call for some
 * seconds, hang up, and report what happened. The SIM policy decides first whether the SIM may call;
 * a refused test call never reaches the modem but is recorded (outcome `refused`). A test call that
 * goes out is a call like any other: recorded, and counted against the SIM's limits and rules.
 */
import type { LineStatus } from '../line/types.js';
import type { CallService } from './call-service.js';
import type { Call } from './call.js';

/** How long a dialled call may take to be answered or to fail before the test hangs up. */
const ANSWER_WAIT_MS = 90_000;
/** How long the hang-up may take to end the call. */
const END_WAIT_MS = 5000;

/** What the test needs of a line. */
export interface TestCallLine {
  readonly id: number;
  status(): LineStatus;
  /** `origin` names who asked; a line that does not take it yet records its own default. */
  dial(number: string, opts?: { origin: string }): Promise<void>;
  hangup(): Promise<void>;
}

export interface TestCallDeps {
  calls: CallService;
  /** Whether the line's bound SIM may place a call now (the SIM policy), and why not. */
  mayCall(lineId: number): { ok: true } | { ok: false; reason: string };
}

export interface TestCallRequest {
  number: string;
  /** How long to hold an answered call, in seconds. */
  seconds: number;
  /** Who asked, e.g. `api:admin`. */
  origin: string;
}

export interface TestCallResult {
  line: number;
  slot: LineStatus['slot'];
  number: string;
  answered: boolean;
  durationSec: number;
  endReason: string | null;
  elapsedMs: number;
}

/** The test could not place the call: the policy refused it, or the line or modem did (an API 409). */
export class TestCallNotPlaced extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TestCallNotPlaced';
  }
}

/** Resolves true once `cond()` holds (checked now and at each step of `call`), false after `ms`. */
function waitFor(calls: CallService, call: Call, cond: () => boolean, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (cond()) return resolve(true);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      calls.off('call-changed', onStep);
      calls.off('call-ended', onStep);
      resolve(ok);
    };
    const onStep = (c: Call) => {
      if (c === call && cond()) done(true);
    };
    const timer = setTimeout(() => done(false), ms);
    calls.on('call-changed', onStep);
    calls.on('call-ended', onStep);
  });
}

/** Runs a test call on `line`. Throws TestCallNotPlaced when the call could not be placed. */
export async function runTestCall(deps: TestCallDeps, line: TestCallLine, req: TestCallRequest): Promise<TestCallResult> {
  const may = deps.mayCall(line.id);
  if (!may.ok) {
    const st = line.status();
    deps.calls.refuse({ line: line.id, slot: st.slot, iccid: st.sim.iccid, number: req.number, origin: req.origin, reason: may.reason });
    throw new TestCallNotPlaced(`line ${line.id} may not call: ${may.reason}`);
  }
  const started = Date.now();
  // The line starts the call while dialling: the first outgoing call it starts meanwhile is this one.
  let call: Call | null = null;
  const capture = (c: Call) => {
    if (call === null && c.gsm.line === line.id && c.direction === 'out') call = c;
  };
  deps.calls.on('call-started', capture);
  try {
    await line.dial(req.number, { origin: req.origin });
  } catch (e) {
    throw new TestCallNotPlaced(`line ${line.id}: ${(e as Error).message}`);
  } finally {
    deps.calls.off('call-started', capture);
  }
  const c = call as Call | null;
  if (c === null) throw new Error(`line ${line.id} dialled but started no call`);
  const answered = await waitFor(deps.calls, c, () => c.state === 'CONNECTED' || c.ended, ANSWER_WAIT_MS);
  if (answered && !c.ended) await waitFor(deps.calls, c, () => c.ended, req.seconds * 1000);
  if (!c.ended) await line.hangup().catch(() => {});
  await waitFor(deps.calls, c, () => c.ended, END_WAIT_MS);
  return {
    line: line.id,
    slot: line.status().slot,
    number: req.number,
    answered: c.ended && c.times.answer !== null,
    durationSec: c.ended ? c.durationSec(c.times.end!) : 0,
    endReason: c.ended ? c.gsm.cause : null,
    elapsedMs: Date.now() - started,
  };
}
