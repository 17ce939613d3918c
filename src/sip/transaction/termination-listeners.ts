/** Listeners told once when a transaction terminates; one added after that is told at once. */
export class TerminationListeners {
  private readonly pending: (() => void)[] = [];
  private fired = false;

  add(listener: () => void, alreadyTerminated: boolean): void {
    if (this.fired || alreadyTerminated) listener();
    else this.pending.push(listener);
  }

  fire(): void {
    if (this.fired) return;
    this.fired = true;
    for (const listener of this.pending.splice(0)) listener();
  }
}
