/**
 * Runs one piece of work per key at a time and gives its result to every caller that asks for the
 * same key meanwhile. The web layer uses it so that identical credentials sent in parallel (a UI
 * loading several panels at once with a cold credential cache) cost one password check and count as
 * one attempt against the failure limit, instead of one each.
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  /** The running work for `key`, or `work()` started now. The key is forgotten once it settles. */
  run(key: string, work: () => Promise<T>): Promise<T> {
    const found = this.running.get(key);
    if (found) return found;
    const p = (async () => {
      try {
        return await work();
      } finally {
        this.running.delete(key);
      }
    })();
    this.running.set(key, p);
    return p;
  }

  /** Keys with work running now. */
  get size(): number {
    return this.running.size;
  }
}
