/**
 * The calls `+QIND: "ccinfo"` has reported (after AT+QINDCFG="ccinfo",1), by <id>: each report changes
 * one call, and the line is sent the whole list, as a +CLCC reading would give it. A released call
 * leaves the list. So that a release report the host never saw cannot leave a stale call behind (one
 * the next call's list would carry as still active), the list is also emptied when a call ends by a
 * result code, when the host's own hang-up succeeds (AT+CHUP ends every call, TS 27.007 §6.5) and when
 * the host dials (there is no call then).
 */
import type { CallInfo } from '../types.js';
import type { CcinfoReport } from './parse.js';

export class CcinfoCalls {
  private readonly calls = new Map<number, CallInfo>();

  /** Applies one report; the calls to send as 'call-state', or undefined when none is left (the result code that follows ends the call with its reason). */
  report(report: CcinfoReport): CallInfo[] | undefined {
    if (report.kind === 'released') {
      this.calls.delete(report.index);
      if (this.calls.size === 0) return undefined;
    } else {
      this.calls.set(report.call.index, report.call);
    }
    return [...this.calls.values()].sort((a, b) => a.index - b.index);
  }

  clear(): void {
    this.calls.clear();
  }

  get size(): number {
    return this.calls.size;
  }
}
