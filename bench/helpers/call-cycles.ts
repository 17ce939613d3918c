/**
 * Many short SIP → GSM calls in a row through the daemon (issue 13: "the audio port is opened and closed
 * for 500 consecutive simulated calls with no frame drift and no leaked file descriptors"), measured
 * from outside the daemon:
 *
 * - `cellgate start` in its own process (pty-gateway.ts), its lines on simulated modems whose AT and PCM
 *   ports are ptys; one worker per line places calls one after another, so every line opens and closes
 *   its audio port once per call.
 * - Each call: INVITE to an outside number that echoes, a paced 1 kHz A-law stream from an RTP peer
 *   for `audioMs`, a short wait for the echo to come back, BYE.
 * - Audio both ways, per call: the frames of the tone the outside party heard (SIP → GSM) and the
 *   frames of it that came back to the RTP peer (GSM → SIP).
 * - Frame drift, per call: the outside party counts the frames the daemon wrote to the modem's PCM port
 *   (the simulated modem hands each on at once) and the time between the first and the last; a writer
 *   clock that ran slow or fast would write fewer or more than that span's 20 ms frames.
 * - The daemon's own counters, per call, from its "call audio ended" log record: frames written and
 *   read, under- and overruns, port recoveries, ticks skipped in a stall; and the simulated modem's port
 *   counters over the call: frames it passed into the call, and what it discarded (written with no call
 *   up: the network had ended it before the daemon closed the port).
 * - The daemon's open file descriptors (/proc/<pid>/fd) idle before the first call, idle after one call
 *   per line (the RTP socket pool and whatever else the first call opens for good), idle at half-way and
 *   at the end, and the most seen while calls ran; its RSS before and after.
 */
import { readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { g711Decode } from '../../src/media/codec/g711.js';
import { simCard } from '../../modem-drivers/simulator/simulator.js';
import { RtpPeer, toneShare } from '../../test/e2e/helpers/rtp-peer.js';
import { procStat, sleep } from './gateway-under-test.js';
import { startPtyGateway, type PtyGateway } from './pty-gateway.js';
import { SipCallUac, type SipDialog } from './sip-call-uac.js';

export interface CycleOptions {
  calls: number;
  /** Simulated modems, one line each, and as many calls at once. */
  lines: number;
  /** How long each call's RTP stream lasts. */
  audioMs: number;
  /** Wait after the stream before BYE, for the last echoes. */
  tailMs: number;
  /** sip.media.wakeBatchMs for the daemon (absent: the configuration's default). */
  wakeBatchMs?: number;
}

export interface CallRecord {
  k: number;
  line: number | null;
  /** INVITE sent → 200 OK, ms (including retries while every line was still busy). */
  setupMs: number;
  retries: number;
  /** Tone frames the RTP peer sent, the outside party heard, and came back to the RTP peer. */
  sentFrames: number;
  toneHeard: number;
  echoFrames: number;
  /** Every frame the party heard (silence included). */
  heard: number;
  /**
   * How far the frames fell behind the wall clock over the call, in 20 ms frames (negative: ahead): each
   * frame's arrival minus 20 ms × its number, the least of the call's last quarter minus the least of its
   * first quarter (so over at least half the call). A writer clock that drifts or skips moves it; frames
   * held up on their way (this process or the pty hop busy for less than a quarter of the call) do not,
   * as the least of each quarter is a frame that came on time.
   */
  lagFrames: number;
  /**
   * Frames the daemon wrote that the simulated modem discarded (no call carried: after the network ended
   * it, before the daemon closed the port), from the call's start to the next call's on the same modem.
   */
  discarded: number;
  /** Port frames the simulated modem passed into the network over the same span as `discarded`. */
  portFramesIn: number;
  /** The outside party answered → the first frame from the daemon reached it (PCM switched on), ms. */
  pcmAfterAnswerMs: number;
  /** The daemon's own counters for the call's modem audio end ("call audio ended"). */
  daemon: { framesOut: number; framesIn: number; underruns: number; overruns: number; recoveries: number; skippedTicks: number } | null;
}

export interface FdCounts {
  start: number;
  afterFirstCalls: number;
  half: number;
  end: number;
  maxDuring: number;
}

export interface CycleResult {
  options: CycleOptions;
  calls: CallRecord[];
  /** "call audio ended" records in the order the daemon wrote them. */
  endedInOrder: NonNullable<CallRecord['daemon']>[];
  fd: FdCounts;
  rss: { start: number; half: number; end: number; hwm: number };
  elapsedMs: number;
}

const TONE_HZ = 1000;
const FRAME = 160;
/** One sample of the 1 kHz tone at about −12 dBFS. */
const toneSignal = (ms: number) => Int16Array.from({ length: (ms / 20) * FRAME }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * TONE_HZ * i) / 8000)));

/** A 20 ms frame carrying the tone: loud, and nearly all its power at 1 kHz. */
function isTone(frame: Int16Array): boolean {
  let energy = 0;
  for (const v of frame) energy += v * v;
  return energy / frame.length > 1000 ** 2 && toneShare(frame, TONE_HZ) > 0.8;
}

/** Outside numbers 1390007xxxx: the rule below answers them all with an echo. */
const numberOf = (k: number) => `1390007${String(k).padStart(4, '0')}`;

interface PartySide {
  modem: number | null;
  heard: number;
  toneHeard: number;
  firstAt: number;
  /** Each frame's arrival minus 20 ms × its number. */
  offsets: number[];
  /** When the call reached the party: a line's calls are in this order. */
  calledAt: number;
  answeredAt: number;
  /** The modem's PCM port counters when the call reached the party (they run on while the pty holds the port). */
  portAtStart: { framesIn: number; bytesDiscarded: number };
}

/** Bytes of one 20 ms port frame: 8 kHz 16-bit mono, the simulated modems' default. */
const PORT_FRAME_BYTES = 320;

/** See CallRecord.lagFrames. */
export function lagOf(offsets: readonly number[]): number {
  if (offsets.length < 4) return NaN;
  const quarter = Math.ceil(offsets.length / 4);
  return (Math.min(...offsets.slice(-quarter)) - Math.min(...offsets.slice(0, quarter))) / 20;
}

const fdCount = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

export async function runCallCycles(o: CycleOptions): Promise<CycleResult> {
  const gw = await startPtyGateway({
    modems: o.lines,
    timing: 'fast',
    config: { sip: { inbound: { auth: 'none' }, rateLimit: { perSecond: 10_000, burst: 10_000 }, media: { symmetricRtp: false, ...(o.wakeBatchMs === undefined ? {} : { wakeBatchMs: o.wakeBatchMs }) } } },
  });
  try {
    return await cycles(gw, o);
  } finally {
    await gw.stop();
  }
}

async function cycles(gw: PtyGateway, o: CycleOptions): Promise<CycleResult> {
  const pid = gw.daemon.pid!;
  const modemOf = new Map(gw.sim.modems.map((_, i) => [simCard(i + 1, 0).number!.slice(-8), i + 1]));
  const parties = new Map<number, PartySide>();
  const portCounters = (modem: number | null) => {
    const a = modem === null ? null : gw.sim.modems[modem - 1]?.audioStats();
    return { framesIn: a?.framesIn ?? 0, bytesDiscarded: a?.bytesDiscarded ?? 0 };
  };
  gw.sim.network.outside.addRule(/1390007\d{4}$/, { kind: 'answer', audio: 'echo', ringMs: 20 });
  gw.sim.network.outside.onCall((leg, info) => {
    const modem = modemOf.get(info.from.replace(/\D/g, '').slice(-8)) ?? null;
    const portAtStart = portCounters(modem);
    const side: PartySide = { modem, heard: 0, toneHeard: 0, firstAt: 0, offsets: [], calledAt: performance.now(), answeredAt: 0, portAtStart };
    parties.set(Number(info.to.slice(-4)), side);
    leg.onState((state) => {
      if (state === 'active') side.answeredAt = performance.now();
    });
    leg.onAudio((frame) => {
      const now = performance.now();
      if (side.heard === 0) side.firstAt = now;
      side.offsets.push(now - 20 * side.heard);
      side.heard++;
      if (isTone(frame)) side.toneHeard++;
    });
  });
  // The daemon's counters per call, by line (a line carries one call at a time, so in call order).
  const ended: NonNullable<CallRecord['daemon']>[] = [];
  const endedByLine = new Map<number, NonNullable<CallRecord['daemon']>[]>();
  gw.onLog((r) => {
    if (r.msg !== 'call audio ended') return;
    const m = (r.modem ?? {}) as Record<string, number>;
    const counters = { framesOut: m.framesOut ?? 0, framesIn: m.framesIn ?? 0, underruns: m.underruns ?? 0, overruns: m.overruns ?? 0, recoveries: m.recoveries ?? 0, skippedTicks: m.skippedTicks ?? 0 };
    ended.push(counters);
    const line = Number(r.line);
    endedByLine.set(line, [...(endedByLine.get(line) ?? []), counters]);
  });

  const uac = await SipCallUac.open(gw.sipPort);
  const signal = toneSignal(o.audioMs);
  const calls: CallRecord[] = [];
  let maxDuring = 0;
  const sampler = setInterval(() => (maxDuring = Math.max(maxDuring, fdCount(pid))), 50);
  try {
    await sleep(3000); // start-up work (first polls, SMS sweeps) done before the idle figures
    const start = { fd: fdCount(pid), rss: procStat(pid).rss };
    const began = performance.now();
    let next = 0;
    const phase = async (until: number) => {
      const worker = async () => {
        while (next < until) calls.push(await oneCall(next++));
      };
      await Promise.all(Array.from({ length: o.lines }, worker));
      // Idle again: every call's audio closed and logged, then a moment for the ports to settle.
      const deadline = Date.now() + 10_000;
      while (ended.length < calls.length && Date.now() < deadline) await sleep(50);
      await sleep(500);
      return { fd: fdCount(pid), rss: procStat(pid).rss };
    };
    const oneCall = async (k: number): Promise<CallRecord> => {
      const peer = await RtpPeer.open();
      try {
        const t0 = performance.now();
        let dialog: SipDialog | null = null;
        let retries = 0;
        while (!dialog) {
          const r = await uac.invite(`cycle-${k}-${retries}-${process.pid}`, numberOf(k), peer.port);
          if (typeof r !== 'number') dialog = r;
          else if ((r === 486 || r === 503 || r === 480) && retries < 100) {
            retries++;
            await sleep(50);
          } else throw new Error(`call ${k}: INVITE answered ${r}`);
        }
        const setupMs = performance.now() - t0;
        if (!dialog.gatewayRtp.port) throw new Error(`call ${k}: the 200 OK has no RTP port`);
        await peer.send(dialog.gatewayRtp, signal);
        await sleep(o.tailMs);
        const bye = await uac.bye(dialog);
        if (bye !== 200) throw new Error(`call ${k}: BYE answered ${bye}`);
        let echoFrames = 0;
        for (const r of peer.received) if (r.packet.payloadType === 8 && isTone(g711Decode('PCMA', r.packet.payload))) echoFrames++;
        const party = parties.get(k);
        return {
          k,
          line: party?.modem ?? null,
          setupMs,
          retries,
          sentFrames: signal.length / FRAME,
          echoFrames,
          // The party's and the port's counts are read at the end of the run (below).
          toneHeard: 0,
          heard: 0,
          lagFrames: NaN,
          discarded: 0,
          portFramesIn: 0,
          pcmAfterAnswerMs: party && party.heard > 0 && party.answeredAt > 0 ? party.firstAt - party.answeredAt : NaN,
          daemon: null,
        };
      } finally {
        peer.close();
      }
    };
    const afterFirstCalls = (await phase(o.lines)).fd;
    const half = await phase(Math.floor(o.calls / 2));
    const end = (await phase(o.calls)).fd;
    const elapsedMs = performance.now() - began;
    clearInterval(sampler);
    const s = procStat(pid);
    // Each line's "call audio ended" records, in order, to its calls in the order they reached the network.
    const byLine = new Map<number, CallRecord[]>();
    const calledAt = (c: CallRecord) => parties.get(c.k)?.calledAt ?? 0;
    for (const c of [...calls].sort((a, b) => calledAt(a) - calledAt(b))) if (c.line !== null) byLine.set(c.line, [...(byLine.get(c.line) ?? []), c]);
    for (const [line, list] of byLine) {
      const records = endedByLine.get(line) ?? [];
      if (records.length === list.length) list.forEach((c, i) => (c.daemon = records[i]!));
    }
    // What each modem discarded from one call's start to the next call's start on it (or the end).
    for (const list of byLine.values())
      list.forEach((c, i) => {
        const next = list[i + 1];
        const to = next ? parties.get(next.k)?.portAtStart : portCounters(c.line);
        const from = parties.get(c.k)?.portAtStart;
        if (!to || !from) return;
        c.discarded = Math.round((to.bytesDiscarded - from.bytesDiscarded) / PORT_FRAME_BYTES);
        c.portFramesIn = to.framesIn - from.framesIn;
      });
    // The party's counts as they stand now: when the BYE was answered the daemon had not yet hung the
    // modem up, and the call's last frames were still reaching the party.
    for (const c of calls) {
      const party = parties.get(c.k);
      if (!party) continue;
      c.heard = party.heard;
      c.toneHeard = party.toneHeard;
      c.lagFrames = lagOf(party.offsets);
    }
    calls.sort((a, b) => a.k - b.k);
    return { options: o, calls, endedInOrder: ended, fd: { start: start.fd, afterFirstCalls, half: half.fd, end, maxDuring }, rss: { start: start.rss, half: half.rss, end: s.rss, hwm: s.hwm }, elapsedMs };
  } finally {
    clearInterval(sampler);
    await uac.close();
  }
}
