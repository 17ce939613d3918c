/**
 * The schema of `cellgate.db` as numbered migrations (applied by `openDatabase`, tracked in
 * `PRAGMA user_version`). Never edit a released migration: append a new one.
 *
 * Conventions: times are integer milliseconds since the Unix epoch (UTC); durations are whole seconds;
 * every event table has `seq` (insertion order, the rowid) and `id` (the caller's idempotency key,
 * UNIQUE, so re-recording the same event after a crash or retry is a no-op).
 */
import type { Migration } from './db.js';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'calls, sms, sim_state, operator_actions',
    tables: ['calls', 'sms', 'sim_state', 'operator_actions'],
    sql: `
CREATE TABLE calls (
  seq          INTEGER PRIMARY KEY,
  id           TEXT    NOT NULL UNIQUE,
  line         TEXT    NOT NULL,
  slot         INTEGER NOT NULL,
  iccid        TEXT,
  direction    TEXT    NOT NULL CHECK (direction IN ('out', 'in')),
  number       TEXT    NOT NULL,
  started_at   INTEGER NOT NULL,
  alerted_at   INTEGER,
  answered_at  INTEGER,
  ended_at     INTEGER,            -- NULL while the call is open (beginCall without recordCall yet)
  duration_s   INTEGER,            -- talk time, answered -> ended; 0 when never answered
  billed_s     INTEGER,            -- duration rounded up to the billing period
  cause        TEXT,
  recorded_at  INTEGER NOT NULL
);
CREATE INDEX calls_by_iccid ON calls (iccid, started_at);
CREATE INDEX calls_by_slot  ON calls (line, slot, started_at);
CREATE INDEX calls_by_time  ON calls (started_at);
CREATE INDEX calls_open     ON calls (ended_at) WHERE ended_at IS NULL;

CREATE TABLE sms (
  seq          INTEGER PRIMARY KEY,
  id           TEXT    NOT NULL UNIQUE,
  line         TEXT    NOT NULL,
  slot         INTEGER NOT NULL,
  iccid        TEXT,
  direction    TEXT    NOT NULL CHECK (direction IN ('out', 'in')),
  number       TEXT    NOT NULL,
  at           INTEGER NOT NULL,
  parts        INTEGER NOT NULL CHECK (parts >= 1),
  ok           INTEGER NOT NULL CHECK (ok IN (0, 1)),
  error        TEXT,
  recorded_at  INTEGER NOT NULL
);
CREATE INDEX sms_by_iccid ON sms (iccid, at);
CREATE INDEX sms_by_slot  ON sms (line, slot, at);
CREATE INDEX sms_by_time  ON sms (at);

CREATE TABLE sim_state (
  key          TEXT    PRIMARY KEY,
  json         TEXT    NOT NULL CHECK (json_valid(json)),
  version      INTEGER NOT NULL,   -- 1 on first write, +1 on every write
  updated_at   INTEGER NOT NULL,
  event_id     TEXT                -- idempotency key of the event written with it, NULL for saveState
) WITHOUT ROWID;

CREATE TABLE operator_actions (
  seq          INTEGER PRIMARY KEY,
  id           TEXT    UNIQUE,
  at           INTEGER NOT NULL,
  actor        TEXT,
  action       TEXT    NOT NULL,
  target       TEXT,
  detail       TEXT    CHECK (detail IS NULL OR json_valid(detail))
);
CREATE INDEX operator_actions_by_time ON operator_actions (at);
`,
  },
];
