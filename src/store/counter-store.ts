/**
 * The durable store for everything that counts against a SIM: CDRs, SMS records, the policy engine's
 * per-SIM state, and operator actions (see docs/decisions/0002-sqlite-store.md).
 *
 * Contract, for every write method:
 *  - it is one SQLite transaction, committed (WAL fsynced, `synchronous=FULL`) before the method
 *    returns: when it returns, the event survives kill -9 and power loss;
 *  - the event's `id` is an idempotency key: recording an id that is already stored changes nothing
 *    (neither the event nor the state updates passed with it) and returns `duplicate`, so the caller
 *    can simply re-submit anything it is not sure about after a crash or a retry;
 *  - the state updates passed with an event are written in the same transaction as the event, so
 *    the stored engine state and the event log never disagree;
 *  - an invalid record throws `StoreError('invalid')` and writes nothing; a database failure (disk
 *    full, I/O error, corruption) throws `StoreError` with the file name and rolls back.
 *
 * Everything is synchronous (better-sqlite3): each write is a small transaction of a few pages.
 * One process writes; other processes (a CLI) may read concurrently thanks to WAL.
 */
import type { Statement, Transaction } from 'better-sqlite3';
import { type Db, type OpenCheck, StoreError, checkIntegrity, dbFilePath, openDatabase, toStoreError } from './db.js';
import { MIGRATIONS } from './migrations.js';
import { type CallRow, type SmsRow, callFromRow, smsFromRow } from './counter-rows.js';
import {
  type CallRecord,
  type OpenCallRecord,
  type OperatorAction,
  type SmsRecord,
  type StateUpdate,
  type StoredAction,
  type StoredCall,
  type StoredSms,
  type StoredState,
  actionProblems,
  callProblems,
  openCallProblems,
  smsProblems,
  stateProblems,
} from './records.js';

export interface RecordResult {
  /** `recorded`: the event is new and now durable. `duplicate`: its id was already stored; nothing changed. */
  outcome: 'recorded' | 'duplicate';
  /** The row's insertion number (of the earlier row for a duplicate). */
  seq: number;
  /** New version of each state written with the event (empty for a duplicate). */
  versions: Record<string, number>;
}

export interface CdrQuery {
  iccid?: string;
  line?: string;
  slot?: number;
  /** Inclusive lower bound on the start time (calls) or send time (SMS), ms. */
  from?: number;
  /** Exclusive upper bound, ms. */
  to?: number;
  /** Rows to return, 1..1000; default 100. Newest first. */
  limit?: number;
  offset?: number;
  /** Include calls that have begun but not ended. Default false. */
  includeOpen?: boolean;
}

export interface TotalsQuery {
  iccid?: string;
  line?: string;
  slot?: number;
  from?: number;
  to?: number;
}

export interface Totals {
  /** Ended calls. */
  calls: number;
  /** Ended calls that were answered. */
  connected: number;
  /** Sum of talk seconds. */
  seconds: number;
  /** Sum of billed seconds. */
  billedSeconds: number;
  /** SMS records with ok = true, and the parts they had. */
  sms: number;
  smsParts: number;
  smsFailed: number;
}

export interface CounterStoreOptions {
  /** Open check, see `openDatabase`. Default `schema`. */
  check?: OpenCheck;
  busyTimeoutMs?: number;
  /** Clock for `recorded_at` / `updated_at` columns. Default Date.now. */
  now?: () => number;
}

function invalid(what: string, problems: string[], file: string): StoreError {
  return new StoreError('invalid', `${what} not recorded: ${problems.join('; ')}`, file);
}

/** A WHERE clause from equality filters (absent values skipped) and a [from, to) time range. */
function whereOf(eq: readonly [column: string, value: unknown][], timeCol: string, from?: number, to?: number): { where: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of eq) {
    if (value === undefined) continue;
    parts.push(`${column} = ?`);
    params.push(value);
  }
  if (from !== undefined) {
    parts.push(`${timeCol} >= ?`);
    params.push(from);
  }
  if (to !== undefined) {
    parts.push(`${timeCol} < ?`);
    params.push(to);
  }
  return { where: parts.length ? parts.join(' AND ') : '1', params };
}

/** The filters shared by CDR/SMS queries and totals. */
function filters(q: TotalsQuery, timeCol: string): { where: string; params: unknown[] } {
  return whereOf([['iccid', q.iccid], ['line', q.line], ['slot', q.slot]], timeCol, q.from, q.to);
}

function queryProblems(q: TotalsQuery & { limit?: unknown; offset?: unknown }): string[] {
  if (typeof q !== 'object' || q === null || Array.isArray(q)) return ['expected an object of filters'];
  const p: string[] = [];
  if (q.iccid !== undefined && typeof q.iccid !== 'string') p.push('iccid: expected a string');
  if (q.line !== undefined && typeof q.line !== 'string') p.push('line: expected a string');
  for (const f of ['slot', 'from', 'to'] as const) {
    const v = q[f];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) p.push(`${f}: expected an integer >= 0`);
  }
  if (q.limit !== undefined && (typeof q.limit !== 'number' || !Number.isInteger(q.limit) || q.limit < 1 || q.limit > 1000)) p.push('limit: expected an integer 1..1000');
  if (q.offset !== undefined && (typeof q.offset !== 'number' || !Number.isInteger(q.offset) || q.offset < 0)) p.push('offset: expected an integer >= 0');
  return p;
}

export class CounterStore {
  readonly file: string;
  private readonly db: Db;
  private readonly now: () => number;
  private closed = false;

  private readonly stmt: {
    callById: Statement<[string], CallRow>;
    insertCall: Statement<unknown[]>;
    completeCall: Statement<unknown[]>;
    smsById: Statement<[string], { seq: number }>;
    insertSms: Statement<unknown[]>;
    actionById: Statement<[string], { seq: number }>;
    insertAction: Statement<unknown[]>;
    upsertState: Statement<unknown[], { version: number }>;
    allStates: Statement<[], { key: string; json: string; version: number; updated_at: number; event_id: string | null }>;
    oneState: Statement<[string], { key: string; json: string; version: number; updated_at: number; event_id: string | null }>;
    openCalls: Statement<[], CallRow>;
  };

  private readonly txCall: Transaction<(rec: CallRecord, updates: readonly StateUpdate[]) => RecordResult>;
  private readonly txBegin: Transaction<(rec: OpenCallRecord, updates: readonly StateUpdate[]) => RecordResult>;
  private readonly txSms: Transaction<(rec: SmsRecord, updates: readonly StateUpdate[]) => RecordResult>;
  private readonly txAction: Transaction<(rec: OperatorAction, updates: readonly StateUpdate[]) => RecordResult>;
  private readonly txStates: Transaction<(updates: readonly StateUpdate[], eventId: string | null) => Record<string, number>>;

  /** Opens (creating and migrating when needed) `<dataDir>/cellgate.db`. Throws StoreError. */
  static open(dataDir: string, opts: CounterStoreOptions = {}): CounterStore {
    return CounterStore.openFile(dbFilePath(dataDir), opts);
  }

  /** Opens the database at an explicit path. Throws StoreError. */
  static openFile(file: string, opts: CounterStoreOptions = {}): CounterStore {
    const db = openDatabase(file, { migrations: MIGRATIONS, check: opts.check ?? 'schema', busyTimeoutMs: opts.busyTimeoutMs });
    try {
      return new CounterStore(db, file, opts.now ?? Date.now);
    } catch (e) {
      db.close();
      throw toStoreError(e, file, 'preparing statements');
    }
  }

  private constructor(db: Db, file: string, now: () => number) {
    this.db = db;
    this.file = file;
    this.now = now;
    this.stmt = {
      callById: db.prepare('SELECT * FROM calls WHERE id = ?'),
      insertCall: db.prepare(
        `INSERT INTO calls (id, line, slot, iccid, direction, number, started_at, alerted_at, answered_at, ended_at, duration_s, billed_s, cause,
                            origin, outcome, gsm_cause, voip_cause, gateway_cause, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      completeCall: db.prepare(
        `UPDATE calls SET line = ?, slot = ?, iccid = ?, direction = ?, number = ?, started_at = ?, alerted_at = ?, answered_at = ?,
                ended_at = ?, duration_s = ?, billed_s = ?, cause = ?,
                origin = ?, outcome = ?, gsm_cause = ?, voip_cause = ?, gateway_cause = ?, recorded_at = ?
          WHERE seq = ? AND ended_at IS NULL`,
      ),
      smsById: db.prepare('SELECT seq FROM sms WHERE id = ?'),
      insertSms: db.prepare(
        `INSERT INTO sms (id, line, slot, iccid, direction, number, at, parts, ok, error, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      actionById: db.prepare('SELECT seq FROM operator_actions WHERE id = ?'),
      insertAction: db.prepare('INSERT INTO operator_actions (id, at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)'),
      upsertState: db.prepare(
        `INSERT INTO sim_state (key, json, version, updated_at, event_id) VALUES (?, ?, 1, ?, ?)
         ON CONFLICT (key) DO UPDATE SET json = excluded.json, version = sim_state.version + 1,
                                          updated_at = excluded.updated_at, event_id = excluded.event_id
         RETURNING version`,
      ),
      allStates: db.prepare('SELECT key, json, version, updated_at, event_id FROM sim_state ORDER BY key'),
      oneState: db.prepare('SELECT key, json, version, updated_at, event_id FROM sim_state WHERE key = ?'),
      openCalls: db.prepare('SELECT * FROM calls WHERE ended_at IS NULL ORDER BY seq'),
    };

    const writeStates = (updates: readonly StateUpdate[], eventId: string | null): Record<string, number> => {
      const at = this.now();
      const versions: Record<string, number> = {};
      for (const u of updates) versions[u.key] = this.stmt.upsertState.get(u.key, u.json, at, eventId)!.version;
      return versions;
    };
    this.txStates = db.transaction(writeStates);

    this.txCall = db.transaction((r: CallRecord, updates: readonly StateUpdate[]): RecordResult => {
      const existing = this.stmt.callById.get(r.id);
      if (existing && existing.ended_at !== null) return { outcome: 'duplicate', seq: existing.seq, versions: {} };
      const fields = [
        ...[r.line, r.slot, r.iccid, r.direction, r.number, r.startedAt, r.alertedAt ?? null, r.answeredAt ?? null, r.endedAt, r.durationS, r.billedS, r.cause],
        ...[r.origin ?? existing?.origin ?? null, r.outcome ?? null, r.gsmCause ?? null, r.voipCause ?? null, r.gatewayCause ?? null, this.now()],
      ];
      let seq: number;
      if (existing) {
        this.stmt.completeCall.run(...fields, existing.seq);
        seq = existing.seq;
      } else {
        seq = Number(this.stmt.insertCall.run(r.id, ...fields).lastInsertRowid);
      }
      return { outcome: 'recorded', seq, versions: writeStates(updates, r.id) };
    });

    this.txBegin = db.transaction((r: OpenCallRecord, updates: readonly StateUpdate[]): RecordResult => {
      const existing = this.stmt.callById.get(r.id);
      if (existing) return { outcome: 'duplicate', seq: existing.seq, versions: {} };
      const seq = Number(
        this.stmt.insertCall.run(
          ...[r.id, r.line, r.slot, r.iccid, r.direction, r.number, r.startedAt, r.alertedAt ?? null, r.answeredAt ?? null, null, null, null, null],
          ...[r.origin ?? null, null, null, null, null, this.now()],
        ).lastInsertRowid,
      );
      return { outcome: 'recorded', seq, versions: writeStates(updates, r.id) };
    });

    this.txSms = db.transaction((r: SmsRecord, updates: readonly StateUpdate[]): RecordResult => {
      const existing = this.stmt.smsById.get(r.id);
      if (existing) return { outcome: 'duplicate', seq: existing.seq, versions: {} };
      const seq = Number(
        this.stmt.insertSms.run(r.id, r.line, r.slot, r.iccid, r.direction, r.number, r.at, r.parts, r.ok ? 1 : 0, r.error ?? null, this.now()).lastInsertRowid,
      );
      return { outcome: 'recorded', seq, versions: writeStates(updates, r.id) };
    });

    this.txAction = db.transaction((r: OperatorAction, updates: readonly StateUpdate[]): RecordResult => {
      const id = r.id ?? null;
      if (id !== null) {
        const existing = this.stmt.actionById.get(id);
        if (existing) return { outcome: 'duplicate', seq: existing.seq, versions: {} };
      }
      const detail = r.detail === undefined ? null : JSON.stringify(r.detail);
      const seq = Number(this.stmt.insertAction.run(id, r.at, r.actor ?? null, r.action, r.target ?? null, detail).lastInsertRowid);
      return { outcome: 'recorded', seq, versions: writeStates(updates, id) };
    });
  }

  private write<T>(doing: string, fn: () => T): T {
    if (this.closed) throw new StoreError('io', `${this.file}: the store is closed (${doing})`, this.file);
    try {
      return fn();
    } catch (e) {
      throw toStoreError(e, this.file, doing);
    }
  }

  private checkStates(what: string, updates: readonly StateUpdate[]): void {
    const p = stateProblems(updates);
    if (p.length) throw invalid(what, p, this.file);
  }

  /**
   * Records a finished call and, in the same transaction, the state documents it changed. When the id
   * was opened by `beginCall`, the open row is completed (outcome `recorded`); when it is already
   * complete, nothing changes (outcome `duplicate`).
   */
  recordCall(cdr: CallRecord, stateUpdates: readonly StateUpdate[] = []): RecordResult {
    const p = callProblems(cdr);
    if (p.length) throw invalid(`call ${typeof cdr?.id === 'string' ? cdr.id : ''}`.trim(), p, this.file);
    this.checkStates(`call ${cdr.id}`, stateUpdates);
    return this.write(`recording call ${cdr.id}`, () => this.txCall.immediate(cdr, stateUpdates));
  }

  /**
   * Records that a call started (optional). A call that is open when the daemon dies is found again
   * by `openCalls()` after the restart, so the daemon can close it (e.g. with the last time it knew the
   * call was up) instead of losing it. Open calls are not counted by `totals()`.
   */
  beginCall(call: OpenCallRecord, stateUpdates: readonly StateUpdate[] = []): RecordResult {
    const p = openCallProblems(call);
    if (p.length) throw invalid(`call ${typeof call?.id === 'string' ? call.id : ''}`.trim(), p, this.file);
    this.checkStates(`call ${call.id}`, stateUpdates);
    return this.write(`recording the start of call ${call.id}`, () => this.txBegin.immediate(call, stateUpdates));
  }

  /** Records an SMS (sent or failed) with the state documents it changed. */
  recordSms(sms: SmsRecord, stateUpdates: readonly StateUpdate[] = []): RecordResult {
    const p = smsProblems(sms);
    if (p.length) throw invalid(`SMS ${typeof sms?.id === 'string' ? sms.id : ''}`.trim(), p, this.file);
    this.checkStates(`SMS ${sms.id}`, stateUpdates);
    return this.write(`recording SMS ${sms.id}`, () => this.txSms.immediate(sms, stateUpdates));
  }

  /** Records an operator action (audit row) with the state documents it changed (e.g. a reset). */
  recordAction(action: OperatorAction, stateUpdates: readonly StateUpdate[] = []): RecordResult {
    const p = actionProblems(action);
    if (p.length) throw invalid(`operator action`, p, this.file);
    this.checkStates('operator action', stateUpdates);
    return this.write(`recording operator action ${action.action}`, () => this.txAction.immediate(action, stateUpdates));
  }

  /** Writes one state document alone (e.g. after "time passes" changed it). Returns its new version. */
  saveState(key: string, json: string): number {
    return this.saveStates([{ key, json }])[key]!;
  }

  /** Writes several state documents in one transaction. Returns their new versions. */
  saveStates(updates: readonly StateUpdate[]): Record<string, number> {
    this.checkStates('state', updates);
    return this.write('saving state', () => this.txStates.immediate(updates, null));
  }

  /** Every stored state document, by key: what the engine is rebuilt from after a restart. */
  loadStates(): Map<string, StoredState> {
    return this.write('loading states', () => {
      const out = new Map<string, StoredState>();
      for (const r of this.stmt.allStates.all()) out.set(r.key, { key: r.key, json: r.json, version: r.version, updatedAt: r.updated_at, eventId: r.event_id });
      return out;
    });
  }

  loadState(key: string): StoredState | undefined {
    return this.write('loading a state', () => {
      const r = this.stmt.oneState.get(key);
      return r && { key: r.key, json: r.json, version: r.version, updatedAt: r.updated_at, eventId: r.event_id };
    });
  }

  /** Calls begun with `beginCall` and never completed, oldest first. */
  openCalls(): StoredCall[] {
    return this.write('listing open calls', () => this.stmt.openCalls.all().map(callFromRow));
  }

  /** Ended calls in the order they ended, after end position `after` (oldest first, at most `limit`). */
  endedCallsAfter(after: number, limit = 100): Array<{ endSeq: number; call: StoredCall }> {
    return this.write('listing ended calls', () =>
      (this.db.prepare('SELECT * FROM calls WHERE end_seq > ? ORDER BY end_seq LIMIT ?').all(after, limit) as Array<CallRow & { end_seq: number }>).map((r) => ({ endSeq: r.end_seq, call: callFromRow(r) })),
    );
  }

  /**
   * How far the CDR receiver at `url` was sent (an end position). A receiver seen for the first time
   * starts at the newest ended call: it gets calls from now on, not the history.
   */
  cdrPushedThrough(url: string): number {
    return this.write('reading the CDR push position', () => {
      this.db.prepare('INSERT INTO cdr_push (url, pushed_through, updated_at) SELECT ?, coalesce(max(end_seq), 0), ? FROM calls WHERE true ON CONFLICT (url) DO NOTHING').run(url, this.now());
      return (this.db.prepare('SELECT pushed_through AS n FROM cdr_push WHERE url = ?').get(url) as { n: number }).n;
    });
  }

  /** Moves the receiver's position forward (never back) once it accepted the call at `endSeq`. */
  setCdrPushedThrough(url: string, endSeq: number): void {
    this.write('writing the CDR push position', () => {
      this.db.prepare('UPDATE cdr_push SET pushed_through = max(pushed_through, ?), updated_at = ? WHERE url = ?').run(endSeq, this.now(), url);
    });
  }

  /** The stored call with this idempotency key. */
  getCall(id: string): StoredCall | undefined {
    return this.write('reading a call', () => {
      const r = this.stmt.callById.get(id);
      return r && callFromRow(r);
    });
  }

  /** CDRs, newest first (by start time). Throws StoreError('invalid') for a malformed query. */
  queryCdrs(q: CdrQuery = {}): StoredCall[] {
    const p = queryProblems(q);
    if (p.length) throw new StoreError('invalid', `CDR query: ${p.join('; ')}`, this.file);
    const f = filters(q, 'started_at');
    const open = q.includeOpen ? '' : ' AND ended_at IS NOT NULL';
    return this.write('querying CDRs', () =>
      (this.db.prepare(`SELECT * FROM calls WHERE ${f.where}${open} ORDER BY started_at DESC, seq DESC LIMIT ? OFFSET ?`).all(...f.params, q.limit ?? 100, q.offset ?? 0) as CallRow[]).map(
        callFromRow,
      ),
    );
  }

  /** How many CDRs `queryCdrs` would find without `limit` and `offset` (for paged lists). */
  countCdrs(q: Omit<CdrQuery, 'limit' | 'offset'> = {}): number {
    const p = queryProblems(q);
    if (p.length) throw new StoreError('invalid', `CDR query: ${p.join('; ')}`, this.file);
    const f = filters(q, 'started_at');
    const open = q.includeOpen ? '' : ' AND ended_at IS NOT NULL';
    return this.write('counting CDRs', () => (this.db.prepare(`SELECT count(*) AS n FROM calls WHERE ${f.where}${open}`).get(...f.params) as { n: number }).n);
  }

  /** SMS records, newest first. */
  querySms(q: Omit<CdrQuery, 'includeOpen'> = {}): StoredSms[] {
    const p = queryProblems(q);
    if (p.length) throw new StoreError('invalid', `SMS query: ${p.join('; ')}`, this.file);
    const f = filters(q, 'at');
    return this.write('querying SMS', () =>
      (this.db.prepare(`SELECT * FROM sms WHERE ${f.where} ORDER BY at DESC, seq DESC LIMIT ? OFFSET ?`).all(...f.params, q.limit ?? 100, q.offset ?? 0) as SmsRow[]).map(smsFromRow),
    );
  }

  /** Operator actions, newest first, optionally for one target. */
  queryActions(q: { target?: string; from?: number; to?: number; limit?: number; offset?: number } = {}): StoredAction[] {
    if (typeof q !== 'object' || q === null) throw new StoreError('invalid', 'action query: expected an object of filters', this.file);
    const p = queryProblems({ from: q.from, to: q.to, limit: q.limit, offset: q.offset });
    if (q.target !== undefined && typeof q.target !== 'string') p.push('target: expected a string');
    if (p.length) throw new StoreError('invalid', `action query: ${p.join('; ')}`, this.file);
    const { where, params } = whereOf([['target', q.target]], 'at', q.from, q.to);
    return this.write('querying operator actions', () =>
      (
        this.db.prepare(`SELECT * FROM operator_actions WHERE ${where} ORDER BY at DESC, seq DESC LIMIT ? OFFSET ?`).all(...params, q.limit ?? 100, q.offset ?? 0) as Array<{
          seq: number;
          id: string | null;
          at: number;
          actor: string | null;
          action: string;
          target: string | null;
          detail: string | null;
        }>
      ).map((r) => ({ seq: r.seq, id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown) })),
    );
  }

  /** Sums over ended calls (by start time) and SMS (by send time) matching the filters. */
  totals(q: TotalsQuery = {}): Totals {
    const p = queryProblems(q);
    if (p.length) throw new StoreError('invalid', `totals query: ${p.join('; ')}`, this.file);
    const fc = filters(q, 'started_at');
    const fs = filters(q, 'at');
    return this.write('computing totals', () => {
      const c = this.db
        .prepare(
          `SELECT count(*) AS calls, count(answered_at) AS connected, coalesce(sum(duration_s), 0) AS seconds, coalesce(sum(billed_s), 0) AS billed
             FROM calls WHERE ${fc.where} AND ended_at IS NOT NULL`,
        )
        .get(...fc.params) as { calls: number; connected: number; seconds: number; billed: number };
      const s = this.db
        .prepare(`SELECT coalesce(sum(ok), 0) AS sms, coalesce(sum(CASE WHEN ok = 1 THEN parts ELSE 0 END), 0) AS parts, coalesce(sum(1 - ok), 0) AS failed FROM sms WHERE ${fs.where}`)
        .get(...fs.params) as { sms: number; parts: number; failed: number };
      return { calls: c.calls, connected: c.connected, seconds: c.seconds, billedSeconds: c.billed, sms: s.sms, smsParts: s.parts, smsFailed: s.failed };
    });
  }

  /** Runs `PRAGMA quick_check` (or `integrity_check` with `full`); `['ok']` when sound. */
  checkIntegrity(full = false): string[] {
    return this.write('checking integrity', () => checkIntegrity(this.db, full ? 'full' : 'quick'));
  }

  /** Checkpoints the WAL into the main file and closes. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.close();
    } catch (e) {
      throw toStoreError(e, this.file, 'closing');
    }
  }
}
