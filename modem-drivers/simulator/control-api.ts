/**
 * The simulator's control API: HTTP + JSON on 127.0.0.1 (no authentication: keep it on loopback).
 * Documented in docs/simulator.md. Plain node:http: a dozen routes need no framework.
 *
 *   GET  /modems                         status of every simulated modem
 *   GET  /modems/:id
 *   POST /modems/:id/slot        {slot}  select a SIM holder (what the SIM switch does)
 *   POST /modems/:id/sims/:slot  {remove: true} | {sim: SimCard}   remove or insert a card
 *   POST /modems/:id/faults      {fault, ...}  hang | unhang | stuck-prompt | garbage | fail-command | reset | unplug | power-cycle
 *   POST /modems/:id/sms         {tpdu, smsc?}  the modem receives this TPDU as it is (not checked: for PDUs no decoder reads)
 *   GET  /sims                           every SIM the network knows (attached or not)
 *   GET  /sims/:imsi/log                 what the SIM sent and received, its calls
 *   POST /sims/:imsi/signal      {rssi}
 *   POST /sims/:imsi/registration {state: "denied"|"searching"|"not-registered"|null}
 *   POST /sms                    {from, to, text} | {from, to, pdu}   an outside sender texts a SIM
 *   GET  /outside/sms[?after=N]          SMS that SIMs sent to outside numbers (after part N)
 *   POST /calls                  {from, to, audio?}   an outside caller calls a SIM (audio: as in rules; 425 Hz by default)
 *   GET  /calls                          outside parties' calls (placed here or from SIMs)
 *   POST /calls/:id/answer | /calls/:id/hangup
 *   POST /calls/:id/dtmf         {keys}  the outside party presses keys (0-9 * # A-D) during the call
 *   (each call in GET /calls shows `dtmfReceived`: the keys the SIM sent to the outside party, AT+VTS)
 *   POST /outside/rules, POST /outside/rules/clear, GET /calls/:id/recording: control-api-audio.ts
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../src/util/log.js';
import type { Simulator } from './simulator.js';
import type { CallLeg, SimCard } from './types.js';
import { audioRoutes, HttpError, parseAudio, RawBody } from './control-api-audio.js';

type SlotId = 'A' | 'B' | 'C' | 'D';
const SLOTS = new Set(['A', 'B', 'C', 'D']);

interface TrackedCall {
  id: number;
  leg: CallLeg;
  from: string;
  to: string;
  direction: 'to-sim' | 'from-sim';
  startedAt: number;
  endedAt: number | null;
  cause: string | null;
  /** Keys the other side of the call sent to this outside party (AT+VTS on the SIM's modem), in order. */
  dtmfReceived: string;
}

export interface ControlApi {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startControlApi(sim: Simulator, opts: { host?: string; port?: number; log?: Logger } = {}): Promise<ControlApi> {
  const calls = new Map<number, TrackedCall>();
  let nextCall = 1;
  const track = (leg: CallLeg, from: string, to: string, direction: TrackedCall['direction']): TrackedCall => {
    const c: TrackedCall = { id: nextCall++, leg, from, to, direction, startedAt: sim.clock.now(), endedAt: null, cause: null, dtmfReceived: '' };
    calls.set(c.id, c);
    leg.onDtmf((key) => {
      c.dtmfReceived += key;
    });
    leg.onState((st, cause) => {
      if (st === 'ended') {
        c.endedAt = sim.clock.now();
        c.cause = cause ?? 'normal';
        // keep the last 200 ended calls
        const ended = [...calls.values()].filter((x) => x.endedAt !== null);
        for (const old of ended.slice(0, Math.max(0, ended.length - 200))) calls.delete(old.id);
      }
    });
    return c;
  };
  const stopListening = sim.network.outside.onCall((leg, info) => void track(leg, info.from, info.to, 'from-sim'));
  const showCall = (c: TrackedCall) => ({
    id: c.id,
    from: c.from,
    to: c.to,
    direction: c.direction,
    state: c.leg.state,
    startedAt: new Date(c.startedAt).toISOString(),
    endedAt: c.endedAt === null ? null : new Date(c.endedAt).toISOString(),
    cause: c.cause,
    dtmfReceived: c.dtmfReceived,
  });

  const modemOf = (id: string) => {
    const m = sim.modem(Number(id));
    if (!m || !/^\d+$/.test(id)) throw new HttpError(404, `no simulated modem ${id}`);
    return m;
  };
  const str = (b: Record<string, unknown>, k: string, required = true): string | undefined => {
    const v = b[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v === '') throw new HttpError(400, `${k}: expected a non-empty string`);
    return v;
  };

  const routes: [string, RegExp, (m: RegExpExecArray, body: Record<string, unknown>, query: URLSearchParams) => unknown][] = [
    ['GET', /^\/modems$/, () => ({ modems: sim.modems.map((m) => m.status()) })],
    ['GET', /^\/modems\/([^/]+)$/, (p) => modemOf(p[1]!).status()],
    [
      'POST',
      /^\/modems\/([^/]+)\/slot$/,
      (p, b) => {
        const m = modemOf(p[1]!);
        const slot = str(b, 'slot')!;
        if (!SLOTS.has(slot)) throw new HttpError(400, 'slot: expected "A", "B", "C" or "D"');
        m.selectSlot(slot as SlotId);
        return m.status();
      },
    ],
    [
      'POST',
      /^\/modems\/([^/]+)\/sims\/([A-D])$/,
      (p, b) => {
        const m = modemOf(p[1]!);
        const slot = p[2] as SlotId;
        if (b.remove === true) m.removeSim(slot);
        else if (b.sim && typeof b.sim === 'object') m.insertSim(slot, validSim(b.sim as Record<string, unknown>));
        else throw new HttpError(400, 'expected {"remove": true} or {"sim": {iccid, imsi, number, pin, puk, plmn, smsc}}');
        return m.status();
      },
    ],
    [
      'POST',
      /^\/modems\/([^/]+)\/faults$/,
      (p, b) => {
        const m = modemOf(p[1]!);
        const fault = str(b, 'fault')!;
        switch (fault) {
          // 409 for a fault that cannot take effect now, so that whoever injects it does not wait for its effect.
          case 'hang':
            if (!m.setHung(true)) throw new HttpError(409, `modem ${m.id} is off (restarting or unplugged): it cannot hang`);
            break;
          case 'unhang':
            m.setHung(false);
            break;
          case 'stuck-prompt':
            if (!m.stuckPrompt()) throw new HttpError(409, `modem ${m.id} has no host on its port or is hung: nobody would see a prompt`);
            break;
          case 'garbage':
            if (!m.injectGarbage()) throw new HttpError(409, `modem ${m.id} has no host on its port or is hung: the noise would reach nobody`);
            break;
          case 'fail-command': {
            const times = b.times === undefined ? 1 : Number(b.times);
            if (!Number.isInteger(times) || times < 1) throw new HttpError(400, 'times: expected a positive integer');
            m.failCommand(str(b, 'command')!, str(b, 'final', false) ?? '+CME ERROR: 100', times);
            break;
          }
          case 'reset':
            m.reset();
            break;
          case 'power-cycle':
            m.powerCycle();
            break;
          case 'unplug': {
            const ms = b.ms === undefined ? 5000 : Number(b.ms);
            if (!Number.isInteger(ms) || ms < 0 || ms > 86_400_000) throw new HttpError(400, 'ms: expected milliseconds from 0 to 86400000 (one day)');
            m.unplug(ms, str(b, 'newPath', false));
            break;
          }
          default:
            throw new HttpError(400, `fault: expected one of hang, unhang, stuck-prompt, garbage, fail-command, reset, power-cycle, unplug; got ${JSON.stringify(fault)}`);
        }
        return m.status();
      },
    ],
    [
      'POST',
      /^\/modems\/([^/]+)\/sms$/,
      (p, b) => {
        const m = modemOf(p[1]!);
        const tpdu = str(b, 'tpdu')!;
        if (!/^([0-9A-Fa-f]{2})+$/.test(tpdu)) throw new HttpError(400, 'tpdu: expected hex octets');
        if (!m.receiveRawSms(tpdu, str(b, 'smsc', false))) throw new HttpError(409, `modem ${m.id} has no ready SIM to receive on`);
        return m.status();
      },
    ],
    ['GET', /^\/sims$/, () => ({ sims: sim.network.subscribers() })],
    [
      'GET',
      /^\/sims\/(\d+)\/log$/,
      (p) => {
        const log = sim.network.log(p[1]!);
        if (!log) throw new HttpError(404, `no SIM with IMSI ${p[1]}`);
        return log;
      },
    ],
    [
      'POST',
      /^\/sims\/(\d+)\/signal$/,
      (p, b) => {
        const rssi = Number(b.rssi);
        if (!sim.network.setSignal(p[1]!, rssi)) throw new HttpError(400, `no attached SIM ${p[1]} or rssi not 0..31/99`);
        return sim.network.subscriber(p[1]!);
      },
    ],
    [
      'POST',
      /^\/sims\/(\d+)\/registration$/,
      (p, b) => {
        const st = b.state;
        if (st !== null && st !== 'denied' && st !== 'searching' && st !== 'not-registered') {
          throw new HttpError(400, 'state: expected "denied", "searching", "not-registered" or null');
        }
        if (!sim.network.setRegistration(p[1]!, st)) throw new HttpError(404, `no SIM with IMSI ${p[1]}`);
        return sim.network.subscriber(p[1]!);
      },
    ],
    [
      'POST',
      /^\/sms$/,
      (_p, b) => {
        const from = str(b, 'from')!;
        const to = str(b, 'to')!;
        const text = str(b, 'text', false);
        const pdu = b.pdu;
        if ((text === undefined) === (pdu === undefined)) throw new HttpError(400, 'give exactly one of "text" or "pdu"');
        if (pdu !== undefined && typeof pdu !== 'string' && !(Array.isArray(pdu) && pdu.every((x) => typeof x === 'string'))) {
          throw new HttpError(400, 'pdu: expected a hex string or a list of them');
        }
        const r = sim.network.outside.sms({ from, to, ...(text !== undefined ? { text } : { pdu: pdu as string | string[] }) });
        if (!r.ok) throw new HttpError(400, r.error);
        return r;
      },
    ],
    [
      'GET',
      /^\/outside\/sms$/,
      (_p, _b, query) => {
        // ?after=N: only the parts recorded after part N, so a reader that polls sees each part once.
        // The log keeps the latest parts only: oldestSeq above N + 1 means some were dropped unread.
        const after = query.get('after');
        if (after !== null && !/^\d{1,15}$/.test(after)) throw new HttpError(400, 'after: expected a part number (0 or more)');
        const outside = sim.network.outside;
        const parts = outside.partsAfter(after === null ? 0 : Number(after));
        return { messages: outside.messages(parts), parts, lastSeq: outside.recordedParts, oldestSeq: outside.inbox[0]?.seq ?? outside.recordedParts + 1 };
      },
    ],
    [
      'POST',
      /^\/calls$/,
      (_p, b) => {
        const from = str(b, 'from')!;
        const to = str(b, 'to')!;
        const leg = sim.network.outside.call(from, to, { audio: parseAudio(b.audio) ?? { toneHz: 425 } });
        return showCall(track(leg, from, to, 'to-sim'));
      },
    ],
    ['GET', /^\/calls$/, () => ({ calls: [...calls.values()].map(showCall) })],
    [
      'POST',
      /^\/calls\/(\d+)\/dtmf$/,
      (p, b) => {
        const c = calls.get(Number(p[1]));
        if (!c) throw new HttpError(404, `no call ${p[1]}`);
        const keys = str(b, 'keys')!;
        if (!/^[0-9*#A-Da-d]{1,64}$/.test(keys)) throw new HttpError(400, 'keys: expected 1 to 64 of 0-9 * # A-D');
        if (c.leg.state !== 'active') throw new HttpError(409, `call ${c.id} is ${c.leg.state}, not active: keys are heard only in a connected call`);
        c.leg.sendDtmf(keys);
        return showCall(c);
      },
    ],
    [
      'POST',
      /^\/calls\/(\d+)\/(answer|hangup)$/,
      (p) => {
        const c = calls.get(Number(p[1]));
        if (!c) throw new HttpError(404, `no call ${p[1]}`);
        if (p[2] === 'hangup') c.leg.hangup();
        else if (c.leg.state !== 'incoming') throw new HttpError(409, `call ${c.id} is ${c.leg.state}, not ringing at the outside party`);
        else c.leg.answer();
        return showCall(c);
      },
    ],
    ...audioRoutes(sim, (id) => calls.get(id)?.leg),
  ];

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: Error) => {
      opts.log?.error({ err: e }, 'simulator control API error');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Record<string, unknown> = {};
    try {
      let path: string;
      let query: URLSearchParams;
      try {
        const url = new URL(req.url ?? '/', 'http://x');
        path = url.pathname.replace(/\/+$/, '') || '/';
        query = url.searchParams;
      } catch {
        throw new HttpError(400, 'malformed request URL');
      }
      if (req.method === 'POST') body = await readJson(req);
      const matching = routes.filter(([, re]) => re.test(path));
      if (matching.length === 0) throw new HttpError(404, `no route ${path}`);
      const route = matching.find(([m]) => m === req.method);
      if (!route) throw new HttpError(405, `${req.method} not allowed on ${path}`);
      const m = route[1].exec(path)!;
      send(res, 200, route[2](m, body, query));
    } catch (e) {
      if (e instanceof HttpError) send(res, e.status, { error: e.message });
      else throw e;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8081, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    server,
    port: addr.port,
    url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () =>
      new Promise<void>((r) => {
        stopListening();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (body instanceof RawBody) {
    res.writeHead(status, { 'content-type': body.contentType, 'content-length': body.body.length, 'cache-control': 'no-store' });
    res.end(body.body);
    return;
  }
  const s = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(s);
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 256 * 1024) {
        reject(new HttpError(413, 'body over 256 KiB'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      try {
        const v = JSON.parse(text) as unknown;
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return reject(new HttpError(400, 'expected a JSON object'));
        resolve(v as Record<string, unknown>);
      } catch (e) {
        reject(new HttpError(400, `invalid JSON body: ${(e as Error).message}`));
      }
    });
  });
}

function validSim(o: Record<string, unknown>): SimCard {
  const s = (k: string, re: RegExp, what: string): string => {
    const v = o[k];
    if (typeof v !== 'string' || !re.test(v)) throw new HttpError(400, `sim.${k}: expected ${what}`);
    return v;
  };
  const number = o.number === null || o.number === undefined ? null : s('number', /^\+?\d{3,15}$/, 'a phone number or null');
  const pin = o.pin === null || o.pin === undefined ? null : s('pin', /^\d{4,8}$/, '4-8 digits or null');
  return {
    iccid: s('iccid', /^\d{18,20}$/, '18-20 digits'),
    imsi: s('imsi', /^\d{15}$/, '15 digits'),
    number,
    pin,
    puk: typeof o.puk === 'string' ? s('puk', /^\d{8}$/, '8 digits') : '12345678',
    plmn: s('plmn', /^\d{5,6}$/, 'an MCC+MNC such as "46000"'),
    smsc: typeof o.smsc === 'string' ? s('smsc', /^\+?\d{3,15}$/, 'a phone number') : '+8613800100500',
    volte: o.volte !== false,
  };
}
