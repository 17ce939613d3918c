/**
 * The pieces of the SIP → GSM call-flow tests: a GSM line that steps its calls the way a real line's
 * call leg does (a Call started on dial, 'call' events on each step, the modem's end cause on the
 * end), a real CallService on a real counter store, a media fake, and a SIP endpoint on loopback
 * with createSipToGsm on it.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Call } from '../../../src/call/call.js';
import type { CallEvent } from '../../../src/call/call-state.js';
import { RingThenRejectRouter } from '../../../src/call/call-router.js';
import { CallService } from '../../../src/call/call-service.js';
import type { LineCallEvent } from '../../../src/events.js';
import type { LineStatus } from '../../../src/line/types.js';
import { CounterStore } from '../../../src/store/counter-store.js';
import type { StoredCall } from '../../../src/store/records.js';
import { silentLogger } from '../../../src/util/log.js';
import type { SipIncomingRequest } from '../../../src/sip/core/index.js';
import { createSipToGsm, type MediaSession, type MediaSessions, type SipToGsm, type SipToGsmConfig } from '../../../src/sip/to-gsm/index.js';
import type { CallAudioEvents } from '../../../src/media/media-contract.js';
import { lineStatus } from '../../web/harness.js';
import { startEndpoint, type CoreEndpoint } from '../core/core-fixtures.js';

/** How the far party behaves when the fake line dials. */
export type FarParty =
  | { kind: 'answers'; alertMs: number; answerMs: number; hangupMs?: number }
  | { kind: 'busy'; afterMs: number }
  | { kind: 'rings-forever'; alertMs: number }
  | { kind: 'never-rings' };

/** A line as the daemon's Line is to the SIP → GSM calls and to the call service. */
export class FakeGsmLine extends EventEmitter {
  farParty: FarParty = { kind: 'answers', alertMs: 50, answerMs: 150 };
  registered = true;
  readonly dialled: { number: string; origin: string }[] = [];
  hangups = 0;
  private current: Call | null = null;
  private timers: NodeJS.Timeout[] = [];

  constructor(readonly id: number) {
    super();
  }

  status(): LineStatus {
    return lineStatus(this.id, {
      lifecycle: this.registered ? 'registered' : 'sim-ready',
      callState: this.current?.state ?? 'IDLE',
      slot: 'A',
    });
  }

  /** ATD: the call starts at once (as CallLeg.dial steps 'dial' before the modem answers). */
  async dial(number: string, opts: { origin: string }): Promise<void> {
    if (this.current !== null) throw new Error(`line ${this.id} is busy`);
    this.dialled.push({ number, origin: opts.origin });
    this.current = new Call({ id: `${this.id}:${Date.now()}`, direction: 'out', origin: opts.origin, gsm: { line: this.id, slot: 'A', iccid: `8986000000000000000${this.id}`, number, cause: null }, at: Date.now() });
    this.step('dial');
    const far = this.farParty;
    if (far.kind === 'answers') {
      this.later(far.alertMs, () => this.step('alerting'));
      this.later(far.answerMs, () => this.step('answered'));
      if (far.hangupMs !== undefined) this.later(far.hangupMs, () => this.remoteHangup('NO CARRIER'));
    } else if (far.kind === 'busy') this.later(far.afterMs, () => this.remoteHangup('BUSY'));
    else if (far.kind === 'rings-forever') this.later(far.alertMs, () => this.step('alerting'));
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** ATH: the call ends without a modem cause (we hung up). */
  async hangup(): Promise<void> {
    this.hangups++;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.current !== null) this.end(null);
  }

  /** The network or the far party ended the call. */
  remoteHangup(cause: string): void {
    if (this.current !== null) this.end(cause);
  }

  get inCall(): boolean {
    return this.current !== null;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  private later(ms: number, fn: () => void): void {
    this.timers.push(setTimeout(() => this.current !== null && fn(), ms));
  }

  private end(cause: string | null): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.current!.gsm.cause = cause;
    this.step('ended');
  }

  private step(event: CallEvent): void {
    const call = this.current!;
    const from = call.apply(event, Date.now());
    if (event === 'ended') this.current = null;
    if (from !== call.state) this.emit('call', { call, from, to: call.state, event, number: call.gsm.number } satisfies LineCallEvent);
  }
}

const SDP = (kind: string) => ['v=0', `o=- 1 1 IN IP4 127.0.0.1`, `s=${kind}`, 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

/** Media that answers any offer naming PCMU (0) and counts open sessions. */
export class FakeMedia implements MediaSessions {
  open = 0;
  readonly remotes: string[] = [];
  /** startAudio calls: the line and the events the call gave. */
  readonly audio: { lineId: number | null; events: CallAudioEvents }[] = [];
  /** Digits keyed to GSM, and sent to SIP, through the sessions. */
  readonly keyed: string[] = [];
  readonly toSip: string[] = [];
  offer(): MediaSession {
    return this.session('offer');
  }
  answer(offerSdp: string): ReturnType<MediaSessions['answer']> {
    if (!/^m=audio \d+ RTP\/AVP( \d+)* 0\b/m.test(offerSdp)) return { ok: false, status: 488, reason: 'no common codec' };
    return { ok: true, session: this.session('answer') };
  }
  private session(kind: string): MediaSession {
    this.open++;
    let closed = false;
    return {
      localSdp: SDP(kind),
      setRemote: (sdp) => {
        this.remotes.push(sdp);
        return /m=audio/.test(sdp);
      },
      startAudio: (lineId, events) => void this.audio.push({ lineId, events }),
      keyToGsm: (digit) => void this.keyed.push(digit),
      sendDigitToSip: (digit) => void this.toSip.push(digit),
      close: () => {
        if (!closed) this.open--;
        closed = true;
      },
    };
  }
}

export function callsConfig(over: Partial<SipToGsmConfig['calls']> = {}, linePrefixes: SipToGsmConfig['linePrefixes'] = []): SipToGsmConfig {
  return {
    calls: {
      prefixMatch: 'callee',
      stripPrefix: false,
      lineSelection: 'round-robin',
      dialRules: '',
      strictDialRules: false,
      ringback: '180',
      noAnswerSec: 10,
      noRingSec: 10,
      causeStatus: { busy: 486, noAnswer: 480, rejected: 603, unreachable: 404, other: 503 },
      twoStage: { enabled: false, digitTimeoutSec: 5, forwardNumber: null },
      dtmfToSip: 'rfc4733',
      ...over,
    },
    linePrefixes,
  };
}

export interface Gateway {
  readonly core: CoreEndpoint;
  readonly lines: FakeGsmLine[];
  readonly calls: CallService;
  readonly store: CounterStore;
  readonly media: FakeMedia;
  readonly sipToGsm: SipToGsm;
  readonly admitted: SipIncomingRequest[];
  config: SipToGsmConfig;
  policy: (lineId: number) => { ok: true } | { ok: false; reason: string };
  /** Recorded calls, newest first. */
  records(): StoredCall[];
  close(): Promise<void>;
}

export async function startGateway(lineCount = 1, config = callsConfig()): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-sip-to-gsm-'));
  const store = CounterStore.open(dir);
  const calls = new CallService({ store, router: new RingThenRejectRouter(() => 30), log: silentLogger() });
  const lines = Array.from({ length: lineCount }, (_, i) => new FakeGsmLine(i + 1));
  for (const line of lines) calls.attach(line);
  const core = await startEndpoint();
  const media = new FakeMedia();
  const admitted: SipIncomingRequest[] = [];
  const gateway: Gateway = {
    core,
    lines,
    calls,
    store,
    media,
    admitted,
    config,
    policy: () => ({ ok: true }),
    sipToGsm: undefined as unknown as SipToGsm,
    records: () => store.queryCdrs({ limit: 100, offset: 0 }),
    async close() {
      gateway.sipToGsm.stop();
      for (const line of lines) line.close();
      calls.stop();
      await core.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  (gateway as { sipToGsm: SipToGsm }).sipToGsm = createSipToGsm({
    endpoint: core.endpoint,
    admit: (incoming) => {
      admitted.push(incoming);
      return { allowed: true, who: 'trunk:1' };
    },
    media,
    lines: () => lines,
    calls,
    mayCall: (id) => gateway.policy(id),
    config: () => gateway.config,
    log: silentLogger(),
  });
  return gateway;
}
