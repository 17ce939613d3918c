/**
 * Collects the second-stage digits of two-stage dialing (manual §4.6): digits come one at a time
 * (from SIP INFO); `#` ends the number at once, otherwise it ends `timeoutMs` after the last digit
 * (or after the start when none comes). Each digit restarts the wait, as a PBX's inter-digit timer
 * does. The number is reported once.
 */
export class DigitCollector {
  private digits = '';
  private timer: NodeJS.Timeout | null = null;
  private done = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly finished: (number: string) => void,
    /** Longest number kept; further digits end the collection (E.164 is at most 15 digits). */
    private readonly maxDigits = 32,
  ) {}

  start(): void {
    this.restartTimer();
  }

  get collected(): string {
    return this.digits;
  }

  /** One digit (0-9, *, #, A-D). */
  add(digit: string): void {
    if (this.done) return;
    if (digit === '#') return this.finish();
    this.digits += digit;
    if (this.digits.length >= this.maxDigits) return this.finish();
    this.restartTimer();
  }

  /** Stops without reporting (the call ended). */
  stop(): void {
    this.done = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private restartTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.finish(), this.timeoutMs);
  }

  private finish(): void {
    if (this.done) return;
    this.stop();
    this.finished(this.digits);
  }
}
