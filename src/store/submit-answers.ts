/**
 * The durable half of SMPP exactly-once (docs/decisions/0020-smpp-exactly-once.md): which stored
 * submits were answered, and which stored-but-unanswered copies are held after a restart.
 *
 * An SMPP submit is stored with its fingerprint in `sms_out.answer_key`; once its submit_sm_resp has
 * been handed to the kernel the key is cleared, in whatever group commit comes next (the mark is not
 * waited for: a mark lost in a crash only makes the copy held for one window after the restart, then
 * released). At start every row still carrying a key may be one the ESME never got an answer for:
 * queued ones are held (`held = 1`, the scheduler's queue skips them) until a resubmission claims them
 * or the window ends.
 *
 * Hold and release need no fsync of their own: COMMIT on this connection reaches the OS (it survives
 * a process crash), and a hold or release lost to a power cut is redone at the next start.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import type { GroupCommit } from './group-commit.js';

/** A stored submit whose answer was not recorded. */
export interface UnansweredSubmit {
  id: string;
  key: string;
  status: string;
}

export class SubmitAnswers {
  private readonly s: Record<'answered' | 'unanswered' | 'hold' | 'claim' | 'release' | 'releaseAll', Statement<unknown[], unknown>>;

  constructor(
    private readonly db: Db,
    private readonly group: GroupCommit,
  ) {
    const p = (sql: string) => db.prepare(sql) as Statement<unknown[], unknown>;
    this.s = {
      answered: p('UPDATE sms_out SET answer_key = NULL WHERE id = ? AND answer_key IS NOT NULL'),
      unanswered: p('SELECT id, answer_key AS key, status FROM sms_out WHERE answer_key IS NOT NULL ORDER BY seq'),
      hold: p(`UPDATE sms_out SET held = 1 WHERE answer_key IS NOT NULL AND status = 'queued'`),
      claim: p('UPDATE sms_out SET held = 0 WHERE id = ?'),
      release: p('UPDATE sms_out SET held = 0, answer_key = NULL WHERE id = ?'),
      releaseAll: p('UPDATE sms_out SET held = 0, answer_key = NULL WHERE answer_key IS NOT NULL OR held = 1'),
    };
  }

  /** The submit_sm_resp carrying `id` was written: recorded in the next group commit, not awaited. */
  markAnswered(id: string): void {
    this.group.run(() => this.s.answered.run(id)).catch(() => {
      /* the store closed or the commit failed: the copy is held for one window after the next start */
    });
  }

  /** At start: holds the queued unanswered copies; returns every unanswered one, oldest first. */
  holdUnanswered(): UnansweredSubmit[] {
    return this.db.transaction(() => {
      this.s.hold.run();
      return this.s.unanswered.all() as UnansweredSubmit[];
    })();
  }

  /** A resubmission claimed the copy: no longer held. Durable before the answer (a group commit). */
  claim(id: string): Promise<boolean> {
    return this.group.run(() => this.s.claim.run(id).changes === 1);
  }

  /** The window ended with no resubmission for these copies: they go out as stored. */
  release(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.db.transaction(() => {
      for (const id of ids) this.s.release.run(id);
    })();
  }

  /** Nothing is to be held (no window configured): every copy goes out, every mark is cleared. */
  releaseAll(): number {
    return this.s.releaseAll.run().changes;
  }
}
