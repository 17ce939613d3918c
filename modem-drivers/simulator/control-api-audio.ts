/**
 * The control API's routes for outside parties' audio (docs/simulator.md):
 *   POST /outside/rules          {number | pattern, behaviour}   how an outside number behaves when a SIM calls it
 *   POST /outside/rules/clear                                    forget the added rules (the special numbers stay)
 *   GET  /calls/:id/recording[?format=wav|pcm]                   what a recording party heard
 * and the parser of an `audio` value, also taken by POST /calls.
 */
import { loadPlayFile, recordingOf, type OutsideAudio, type RecordOption } from './network/party-audio.js';
import type { OutsideBehaviour } from './network/outside-world.js';
import { pcmBytes, wavFile } from './network/wav.js';
import type { Simulator } from './simulator.js';
import type { CallLeg } from './types.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A response that is not JSON. */
export class RawBody {
  constructor(
    readonly contentType: string,
    readonly body: Buffer,
  ) {}
}

export type Route = [string, RegExp, (m: RegExpExecArray, body: Record<string, unknown>, query: URLSearchParams) => unknown];

const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function nonNegative(v: unknown, what: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) throw new HttpError(400, `${what}: expected a number from 0 to ${max}`);
  return v;
}

function parseRecord(v: unknown): RecordOption | undefined {
  if (v === undefined || v === false) return undefined;
  if (v === true) return true;
  if (obj(v)) {
    const maxMs = nonNegative(v.maxMs, 'audio.record.maxMs', 600_000);
    return maxMs === undefined ? true : { maxMs };
  }
  throw new HttpError(400, 'audio.record: expected true or {"maxMs": <ms>}');
}

/**
 * An outside party's audio: "echo" | "silence" | {toneHz} | {echo: {delayMs?, lossDb?}} |
 * {play: <path of a WAV 8 kHz 16-bit mono or raw s16le file>, loop?} | {record: true | {maxMs}};
 * each object form may add `record`. A file to play is read now, so a bad one is a 400 here.
 */
export function parseAudio(v: unknown): OutsideAudio | undefined {
  if (v === undefined) return undefined;
  if (v === 'echo' || v === 'silence') return v;
  if (!obj(v)) throw new HttpError(400, 'audio: expected "echo", "silence" or an object (toneHz, echo, play, record)');
  const record = parseRecord(v.record);
  const withRecord = <T extends object>(x: T): T => (record === undefined ? x : { ...x, record });
  if (v.toneHz !== undefined) {
    const hz = nonNegative(v.toneHz, 'audio.toneHz', 3999)!;
    if (hz < 1) throw new HttpError(400, 'audio.toneHz: expected 1 to 3999');
    return withRecord({ toneHz: hz });
  }
  if (v.echo !== undefined) {
    const e = v.echo === true ? {} : v.echo;
    if (!obj(e)) throw new HttpError(400, 'audio.echo: expected true or {"delayMs"?, "lossDb"?}');
    const delayMs = nonNegative(e.delayMs, 'audio.echo.delayMs', 10_000);
    const lossDb = nonNegative(e.lossDb, 'audio.echo.lossDb', 96);
    return withRecord({ echo: { ...(delayMs !== undefined ? { delayMs } : {}), ...(lossDb !== undefined ? { lossDb } : {}) } });
  }
  if (v.play !== undefined) {
    if (typeof v.play !== 'string' || v.play === '') throw new HttpError(400, 'audio.play: expected the path of a WAV or raw s16le file');
    const loaded = loadPlayFile(v.play);
    if ('error' in loaded) throw new HttpError(400, `audio.play: ${loaded.error}`);
    if (v.loop !== undefined && typeof v.loop !== 'boolean') throw new HttpError(400, 'audio.loop: expected true or false');
    return withRecord({ play: loaded.samples, ...(v.loop === false ? { loop: false } : {}) });
  }
  if (record !== undefined) return { record };
  throw new HttpError(400, 'audio: expected one of toneHz, echo, play, record');
}

function parseBehaviour(v: unknown): OutsideBehaviour {
  if (!obj(v) || typeof v.kind !== 'string') throw new HttpError(400, 'behaviour: expected {"kind": "answer"|"busy"|"no-answer"|"reject"|"unreachable"|"manual", ...}');
  const ringMs = nonNegative(v.ringMs, 'behaviour.ringMs', 600_000);
  switch (v.kind) {
    case 'answer': {
      const audio = parseAudio(v.audio);
      const hangupAfterMs = nonNegative(v.hangupAfterMs, 'behaviour.hangupAfterMs', 86_400_000);
      return {
        kind: 'answer',
        ...(audio !== undefined ? { audio } : {}),
        ...(ringMs !== undefined ? { ringMs } : {}),
        ...(hangupAfterMs !== undefined ? { hangupAfterMs } : {}),
      };
    }
    case 'reject':
      return { kind: 'reject', ...(ringMs !== undefined ? { ringMs } : {}) };
    case 'busy':
    case 'no-answer':
    case 'unreachable':
    case 'manual':
      return { kind: v.kind };
    default:
      throw new HttpError(400, `behaviour.kind: expected answer, busy, no-answer, reject, unreachable or manual; got ${JSON.stringify(v.kind)}`);
  }
}

export function audioRoutes(sim: Simulator, legOf: (id: number) => CallLeg | undefined): Route[] {
  return [
    [
      'POST',
      /^\/outside\/rules$/,
      (_p, b) => {
        const behaviour = parseBehaviour(b.behaviour);
        let pattern: RegExp | string;
        if (typeof b.number === 'string' && b.number !== '' && b.pattern === undefined) pattern = b.number;
        else if (typeof b.pattern === 'string' && b.pattern !== '' && b.number === undefined) {
          try {
            pattern = new RegExp(b.pattern);
          } catch (e) {
            throw new HttpError(400, `pattern: ${(e as Error).message}`);
          }
        } else throw new HttpError(400, 'give exactly one of "number" (exact, as routed: "+86…") or "pattern" (a regular expression)');
        sim.network.outside.addRule(pattern, behaviour);
        return { ok: true };
      },
    ],
    [
      'POST',
      /^\/outside\/rules\/clear$/,
      () => {
        sim.network.outside.clearRules();
        return { ok: true };
      },
    ],
    [
      'GET',
      /^\/calls\/(\d+)\/recording$/,
      (p, _b, query) => {
        const leg = legOf(Number(p[1]));
        if (!leg) throw new HttpError(404, `no call ${p[1]}`);
        const rec = recordingOf(leg);
        if (!rec) throw new HttpError(404, `call ${p[1]}: the outside party does not record (audio.record)`);
        const format = query.get('format') ?? 'wav';
        if (format === 'wav') return new RawBody('audio/wav', wavFile(rec.samples()));
        if (format === 'pcm') return new RawBody('application/octet-stream', pcmBytes(rec.samples()));
        throw new HttpError(400, 'format: expected wav or pcm');
      },
    ],
  ];
}
