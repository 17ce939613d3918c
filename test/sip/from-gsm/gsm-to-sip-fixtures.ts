/**
 * The GSM → SIP flow rig: a real SIP endpoint on 127.0.0.1, the call service on a fake line and a real
 * counter store, the GSM → SIP router between them, a fake media offer, and SIPp phones (UASes) on
 * their own ports.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Call } from '../../../src/call/call.js';
import type { CallEvent, CallState } from '../../../src/call/call-state.js';
import { RingThenRejectRouter } from '../../../src/call/call-router.js';
import { CallService } from '../../../src/call/call-service.js';
import { sipSchema, type SipConfig } from '../../../src/config/schema-sip.js';
import type { LineCallEvent } from '../../../src/events.js';
import { createGsmToSipRouter, type GsmToSipRouter, type MediaSession, type MediaSessions } from '../../../src/sip/from-gsm/index.js';
import type { CallAudioEvents } from '../../../src/media/media-contract.js';
import type { RegisteredContact } from '../../../src/sip/registrar/index.js';
import { CounterStore } from '../../../src/store/counter-store.js';
import { silentLogger } from '../../../src/util/log.js';
import { assertSippInstalled, freeUdpPort, startSipp, type SippRun } from '../../helpers/sipp.js';
import { startEndpoint, type CoreEndpoint } from '../core/core-fixtures.js';

/** A line as the call service sees it: an incoming call rings, ATA answers it, the caller may hang up. */
export class FakeGsmLine extends EventEmitter {
  current: Call | null = null;
  hangups = 0;
  answers = 0;
  private seq = 0;
  constructor(readonly id: number) {
    super();
  }

  private step(ev: CallEvent, cause: string | null = null): void {
    const c = this.current;
    if (!c) return;
    if (ev === 'ended') c.gsm.cause = cause;
    const from: CallState = c.apply(ev, Date.now());
    if (ev === 'ended') this.current = null;
    this.emit('call', { call: c, from, to: c.state, event: ev, number: c.gsm.number } satisfies LineCallEvent);
  }

  /** +CLIP: a call from `number` (null: withheld) rings in. */
  ring(number: string | null): Call {
    this.current = new Call({ id: `${this.id}:${Date.now()}:${++this.seq}`, direction: 'in', origin: 'network', gsm: { line: this.id, slot: 'A', iccid: null, number, cause: null }, at: Date.now() });
    this.step('incoming');
    return this.current;
  }

  /** The GSM caller hangs up (NO CARRIER). */
  callerHangsUp(): void {
    this.step('ended', 'NO CARRIER');
  }

  async answer(): Promise<void> {
    this.answers++;
    await new Promise((r) => setImmediate(r));
    if (!this.current) throw new Error('no call to answer');
    this.step('answered');
  }

  async hangup(): Promise<void> {
    this.hangups++;
    await new Promise((r) => setImmediate(r));
    this.step('ended');
  }
}

export class FakeMedia implements MediaSessions {
  readonly sessions: { remote: string[]; closed: boolean; audio: { lineId: number | null; events: CallAudioEvents } | null; keyed: string[]; toSip: string[] }[] = [];
  offer(): MediaSession {
    const record = { remote: [] as string[], closed: false, audio: null as { lineId: number | null; events: CallAudioEvents } | null, keyed: [] as string[], toSip: [] as string[] };
    this.sessions.push(record);
    return {
      localSdp: 'v=0\r\no=cellgate 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n',
      setRemote: (sdp) => {
        record.remote.push(sdp);
        return /m=audio \d+ RTP\/AVP 0/.test(sdp);
      },
      startAudio: (lineId, events) => void (record.audio ??= { lineId, events }),
      keyToGsm: (digit) => void record.keyed.push(digit),
      sendDigitToSip: (digit) => void record.toSip.push(digit),
      close: () => (record.closed = true),
    };
  }
  answer(): { ok: false; status: 503; reason: string } {
    return { ok: false, status: 503, reason: 'not used here' };
  }
}

export interface Rig {
  readonly core: CoreEndpoint;
  readonly line: FakeGsmLine;
  readonly calls: CallService;
  readonly store: CounterStore;
  readonly router: GsmToSipRouter;
  readonly media: FakeMedia;
  /** Contacts the fake registrar returns for group "ring". */
  contacts: RegisteredContact[];
  config: SipConfig;
  close(): Promise<void>;
}

export function sipConfig(input: unknown): SipConfig {
  return sipSchema.parse(input);
}

export function contactAt(port: number, user = '201'): RegisteredContact {
  return { user, group: 'ring', contactUri: `sip:${user}@127.0.0.1:${port}`, q: undefined, expiresInS: 3600, source: { ip: '127.0.0.1', port, transport: 'udp' } };
}

export async function startRig(config: SipConfig): Promise<Rig> {
  const core = await startEndpoint();
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-gsm-sip-'));
  const store = CounterStore.open(dir);
  const media = new FakeMedia();
  const rig: Rig = {
    core,
    line: new FakeGsmLine(1),
    calls: undefined as unknown as CallService,
    store,
    router: undefined as unknown as GsmToSipRouter,
    media,
    contacts: [],
    config,
    async close() {
      rig.calls.stop();
      store.close();
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const router = createGsmToSipRouter({
    endpoint: core.endpoint,
    media,
    contactsForGroup: (group) => (group === 'ring' ? rig.contacts : []),
    contactsFor: () => [],
    accountFor: () => null,
    config: () => rig.config,
    local: { host: '127.0.0.1', port: core.udpPort },
    version: 'test',
    fallback: new RingThenRejectRouter(() => 30),
    log: silentLogger(),
  });
  core.endpoint.addDialogListener(router);
  (rig as { router: GsmToSipRouter }).router = router;
  (rig as { calls: CallService }).calls = new CallService({ store, router, log: silentLogger(), callerIdWaitMs: 0 /* ring() carries the +CLIP number already */ });
  rig.calls.attach(rig.line);
  return rig;
}

const SCENARIOS = fileURLToPath(new URL('../../../../fixtures/sip/sipp/', import.meta.url));

export interface Phone {
  readonly port: number;
  readonly sipp: SippRun;
}

/** A SIPp UAS: `uas` for SIPp's built-in one, else a gsm-to-sip-<name>.xml scenario. */
export async function startPhone(scenario: string, dir: string): Promise<Phone> {
  assertSippInstalled();
  const port = await freeUdpPort();
  const which = scenario === 'uas' ? ['-sn', 'uas'] : ['-sf', join(SCENARIOS, `gsm-to-sip-${scenario}.xml`)];
  const sipp = startSipp([...which, '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-nostdin', '-timeout', '20s', '-timeout_error'], dir);
  // SIPp binds its socket as it starts; a lost first INVITE would only be retransmitted after T1.
  await new Promise((r) => setTimeout(r, 300));
  return { port, sipp };
}

export function scratchDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sipp-fork-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
