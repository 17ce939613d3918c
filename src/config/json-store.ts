/**
 * A validated JSON document kept in one durable file: lowdb's `Low` over `DurableJsonFile`.
 *
 * `get()` returns the committed document (deep-frozen: change it only through `update`).
 * `update(mutator)` runs one at a time: the mutator edits a private copy (or returns a new document),
 * the candidate is validated, and only a valid candidate is written; the promise resolves after the
 * write is durable, and only then does `get()` return the new document. An invalid candidate throws a
 * `ConfigError` listing the field errors and nothing is written.
 */
import { Low } from 'lowdb';
import { ConfigError, type ValidationResult } from './errors.js';
import { DurableJsonFile, type Recovery } from './durable-file.js';

export type { ValidationResult };
export type Validator<T> = (candidate: unknown) => ValidationResult<T>;

export interface JsonStoreOptions<T> {
  file: string;
  /** Schema check of a document read from disk or proposed by `update`; returns the value to keep. */
  validate: Validator<T>;
  /** The document to create when neither the file nor its backup exists. It is validated first. */
  defaults: () => unknown;
  /** Exact file mode, e.g. 0o600 for documents holding secrets. */
  mode?: number;
  /**
   * What counts as a corrupt file (the backup is used instead) as opposed to an invalid one (an error).
   * Default: anything that is not a JSON object is corrupt.
   */
  corruptIf?: (data: unknown) => string | undefined;
  onRecovery?: (r: Recovery) => void;
}

export type Mutator<T> = (draft: T) => T | void;

export function notAnObject(data: unknown): string | undefined {
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) return undefined;
  return `expected a JSON object at the top level, got ${Array.isArray(data) ? 'an array' : data === null ? 'null' : typeof data}`;
}

export class JsonStore<T extends object> {
  readonly file: string;
  readonly adapter: DurableJsonFile<unknown>;
  /** True when `open` created the file from the defaults. */
  readonly created: boolean;
  /** Set when `open` had to start from the backup file. */
  readonly recovery: Recovery | undefined;

  private readonly low: Low<unknown>;
  private readonly validate: Validator<T>;
  private queue: Promise<unknown> = Promise.resolve();
  private listeners = new Set<(next: T, prev: T) => void>();

  private constructor(low: Low<unknown>, adapter: DurableJsonFile<unknown>, validate: Validator<T>, created: boolean) {
    this.low = low;
    this.adapter = adapter;
    this.file = adapter.file;
    this.validate = validate;
    this.created = created;
    this.recovery = adapter.lastRecovery;
  }

  /**
   * Reads the file (or its backup), validates it and returns the store. A missing file is created from
   * `defaults` durably. Throws `ConfigError` for an invalid document and `DurableFileError` when both
   * the file and its backup are unusable.
   */
  static async open<T extends object>(opts: JsonStoreOptions<T>): Promise<JsonStore<T>> {
    const adapter = new DurableJsonFile<unknown>(opts.file, {
      validate: opts.corruptIf ?? notAnObject,
      ...(opts.mode !== undefined ? { mode: opts.mode } : {}),
      ...(opts.onRecovery ? { onRecovery: opts.onRecovery } : {}),
    });
    const low = new Low<unknown>(adapter, null);
    await low.read();
    const created = low.data === null;
    const source = created ? opts.defaults() : low.data;
    const where = adapter.lastRecovery ? adapter.backupFile : adapter.file;
    const checked = opts.validate(source);
    if (!checked.ok) {
      throw new ConfigError(checked.errors, { file: where, summary: created ? 'the default document is invalid' : `${where} is invalid` });
    }
    low.data = deepFreeze(checked.value);
    if (created) await low.write();
    return new JsonStore<T>(low, adapter, opts.validate, created);
  }

  /** The committed document. Frozen: use `update` to change it. */
  get(): T {
    return this.low.data as T;
  }

  /**
   * Applies `mutator` to a copy of the current document, validates the result and writes it durably.
   * Resolves with the new document once it is on disk. Updates run one after another, each seeing
   * the result of the previous one.
   */
  update(mutator: Mutator<T>): Promise<T> {
    const run = this.queue.then(() => this.applyNow(mutator));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Called after each committed update with the new and previous documents. Returns an unsubscribe function. */
  onChange(listener: (next: T, prev: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves when all queued updates have finished. */
  async flush(): Promise<void> {
    await this.queue;
    await this.adapter.flush();
  }

  private async applyNow(mutator: Mutator<T>): Promise<T> {
    const prev = this.low.data as T;
    const draft = structuredClone(prev) as T;
    const returned = mutator(draft);
    const candidate = returned === undefined ? draft : returned;
    const checked = this.validate(candidate);
    if (!checked.ok) throw new ConfigError(checked.errors, { file: this.file, summary: 'change rejected' });
    const next = deepFreeze(checked.value);
    // Written through the adapter first, committed to `low.data` after: readers never see a document
    // that is not yet on disk.
    await this.adapter.write(next);
    this.low.data = next;
    for (const l of this.listeners) {
      try {
        l(next, prev);
      } catch {
        // observers must not undo a committed write
      }
    }
    return next;
  }
}

function deepFreeze<V>(v: V): V {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}
