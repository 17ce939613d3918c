/**
 * Commands whose result comes later as a URC (AT+QHTTPGET → +QHTTPGET:, AT+HTTPACTION → +HTTPACTION:):
 * one wait per prefix at a time; the family's URC handler hands matching lines over with `take`.
 */
import type { ParseResult } from './parse.js';

interface Waiter {
  prefix: string;
  take: (line: string) => void;
  abandon: (e: Error) => void;
}

export class ResultUrcWaiters {
  private readonly waiters = new Map<string, Waiter>();

  /**
   * Runs `send` (the command) and resolves with the parsed URC starting with `prefix` that follows it,
   * within `waitMs` after the command was accepted. A URC nobody waits for (after a timeout) is left to
   * the caller of `take` to log. `fail` builds the error for a timeout or a malformed URC.
   */
  await<T>(
    prefix: string,
    parse: (line: string) => ParseResult<T>,
    waitMs: number,
    send: () => Promise<void>,
    fail: (kind: 'timeout' | 'malformed', detail: string) => Error,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      const settle = (f: () => void) => {
        if (this.waiters.get(prefix) !== waiter) return;
        this.waiters.delete(prefix);
        if (timer) clearTimeout(timer);
        f();
      };
      const waiter: Waiter = {
        prefix,
        take: (line: string) => {
          const r = parse(line);
          settle(() => (r.ok ? resolve(r.value) : reject(fail('malformed', r.error))));
        },
        abandon: (err: Error) => settle(() => reject(err)),
      };
      this.waiters.get(prefix)?.abandon(new Error(`another ${prefix} wait started`));
      this.waiters.set(prefix, waiter);
      send().then(
        () => {
          if (this.waiters.get(prefix) !== waiter) return;
          timer = setTimeout(() => settle(() => reject(fail('timeout', `no ${prefix.replace(/:$/, '')} result within ${waitMs} ms`))), waitMs);
        },
        (err: unknown) => settle(() => reject(err)),
      );
    });
  }

  /** Hands a result URC to its waiter; false when nobody waits for it (a wait that timed out). */
  take(line: string): boolean {
    for (const [prefix, w] of this.waiters) {
      if (line.startsWith(prefix)) {
        w.take(line);
        return true;
      }
    }
    return false;
  }

  /** Rejects every wait (the modem is being disposed). */
  abandonAll(): void {
    for (const w of [...this.waiters.values()]) w.abandon(new Error(`driver disposed while waiting for ${w.prefix}`));
  }
}
