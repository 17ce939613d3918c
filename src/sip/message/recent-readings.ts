/**
 * The last few readings of a header parser, by rule and text. One message's Via, From, To and CSeq
 * are read by the parser's checks, by the transport stamping `received`, and by the message's own
 * typed readings, one right after the other: each text is parsed once. Readings are readonly values,
 * so handing the same one out twice is safe. A fixed handful of slots, overwritten in turn: nothing
 * grows, whatever a sender makes up.
 */
const SLOTS = 8;

export class RecentReadings<T> {
  private readonly rules: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
  private readonly texts: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
  private readonly values: T[] = new Array<T>(SLOTS);
  private next = 0;

  read(rule: string, text: string, parse: (text: string) => T): T {
    // The rule first: rule names are constants, compared by reference; texts of one shape differ late.
    for (let i = 0; i < SLOTS; i++) if (this.rules[i] === rule && this.texts[i] === text) return this.values[i]!;
    const value = parse(text);
    this.rules[this.next] = rule;
    this.texts[this.next] = text;
    this.values[this.next] = value;
    this.next = (this.next + 1) % SLOTS;
    return value;
  }
}
