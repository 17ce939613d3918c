/**
 * How the policy state is kept in the counter store: a small header document and one document per
 * line. A call step changes one line, so it writes that line's ~2 KB and the header instead of the
 * whole state (18 KB with 8 lines, growing with every line). Every event writes the header, which so
 * keeps the "last known alive" instant that calls interrupted by a crash are billed up to.
 *
 * States saved before there were line documents held every line in the header; they are read as they
 * are and written whole, split, by the first event after the start.
 */
import type { LineState, PolicyState } from './types.js';

/** The header: everything but the lines. */
export const POLICY_HEADER_KEY = 'policy';
const LINE_KEY_PREFIX = 'policy.line.';

export function policyLineKey(lineId: string): string {
  return LINE_KEY_PREFIX + lineId;
}

export interface PolicyDocument {
  key: string;
  json: string;
}

export interface ReadPolicyState {
  state: PolicyState;
  /** The header still held the lines (a state saved before line documents): write every line once. */
  whole: boolean;
}

/** Rebuilds the state from the stored documents (key → JSON text); null when there is no header. */
export function readPolicyDocuments(docs: ReadonlyMap<string, string>): ReadPolicyState | null {
  const header = docs.get(POLICY_HEADER_KEY);
  if (header === undefined) return null;
  const parsed = JSON.parse(header) as Omit<PolicyState, 'lines'> & { lines?: PolicyState['lines'] };
  if (parsed.lines !== undefined) {
    // Written whole, by a version before line documents (or after them, by a downgrade): it is the
    // newest, so line documents left from before are stale.
    return { state: parsed as PolicyState, whole: true };
  }
  const lines: PolicyState['lines'] = {};
  for (const [key, json] of docs) if (key.startsWith(LINE_KEY_PREFIX)) lines[key.slice(LINE_KEY_PREFIX.length)] = JSON.parse(json) as LineState;
  return { state: { ...parsed, lines }, whole: false };
}

export interface PolicyChange {
  /** The documents to write, in one transaction with whatever record the event belongs to. */
  updates: PolicyDocument[];
  /** Call once they are durable: later changes are then computed against them. */
  written(): void;
}

/**
 * Knows which line documents are durable, to write only those an event changed. The engine copies a
 * line before it changes it (copy-on-write), so a line that is the same object is unchanged; one that
 * was copied (a tick copies every line) is compared by its text before it is written.
 */
export class PolicyDocuments {
  private readonly durable = new Map<string, { line: LineState; json: string }>();

  /** `state` as read from the store; `whole` as readPolicyDocuments said (nothing is durable as lines yet). */
  constructor(state: PolicyState | null, whole: boolean) {
    if (state && !whole) for (const [id, line] of Object.entries(state.lines)) this.durable.set(id, { line, json: JSON.stringify(line) });
  }

  change(next: PolicyState): PolicyChange {
    const header: Omit<PolicyState, 'lines'> = { version: next.version, timeTrusted: next.timeTrusted, timeSource: next.timeSource, rngState: next.rngState };
    const updates: PolicyDocument[] = [{ key: POLICY_HEADER_KEY, json: JSON.stringify(header) }];
    const changed: [string, { line: LineState; json: string }][] = [];
    for (const [id, line] of Object.entries(next.lines)) {
      const before = this.durable.get(id);
      if (before?.line === line) continue;
      const json = JSON.stringify(line);
      changed.push([id, { line, json }]);
      if (json !== before?.json) updates.push({ key: policyLineKey(id), json });
    }
    return {
      updates,
      written: () => {
        for (const [id, d] of changed) this.durable.set(id, d);
      },
    };
  }
}
