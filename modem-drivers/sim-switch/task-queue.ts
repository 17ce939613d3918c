/**
 * Runs async tasks one after another in submission order. A failed task does not stop the ones queued
 * behind it. Used to serialise slot selections on one switch and commands on one shared serial board.
 */
export class TaskQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task).finally(() => {
      this.pending--;
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.pending;
  }
}
