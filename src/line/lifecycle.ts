/**
 * Where a line stands with its modem, as an explicit state machine (after the call's, src/call/call-state.ts):
 * a table of legal edges and a transition that throws on any other, so a bug shows as an error instead of
 * a line that keeps showing a wrong state.
 *
 *   closed ──port opened──▶ probe ──modem answers──▶ identify ──▶ enable ⇄ sim-wait
 *     │ ╲                                                          │
 *     │  ╲──port missing──▶ absent ──▶ probe                       ▼
 *     │                                              sim-ready ⇄ registered
 *     ╰──modem was silent──▶ resetting ──▶ probe | absent
 *   probe … registered ──connection lost──▶ closed
 *   any but disabled ──operator closes the line──▶ disabled ──operator opens it──▶ closed
 *
 * `closed` is "no connection; the port is (re)opened next": the start, and the pause after a connection
 * ended. `sim-wait` is a card that is missing, locked or busy (asked again every simRetryMs); `enable`
 * also covers the moment the card became ready while SMS reception is being set up.
 *
 * The API's two fields derive from the phase (docs/api.md): `lifecycle` is the bring-up step the phase
 * belongs to (LIFECYCLE below), `health` is one of the conditions the phase allows (HEALTHS below: a
 * probe is `starting` on the first try and `unresponsive` after one that went unanswered; sim-ready is
 * `searching` or `denied` while not registered). A SIM slot change is not a phase: the modem passes
 * through the ordinary phases while it restarts on the new card, and the line shows `switching` over
 * them (slot-change.ts).
 */
import { HEALTH_VALUES, type Health, type Lifecycle } from './types.js';

export const LINE_PHASES = ['closed', 'absent', 'probe', 'identify', 'enable', 'sim-wait', 'sim-ready', 'registered', 'resetting', 'disabled'] as const;

export type LinePhase = (typeof LINE_PHASES)[number];

/** Phases with an open connection to the modem. */
const CONNECTED: readonly LinePhase[] = ['probe', 'identify', 'enable', 'sim-wait', 'sim-ready', 'registered'];

const EDGES: Record<LinePhase, readonly LinePhase[]> = {
  closed: ['absent', 'probe', 'resetting', 'disabled'],
  absent: ['absent', 'probe', 'disabled'],
  probe: ['identify', 'closed', 'disabled'],
  identify: ['enable', 'closed', 'disabled'],
  enable: ['enable', 'sim-wait', 'sim-ready', 'closed', 'disabled'],
  'sim-wait': ['sim-wait', 'enable', 'closed', 'disabled'],
  'sim-ready': ['sim-ready', 'registered', 'closed', 'disabled'],
  registered: ['registered', 'sim-ready', 'closed', 'disabled'],
  resetting: ['probe', 'absent', 'disabled'],
  disabled: ['closed'],
};

/** The bring-up step each phase shows as (manual §3.2.1: probe → enable → SIM ready → registered). */
const LIFECYCLE: Record<LinePhase, Lifecycle> = {
  closed: 'probe',
  absent: 'probe',
  probe: 'probe',
  identify: 'probe',
  enable: 'enable',
  'sim-wait': 'enable',
  'sim-ready': 'sim-ready',
  registered: 'registered',
  resetting: 'probe',
  disabled: 'probe',
};

/**
 * The health values each phase may show. `closed` keeps what the line showed before the connection
 * ended (or `starting` at the start), so it allows every value but `switching`, which is never a
 * phase's own condition.
 */
const HEALTHS: Record<LinePhase, readonly Health[]> = {
  closed: HEALTH_VALUES.filter((h) => h !== 'switching'),
  absent: ['absent'],
  probe: ['starting', 'unresponsive'],
  identify: ['ok'],
  enable: ['ok'],
  'sim-wait': ['no-sim', 'sim-locked'],
  'sim-ready': ['ok', 'searching', 'denied'],
  registered: ['ok'],
  resetting: ['resetting'],
  disabled: ['disabled'],
};

export class IllegalLineTransition extends Error {
  constructor(
    readonly from: LinePhase,
    readonly to: LinePhase,
    readonly health: Health | null = null,
  ) {
    super(health === null ? `line phase ${from} cannot go to ${to}` : `line phase ${to} cannot show health ${health}`);
    this.name = 'IllegalLineTransition';
  }
}

/** Whether `from` → `to` is an edge of the table. */
export function canEnter(from: LinePhase, to: LinePhase): boolean {
  return EDGES[from].includes(to);
}

/** Whether `phase` has an open connection to the modem. */
export function isConnected(phase: LinePhase): boolean {
  return CONNECTED.includes(phase);
}

export function lifecycleOf(phase: LinePhase): Lifecycle {
  return LIFECYCLE[phase];
}

export function healthsOf(phase: LinePhase): readonly Health[] {
  return HEALTHS[phase];
}

/**
 * The machine: the phase and its health. enter() moves along one edge or throws IllegalLineTransition
 * (an edge the table lacks, or a health the new phase does not allow).
 */
export class LineLifecycle {
  private ph: LinePhase;
  private hl: Health;

  constructor(phase: LinePhase, health: Health) {
    if (!HEALTHS[phase].includes(health)) throw new IllegalLineTransition(phase, phase, health);
    this.ph = phase;
    this.hl = health;
  }

  get phase(): LinePhase {
    return this.ph;
  }

  get health(): Health {
    return this.hl;
  }

  get lifecycle(): Lifecycle {
    return LIFECYCLE[this.ph];
  }

  /**
   * Moves to `to` showing `health`; without one the current health is kept when `to` allows it, else
   * the only one `to` allows.
   */
  enter(to: LinePhase, health?: Health): void {
    if (!canEnter(this.ph, to)) throw new IllegalLineTransition(this.ph, to);
    const allowed = HEALTHS[to];
    const h = health ?? (allowed.includes(this.hl) ? this.hl : allowed.length === 1 ? allowed[0]! : null);
    if (h === null || !allowed.includes(h)) throw new IllegalLineTransition(this.ph, to, h ?? this.hl);
    this.ph = to;
    this.hl = h;
  }
}
