/**
 * Field-test traffic against a running gateway (bench/helpers/gateway-under-test.ts): SMS sent through
 * the JSON API and through an SMPP transceiver, SMS from outside numbers to the SIMs (the simulator's
 * control API), and test calls. Every item carries a unique tag in its text so that losses and
 * duplicates can be counted at the far end: outbound at the simulator's outside world, inbound in the
 * daemon's inbox and the SMPP deliver_sm the ESME gets. The outside world keeps only its latest SMS parts,
 * so it is read as it grows (GET /outside/sms?after=N every few seconds), never once at the end.
 */
import smpp, { type PduInstance, type Session } from 'smpp';
import { sleep, SMPP_ACCOUNT, type Gateway } from './gateway-under-test.js';

export interface TrafficRates {
  /** Mean seconds between items of each kind (randomised ±50 %). */
  apiSmsSec: number;
  smppSmsSec: number;
  inboundSmsSec: number;
  testCallSec: number;
}

export const FIELD_TEST_RATES: TrafficRates = { apiSmsSec: 2, smppSmsSec: 2, inboundSmsSec: 2, testCallSec: 15 };

const OUTSIDE = '+8613900000000';
/** How often the outside log is read: it keeps 1000 parts, i.e. minutes of this traffic. */
const OUTSIDE_READ_EVERY_MS = 10_000;
const CALLEE = '+8613800001000'; // answers with a 1000 Hz tone (simulator outside world)

export interface ChannelCount {
  sent: number;
  /** Final states (or outcome) by name, for the items whose final state is known. */
  states: Record<string, number>;
  errors: number;
}

export class Traffic {
  readonly api: ChannelCount = { sent: 0, states: {}, errors: 0 };
  readonly smpp: ChannelCount = { sent: 0, states: {}, errors: 0 };
  readonly inbound: ChannelCount = { sent: 0, states: {}, errors: 0 };
  readonly calls: ChannelCount = { sent: 0, states: {}, errors: 0 };
  /** deliver_sm of received SMS per tag (an SMPP duplicate shows as a count > 1). */
  readonly smppMo = new Map<string, number>();
  /** Outbound ids by tag, per channel. */
  private readonly apiIds = new Map<string, string>();
  private readonly smppIds = new Map<string, string>();
  private readonly inboundTags = new Set<string>();
  /** Outbound tags by how often they reached the outside number, and the last outside part read. */
  private readonly seenOut = new Map<string, number>();
  private outsideCursor = 0;
  /** Outside parts the simulator dropped before they were read: the outbound counts are then incomplete. */
  outsideUnread = 0;
  private session: Session | null = null;
  private running = false;
  private seq = 0;
  private readonly loops: Promise<void>[] = [];
  private numbers: string[] = [];

  constructor(
    private readonly gw: Gateway,
    private readonly rates: TrafficRates,
    private readonly lines: number,
  ) {}

  private tag(kind: string): string {
    return `${kind}-${++this.seq}-${Date.now().toString(36)}`;
  }

  async start(): Promise<void> {
    const sims = (await (await fetch(`${this.gw.controlUrl}/sims`)).json()) as { sims: { number: string; attached: boolean }[] };
    this.numbers = sims.sims.filter((s) => s.attached).map((s) => s.number);
    if (this.gw.smppPort) await this.bind();
    this.running = true;
    this.loops.push(this.every(this.rates.apiSmsSec, () => this.apiSms()));
    if (this.gw.smppPort) this.loops.push(this.every(this.rates.smppSmsSec, () => this.smppSms()));
    this.loops.push(this.every(this.rates.inboundSmsSec, () => this.inboundSms()));
    this.loops.push(this.every(this.rates.testCallSec, () => this.testCall()));
    this.loops.push(this.followOutside());
  }

  private async followOutside(): Promise<void> {
    while (this.running) {
      await sleep(OUTSIDE_READ_EVERY_MS);
      await this.readOutside().catch(() => undefined); // read again next time: the cursor did not move
    }
  }

  /** Reads the outside parts recorded since the last read and counts the tags they carry. */
  private async readOutside(): Promise<void> {
    const r = await fetch(`${this.gw.controlUrl}/outside/sms?after=${this.outsideCursor}`, { signal: AbortSignal.timeout(10_000) });
    if (!r.ok) throw new Error(`GET /outside/sms answered ${r.status}`);
    const page = (await r.json()) as { parts: { text?: string }[]; lastSeq: number; oldestSeq: number };
    if (page.oldestSeq > this.outsideCursor + 1) this.outsideUnread += page.oldestSeq - this.outsideCursor - 1;
    for (const p of page.parts) {
      const t = /((?:api|smpp)-\d+-[0-9a-z]+)/.exec(p.text ?? '')?.[1];
      if (t) this.seenOut.set(t, (this.seenOut.get(t) ?? 0) + 1);
    }
    this.outsideCursor = page.lastSeq;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  close(): void {
    this.session?.close();
  }

  private async every(meanSec: number, fn: () => Promise<void>): Promise<void> {
    while (this.running) {
      await sleep(meanSec * 1000 * (0.5 + Math.random()));
      if (!this.running) break;
      void fn();
    }
  }

  private bind(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = smpp.connect({ url: `smpp://127.0.0.1:${this.gw.smppPort}`, auto_enquire_link_period: 30_000 });
      s.on('error', () => undefined);
      s.on('deliver_sm', (pdu: PduInstance) => {
        s.send(pdu.response());
        const text = String((pdu.short_message as { message?: string })?.message ?? pdu.short_message ?? '');
        const m = /(in-\d+-[0-9a-z]+)/.exec(text);
        if (m) this.smppMo.set(m[1]!, (this.smppMo.get(m[1]!) ?? 0) + 1);
      });
      (s as unknown as { bind_transceiver(o: object, cb: (p: PduInstance) => void): void }).bind_transceiver({ system_id: SMPP_ACCOUNT.systemId, password: SMPP_ACCOUNT.password }, (pdu: PduInstance) => {
        if (pdu.command_status === 0) {
          this.session = s;
          resolve();
        } else reject(new Error(`SMPP bind refused: status ${pdu.command_status}`));
      });
    });
  }

  private async apiSms(): Promise<void> {
    const tag = this.tag('api');
    this.api.sent++;
    try {
      const r = await fetch(`${this.gw.apiUrl}/api/sms`, {
        method: 'POST',
        headers: { ...this.gw.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ to: OUTSIDE, text: `soak ${tag}` }),
      });
      if (r.status !== 202) throw new Error(`status ${r.status}`);
      this.apiIds.set(tag, ((await r.json()) as { id: string }).id);
    } catch {
      this.api.errors++;
    }
  }

  private smppSms(): Promise<void> {
    const tag = this.tag('smpp');
    this.smpp.sent++;
    return new Promise((resolve) => {
      const s = this.session;
      if (!s) {
        this.smpp.errors++;
        return resolve();
      }
      (s as unknown as { submit_sm(o: object, cb: (p: PduInstance) => void): void }).submit_sm({ destination_addr: OUTSIDE, short_message: `soak ${tag}`, registered_delivery: 1 }, (pdu: PduInstance) => {
        if (pdu.command_status === 0) this.smppIds.set(tag, String(pdu.message_id));
        else this.smpp.errors++;
        resolve();
      });
    });
  }

  private async inboundSms(): Promise<void> {
    if (this.numbers.length === 0) return;
    const tag = this.tag('in');
    this.inbound.sent++;
    const to = this.numbers[Math.floor(Math.random() * this.numbers.length)]!;
    try {
      const r = await fetch(`${this.gw.controlUrl}/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: '+8613712345678', to, text: `soak ${tag}` }),
      });
      if (!r.ok) throw new Error(`status ${r.status}`);
      this.inboundTags.add(tag);
    } catch {
      this.inbound.errors++;
    }
  }

  private async testCall(): Promise<void> {
    const line = 1 + Math.floor(Math.random() * this.lines);
    this.calls.sent++;
    try {
      const r = await fetch(`${this.gw.apiUrl}/api/lines/${line}/test-call`, {
        method: 'POST',
        headers: { ...this.gw.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ number: CALLEE, seconds: 3 }),
      });
      const body = (await r.json().catch(() => ({}))) as { answered?: boolean; endReason?: string };
      const state = r.ok ? (body.answered ? 'answered' : `not answered (${body.endReason ?? '?'})`) : `refused ${r.status}`;
      this.calls.states[state] = (this.calls.states[state] ?? 0) + 1;
    } catch {
      this.calls.errors++;
    }
  }

  /**
   * Final states, losses and duplicates, read back from the daemon and the simulator. Outbound: an
   * item is lost when the daemon never took it, or says it was sent but the outside number never got it
   * (every outside part is read, see outsideUnread); a duplicate when the outside number got its tag
   * more than once. Inbound: lost when no inbox entry carries the tag; duplicate when more than one
   * does, or the ESME got it more than once.
   */
  async tally(): Promise<{ duplicates: Record<string, number>; losses: Record<string, number> }> {
    await this.readOutside();
    const seenOut = this.seenOut;
    const duplicates: Record<string, number> = { api: 0, smpp: 0, inbound: 0, smppDeliver: 0 };
    const losses: Record<string, number> = { api: 0, smpp: 0, inbound: 0 };
    const outboundStates = async (ids: Map<string, string>, count: ChannelCount, name: 'api' | 'smpp') => {
      for (const [tag, id] of ids) {
        const r = await fetch(`${this.gw.apiUrl}/api/sms/${encodeURIComponent(id)}`, { headers: this.gw.auth });
        const status = r.ok ? ((await r.json()) as { status: string }).status : `http ${r.status}`;
        count.states[status] = (count.states[status] ?? 0) + 1;
        const seen = seenOut.get(tag) ?? 0;
        if (seen > 1) duplicates[name]! += seen - 1;
        if ((status === 'sent' || status === 'delivered') && seen === 0) losses[name]!++;
      }
      losses[name]! += count.sent - count.errors - ids.size;
    };
    await outboundStates(this.apiIds, this.api, 'api');
    await outboundStates(this.smppIds, this.smpp, 'smpp');
    const seenIn = new Map<string, number>();
    for (let offset = 0; ; offset += 1000) {
      const r = await fetch(`${this.gw.apiUrl}/api/sms/inbox?text=soak&limit=1000&offset=${offset}`, { headers: this.gw.auth });
      if (!r.ok) throw new Error(`GET /api/sms/inbox answered ${r.status}`);
      const page = ((await r.json()) as { items: { text: string }[] }).items;
      for (const m of page) {
        const t = /(in-\d+-[0-9a-z]+)/.exec(m.text)?.[1];
        if (t) seenIn.set(t, (seenIn.get(t) ?? 0) + 1);
      }
      if (page.length < 1000) break;
    }
    for (const tag of this.inboundTags) {
      const n = seenIn.get(tag) ?? 0;
      if (n === 0) losses.inbound!++;
      else {
        this.inbound.states.received = (this.inbound.states.received ?? 0) + 1;
        if (n > 1) duplicates.inbound! += n - 1;
      }
      const d = this.smppMo.get(tag) ?? 0;
      if (d > 1) duplicates.smppDeliver! += d - 1;
    }
    return { duplicates, losses };
  }
}
