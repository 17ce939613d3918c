/**
 * A small test driver for the policy engine: holds config, state and a clock, feeds events and
 * (optionally) plays the line's part by answering bind/switch decisions with sim-bound.
 */
import { decide, defaultPolicyConfig, initialPolicyState, type Decision, type PolicyConfig, type PolicyEvent, type PolicyState, type SlotId } from '../../src/policy/index.js';

export const T0 = Date.UTC(2025, 0, 6, 12, 0, 0); // Monday 2025-01-06 12:00 UTC

export class Driver {
  state: PolicyState;
  now: number;
  log: Decision[] = [];
  iccids: Record<SlotId, string> = { A: 'ICCID-A', B: 'ICCID-B', C: 'ICCID-C', D: 'ICCID-D' };

  constructor(
    public config: PolicyConfig = defaultPolicyConfig(),
    opts: { now?: number; trusted?: boolean; autoBind?: boolean; line?: string } = {},
  ) {
    this.state = initialPolicyState({ timeTrusted: opts.trusted ?? true, seed: 42 });
    this.now = opts.now ?? T0;
    this.autoBind = opts.autoBind ?? true;
    this.lineId = opts.line ?? '1';
  }
  autoBind: boolean;
  lineId: string;

  /** Feeds an event; carries out bind/switch by reporting sim-bound. Returns this event's decisions (and those of the binds it caused). */
  feed(e: PolicyEvent): Decision[] {
    const r = decide(this.config, this.state, this.now, e);
    this.state = r.state;
    const out = [...r.decisions];
    this.log.push(...r.decisions);
    if (this.autoBind) {
      for (const d of r.decisions) {
        if (d.type === 'bind' || d.type === 'switch') {
          const slot = d.type === 'bind' ? d.slot : d.to;
          out.push(...this.feed({ type: 'sim-bound', line: d.line, slot, iccid: this.iccids[slot] }));
        }
      }
    }
    return out;
  }

  advance(ms: number): Decision[] {
    this.now += ms;
    return this.feed({ type: 'tick' });
  }

  start(slot: SlotId = 'A'): Decision[] {
    return this.feed({ type: 'sim-bound', line: this.lineId, slot, iccid: this.iccids[slot] });
  }

  get line() {
    return this.state.lines[this.lineId]!;
  }

  /** A full outgoing call: attempt, alerting, answered after `ringSec`, talk `talkSec`, end. */
  call(talkSec: number, opts: { answered?: boolean; cause?: 'normal' | 'no-answer' | 'busy' | 'failed' | 'no-ringing'; alert?: boolean } = {}): Decision[] {
    const l = this.lineId;
    const out: Decision[] = [];
    out.push(...this.feed({ type: 'call-attempt', line: l }));
    if (opts.alert !== false) out.push(...this.feed({ type: 'alerting', line: l }));
    const answered = opts.answered ?? true;
    if (answered) {
      out.push(...this.feed({ type: 'answered', line: l }));
      this.now += talkSec * 1000;
      out.push(...this.feed({ type: 'call-ended', line: l, durationSec: talkSec, cause: opts.cause ?? 'normal' }));
    } else {
      this.now += 20_000;
      out.push(...this.feed({ type: 'call-ended', line: l, durationSec: 0, cause: opts.cause ?? 'no-answer' }));
    }
    return out;
  }

  sms(): Decision[] {
    return this.feed({ type: 'sms-sent', line: this.lineId });
  }
}

export function cfg(over: Partial<PolicyConfig> = {}): PolicyConfig {
  return defaultPolicyConfig(over);
}
