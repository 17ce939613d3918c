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
  {
    version: 2,
    name: 'messaging: outbox, inbox, reassembly, deliveries, own numbers',
    tables: ['sms_out', 'sms_out_parts', 'sms_out_alias', 'sms_submit_parts', 'sms_in', 'sms_in_parts', 'sms_in_seen', 'deliveries', 'own_numbers'],
    sql: `
-- Outbound messages (API, SMPP, SIP, forwards, commands). One row per message as the client sees it;
-- status: queued -> sending -> sent -> delivered | failed | expired, or unknown when the modem stopped
-- answering after AT+CMGS so the outcome cannot be known (never resent silently).
CREATE TABLE sms_out (
  seq          INTEGER PRIMARY KEY,
  id           TEXT    NOT NULL UNIQUE,
  origin       TEXT    NOT NULL,   -- api | smpp | sip | forward | command | discovery
  client       TEXT,               -- SMPP system_id, API user, SIP user
  sender       TEXT,               -- the originator the client asked for (SMPP source_addr)
  recipient    TEXT    NOT NULL,   -- as submitted
  number       TEXT    NOT NULL,   -- after the dial rules: what the modem is given
  text         TEXT    NOT NULL,
  parts        INTEGER NOT NULL CHECK (parts >= 1),
  lines        TEXT    CHECK (lines IS NULL OR json_valid(lines)),   -- allowed lines, NULL = any
  status       TEXT    NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'expired', 'unknown')),
  reason       TEXT,
  line         TEXT,
  slot         INTEGER,
  iccid        TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  tried        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(tried)),
  report       INTEGER NOT NULL DEFAULT 0,  -- 1: the client wants a delivery receipt
  partial      INTEGER NOT NULL DEFAULT 0,  -- 1: submitted in parts of which some never came
  created_at   INTEGER NOT NULL,
  not_before   INTEGER,
  expires_at   INTEGER,
  sent_at      INTEGER,
  done_at      INTEGER,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX sms_out_queue     ON sms_out (seq) WHERE status = 'queued';
CREATE INDEX sms_out_sending   ON sms_out (seq) WHERE status = 'sending';
CREATE INDEX sms_out_by_time   ON sms_out (created_at);
CREATE INDEX sms_out_by_line   ON sms_out (line, created_at);
CREATE INDEX sms_out_by_number ON sms_out (number);

-- One row per SMS-SUBMIT part sent, for matching status reports (TP-MR, TS 23.040 §9.2.3.6).
CREATE TABLE sms_out_parts (
  message      TEXT    NOT NULL REFERENCES sms_out (id) ON DELETE CASCADE,
  part         INTEGER NOT NULL,
  line         TEXT    NOT NULL,
  ref          INTEGER NOT NULL,
  sent_at      INTEGER NOT NULL,
  status       INTEGER,            -- TP-ST of the last report
  done_at      INTEGER,
  PRIMARY KEY (message, part)
) WITHOUT ROWID;
CREATE INDEX sms_out_parts_by_ref ON sms_out_parts (line, ref, sent_at);

-- Other ids under which a message is known (the message ids an SMPP client got for each submitted part).
CREATE TABLE sms_out_alias (
  alias        TEXT    PRIMARY KEY,
  message      TEXT    NOT NULL REFERENCES sms_out (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX sms_out_alias_by_message ON sms_out_alias (message);

-- Parts of a concatenated message submitted over SMPP, kept until all have arrived.
CREATE TABLE sms_submit_parts (
  group_key    TEXT    NOT NULL,   -- client, sender, recipient, reference, total
  seq          INTEGER NOT NULL,
  total        INTEGER NOT NULL,
  id           TEXT    NOT NULL UNIQUE,   -- the message id the client got for this part
  text         TEXT    NOT NULL,
  json         TEXT    NOT NULL CHECK (json_valid(json)),  -- the rest of the submission
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (group_key, seq)
) WITHOUT ROWID;
CREATE INDEX sms_submit_parts_by_time ON sms_submit_parts (created_at);

-- Received messages, reassembled. dedup suppresses a network redelivery of the same SMS.
CREATE TABLE sms_in (
  seq          INTEGER PRIMARY KEY,
  id           TEXT    NOT NULL UNIQUE,
  line         TEXT    NOT NULL,
  slot         INTEGER,
  iccid        TEXT,
  recipient    TEXT,               -- the SIM's own number when known
  sender       TEXT    NOT NULL,
  text         TEXT    NOT NULL,
  parts        INTEGER NOT NULL,
  received     INTEGER NOT NULL,   -- parts that arrived (< parts when partial)
  partial      INTEGER NOT NULL DEFAULT 0,
  sent_at      INTEGER,            -- TP-SCTS
  received_at  INTEGER NOT NULL,
  dedup        TEXT    UNIQUE
);
CREATE INDEX sms_in_by_time   ON sms_in (received_at);
CREATE INDEX sms_in_by_line   ON sms_in (line, received_at);
CREATE INDEX sms_in_by_sender ON sms_in (sender);

-- Parts of a concatenated received SMS waiting for the others (TS 23.040 §9.2.3.24.1).
CREATE TABLE sms_in_parts (
  group_key    TEXT    NOT NULL,   -- line, iccid, sender, reference, total
  seq          INTEGER NOT NULL,
  total        INTEGER NOT NULL,
  line         TEXT    NOT NULL,
  slot         INTEGER,
  iccid        TEXT,
  recipient    TEXT,
  sender       TEXT    NOT NULL,
  text         TEXT    NOT NULL,
  sent_at      INTEGER,
  received_at  INTEGER NOT NULL,
  dedup        TEXT,               -- the part's own redelivery key, kept in sms_in_seen once assembled
  PRIMARY KEY (group_key, seq)
) WITHOUT ROWID;
CREATE INDEX sms_in_parts_by_time ON sms_in_parts (received_at);

-- Redelivery keys of the parts a stored message was assembled from: a part the network (or the modem,
-- after a crash before it was deleted there) delivers again is recognised once its message is stored.
CREATE TABLE sms_in_seen (
  dedup        TEXT    PRIMARY KEY,
  message      TEXT    NOT NULL REFERENCES sms_in (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX sms_in_seen_by_message ON sms_in_seen (message);

-- Fan-out jobs with their own status and retry: SMPP deliver_sm (MO and receipts), e-mail, webhook,
-- SMS forward, SIP MESSAGE.
CREATE TABLE deliveries (
  seq          INTEGER PRIMARY KEY,
  id           TEXT    NOT NULL UNIQUE,
  kind         TEXT    NOT NULL,
  target       TEXT    NOT NULL,
  ref          TEXT    NOT NULL,   -- sms_in.id or sms_out.id
  payload      TEXT    NOT NULL CHECK (json_valid(payload)),
  status       TEXT    NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_at      INTEGER NOT NULL,
  last_error   TEXT,
  created_at   INTEGER NOT NULL,
  done_at      INTEGER
);
CREATE INDEX deliveries_pending ON deliveries (kind, next_at) WHERE status = 'pending';
CREATE INDEX deliveries_pending_by_target ON deliveries (kind, target, seq) WHERE status = 'pending';
CREATE INDEX deliveries_by_ref  ON deliveries (ref);

-- Own numbers learned per SIM card (manual §5.11).
CREATE TABLE own_numbers (
  iccid        TEXT    PRIMARY KEY,
  number       TEXT    NOT NULL,
  method       TEXT    NOT NULL,   -- sim | ussd | sms-query | discovery | manual
  learned_at   INTEGER NOT NULL
) WITHOUT ROWID;
`,
  },
  {
    version: 3,
    name: 'client ids, operator decisions on unknown outcomes, SMS commands in the inbox',
    tables: ['sms_out_decisions'],
    sql: `
-- sms_out.client becomes "<kind>:<name>" (src/sms/client-id.ts): smpp:<system_id>, api:<user>,
-- internal:forward | internal:command | internal:discovery. Rows of API submits stay NULL: earlier
-- releases did not record the user.
UPDATE sms_out SET client = 'smpp:' || client WHERE origin = 'smpp' AND client IS NOT NULL AND client NOT LIKE 'smpp:%';
UPDATE sms_out SET client = 'internal:' || origin WHERE origin IN ('forward', 'command', 'discovery') AND client IS NULL;
-- Parts of SMPP submits still waiting for their siblings: the same, in their stored submission and
-- in their group key (origin|client|sender|recipient|ref|total), so later parts join them.
UPDATE sms_submit_parts SET json = json_set(json, '$.client', 'smpp:' || json_extract(json, '$.client'))
  WHERE json_extract(json, '$.origin') = 'smpp' AND json_extract(json, '$.client') IS NOT NULL AND json_extract(json, '$.client') NOT LIKE 'smpp:%';
UPDATE sms_submit_parts SET group_key = 'smpp|smpp:' || substr(group_key, 6)
  WHERE group_key LIKE 'smpp|%' AND group_key NOT LIKE 'smpp||%' AND group_key NOT LIKE 'smpp|smpp:%';

-- What an operator decided about a message whose outcome was unknown: resend or fail, who, when.
CREATE TABLE sms_out_decisions (
  seq          INTEGER PRIMARY KEY,
  message      TEXT    NOT NULL REFERENCES sms_out (id) ON DELETE CASCADE,
  action       TEXT    NOT NULL CHECK (action IN ('resend', 'fail')),
  actor        TEXT    NOT NULL,   -- client id, e.g. api:admin
  at           INTEGER NOT NULL
);
CREATE INDEX sms_out_decisions_by_message ON sms_out_decisions (message, seq);

-- A received SMS that was an SMS command (info | reboot | reset): consumed, its secret masked in text.
ALTER TABLE sms_in ADD COLUMN command TEXT CHECK (command IS NULL OR command IN ('info', 'reboot', 'reset'));
`,
  },
  {
    version: 4,
    name: 'call records: origin, outcome, and the end cause of each side',
    tables: [],
    sql: `
-- Every GSM call is recorded now (incoming ones and refused requests too), so a record says who
-- asked for the call, how it went in one word, and why it ended as each side said it.
ALTER TABLE calls ADD COLUMN origin        TEXT;  -- network | api:<user> | sip:<account>; NULL in older rows
ALTER TABLE calls ADD COLUMN outcome       TEXT;  -- answered | missed | busy | no-answer | failed | refused
ALTER TABLE calls ADD COLUMN gsm_cause     TEXT;  -- the modem's final result or +CEER text; NULL: the gateway hung up
ALTER TABLE calls ADD COLUMN voip_cause    TEXT;  -- the SIP side's status or BYE reason
ALTER TABLE calls ADD COLUMN gateway_cause TEXT;  -- the gateway's own reason: a refusal, a ring timeout, a restart
`,
  },
  {
    version: 5,
    name: 'SMPP exactly once: which stored submits were answered, and stored copies held after a restart',
    tables: [],
    sql: `
-- The fingerprint of an SMPP submit (account, addresses, data coding, UDH, text) while its
-- submit_sm_resp has not been written; NULL once it was (or for any other origin). After a restart
-- the rows still carrying one may be resubmitted by the ESME: a resubmission with the same
-- fingerprint is matched to the stored copy (docs/decisions/0020-smpp-exactly-once.md).
ALTER TABLE sms_out ADD COLUMN answer_key TEXT;
-- 1: a queued message kept from the lines until a resubmission claims it or the window ends.
ALTER TABLE sms_out ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
CREATE INDEX sms_out_unanswered ON sms_out (answer_key) WHERE answer_key IS NOT NULL;
CREATE INDEX sms_out_ready ON sms_out (seq) WHERE status = 'queued' AND held = 0;
`,
  },
  {
    version: 6,
    name: 'CDR push: the order in which calls ended, and how far each receiver was sent',
    tables: ['cdr_push'],
    sql: `
-- end_seq numbers calls in the order they ended (seq is the order they began: a long call ends after
-- shorter ones that began later). Set by triggers in the transaction that writes the end, so a pusher
-- that keeps "sent through end_seq N" never misses a call, whatever the daemon's crash point
-- (docs/decisions/0036-cdr-push.md). Rows that ended before this migration keep their begin order.
ALTER TABLE calls ADD COLUMN end_seq INTEGER;
UPDATE calls SET end_seq = seq WHERE ended_at IS NOT NULL;
CREATE UNIQUE INDEX calls_by_end_seq ON calls (end_seq) WHERE end_seq IS NOT NULL;
CREATE TRIGGER calls_end_seq_on_insert AFTER INSERT ON calls WHEN NEW.ended_at IS NOT NULL
BEGIN
  UPDATE calls SET end_seq = (SELECT coalesce(max(end_seq), 0) + 1 FROM calls) WHERE seq = NEW.seq;
END;
CREATE TRIGGER calls_end_seq_on_end AFTER UPDATE OF ended_at ON calls WHEN OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL
BEGIN
  UPDATE calls SET end_seq = (SELECT coalesce(max(end_seq), 0) + 1 FROM calls) WHERE seq = NEW.seq;
END;
-- Per receiver URL: every call with end_seq <= pushed_through was accepted by it (or refused for good).
CREATE TABLE cdr_push (
  url            TEXT    PRIMARY KEY,
  pushed_through INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
) WITHOUT ROWID;
`,
  },
];
