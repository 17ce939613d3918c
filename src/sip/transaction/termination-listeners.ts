/** Listeners told once when a transaction terminates; one added after that is told at once. */
export class TerminationListeners {
  // Usually one listener (the transaction table's): the list is made with it, not grown from empty.
  private pending: (() => void)[] | undefined;
  private fired = false;

  add(listener: () => void, alreadyTerminated: boolean): void {
    if (this.fired || alreadyTerminated) listener();
    else if (this.pending === undefined) this.pending = [listener];
    else this.pending.push(listener);
  }

  fire(): void {
    if (this.fired) return;
    this.fired = true;
    const listeners = this.pending ?? [];
    this.pending = undefined;
    for (const listener of listeners) listener();
  }
}
