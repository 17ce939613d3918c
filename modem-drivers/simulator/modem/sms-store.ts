/**
 * Message memories of 3GPP TS 27.005 §3.2.2 (+CPMS): "SM" (on the SIM card, so it travels with the card),
 * "ME" (the modem's own), "SR" (status reports) and "MT" (SM then ME seen as one). Indexes start at 0 as
 * on the EC25 (fixtures/quectel/ec25/status-report.txt reads "SR" index 0). Pure data structure.
 */

/** <stat> in PDU mode (TS 27.005 §3.1): 0 received unread, 1 received read, 2 stored unsent, 3 stored sent. */
export type MessageStat = 0 | 1 | 2 | 3;

export interface StoredMessage {
  stat: MessageStat;
  /** SMSC address field + TPDU, upper-case hex (what +CMGR shows). */
  pdu: string;
  /** TPDU octets (the <length> of +CMGR / +CMGL). */
  length: number;
}

export class MessageMemory {
  private readonly slots: (StoredMessage | undefined)[];

  constructor(
    readonly name: string,
    readonly capacity: number,
  ) {
    this.slots = new Array<StoredMessage | undefined>(capacity).fill(undefined);
  }

  get used(): number {
    let n = 0;
    for (const s of this.slots) if (s) n++;
    return n;
  }

  /** Stores in the first free index; -1 when full. */
  add(m: StoredMessage): number {
    const i = this.slots.indexOf(undefined);
    if (i < 0) return -1;
    this.slots[i] = m;
    return i;
  }

  get(index: number): StoredMessage | undefined {
    return this.slots[index];
  }

  inRange(index: number): boolean {
    return Number.isInteger(index) && index >= 0 && index < this.capacity;
  }

  delete(index: number): void {
    if (this.inRange(index)) this.slots[index] = undefined;
  }

  /** [index, message] pairs in index order. */
  entries(): [number, StoredMessage][] {
    const out: [number, StoredMessage][] = [];
    this.slots.forEach((m, i) => {
      if (m) out.push([i, m]);
    });
    return out;
  }
}

/** "MT": SM indexes first, then ME's shifted by SM's capacity (TS 27.005 §3.2.2 leaves the layout open). */
export class CombinedMemory {
  readonly name = 'MT';
  constructor(
    private readonly sm: MessageMemory | null,
    private readonly me: MessageMemory,
  ) {}

  private get smCap(): number {
    return this.sm?.capacity ?? 0;
  }

  get capacity(): number {
    return this.smCap + this.me.capacity;
  }

  get used(): number {
    return (this.sm?.used ?? 0) + this.me.used;
  }

  add(m: StoredMessage): number {
    const i = this.sm?.add(m) ?? -1;
    if (i >= 0) return i;
    const j = this.me.add(m);
    return j < 0 ? -1 : j + this.smCap;
  }

  private locate(index: number): [MessageMemory, number] | undefined {
    if (!Number.isInteger(index) || index < 0) return undefined;
    if (this.sm && index < this.smCap) return [this.sm, index];
    const j = index - this.smCap;
    return j < this.me.capacity ? [this.me, j] : undefined;
  }

  get(index: number): StoredMessage | undefined {
    const l = this.locate(index);
    return l ? l[0].get(l[1]) : undefined;
  }

  inRange(index: number): boolean {
    return this.locate(index) !== undefined;
  }

  delete(index: number): void {
    const l = this.locate(index);
    if (l) l[0].delete(l[1]);
  }

  entries(): [number, StoredMessage][] {
    return [...(this.sm?.entries() ?? []), ...this.me.entries().map(([i, m]): [number, StoredMessage] => [i + this.smCap, m])];
  }
}

export type Memory = MessageMemory | CombinedMemory;
