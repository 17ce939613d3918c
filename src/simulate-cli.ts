/**
 * `cellgate simulate`: run simulated modems on pseudo-terminals, or drive a running simulator's control
 * API (the daemon's demo mode or a `cellgate simulate --ptys` process). See docs/simulator.md.
 */
import { mkdirSync } from 'node:fs';
import { readControlApiFile } from './control-api-file.js';
import { dataDirOf } from './data-dir-option.js';
import { parseCommandArgs, usageError } from './util/cli-args.js';
import { createLogger } from './util/log.js';
import type { TimingPreset } from '../modem-drivers/simulator/simulator.js';

export const SIMULATE_USAGE = `usage:
  cellgate simulate --ptys DIR [--modems N] [--timing zero|fast|realistic] [--control-port N]
      run N simulated modems (default 4), one pseudo-terminal each in DIR, plus the control API
  cellgate simulate [--api URL | --data DIR] COMMAND      talk to a running simulator
      The address comes from --api, else from the running daemon's DIR/simulator-control.json
      (DIR: --data, default /var/lib/cellgate as root, else ./data), else http://127.0.0.1:8081.
      modems | sims | calls | outbox
      log IMSI
      sms --to NUMBER (--text TEXT | --pdu HEX) [--from NUMBER]
      call --to NUMBER [--from NUMBER]
      answer CALL_ID | hangup CALL_ID
      signal IMSI RSSI
      registration IMSI denied|searching|not-registered|normal
      slot MODEM A|B|C|D
      sim MODEM SLOT remove
      fault MODEM hang|unhang|stuck-prompt|garbage|reset|power-cycle
      fault MODEM fail-command --command AT+CSQ [--final "+CME ERROR: 100"] [--times N]
      fault MODEM unplug [--ms N] [--new-path /dev/ttySIM9]`;

const TIMINGS = new Set(['zero', 'fast', 'realistic']);
const CONTROL_COMMANDS = new Set(['modems', 'sims', 'calls', 'outbox', 'log', 'sms', 'call', 'answer', 'hangup', 'signal', 'registration', 'slot', 'sim', 'fault']);

/** Where the control API of `cellgate simulate --ptys` and of demo mode listens unless told otherwise. */
export const DEFAULT_CONTROL_API = 'http://127.0.0.1:8081';

export async function simulateMain(args: string[]): Promise<number> {
  const p = parseCommandArgs(
    'simulate',
    args,
    {
      ptys: { type: 'string' },
      modems: { type: 'string' },
      timing: { type: 'string' },
      'control-port': { type: 'string' },
      api: { type: 'string' },
      to: { type: 'string' },
      from: { type: 'string' },
      text: { type: 'string' },
      pdu: { type: 'string' },
      command: { type: 'string' },
      final: { type: 'string' },
      times: { type: 'string' },
      ms: { type: 'string' },
      'new-path': { type: 'string' },
      'log-level': { type: 'string' },
      data: { type: 'string' },
    },
    SIMULATE_USAGE,
    { allowPositionals: true },
  );
  if (typeof p === 'number') return p;
  const { values, positionals } = p;
  if (values.ptys !== undefined) return runPtys(values);
  if (positionals.length === 0) return usageError('simulate', 'a command is needed', SIMULATE_USAGE);
  if (!CONTROL_COMMANDS.has(positionals[0]!)) return usageError('simulate', `unknown command ${JSON.stringify(positionals[0])}`, SIMULATE_USAGE);
  if (values.api !== undefined && values.data !== undefined) return usageError('simulate', 'give --api URL or --data DIR, not both', SIMULATE_USAGE);
  const where = controlApiAddress(values);
  if (typeof where === 'number') return where;
  return control(where, positionals, values);
}

/** The control API to talk to: --api, else the address the daemon left in its data directory, else the default. */
function controlApiAddress(values: Record<string, string | boolean | undefined>): { url: string; source: string } | number {
  if (typeof values.api === 'string') return { url: values.api, source: 'given with --api' };
  const found = readControlApiFile(dataDirOf(values));
  switch (found.kind) {
    case 'live':
      return { url: found.url, source: `found in ${found.file}` };
    case 'stale':
      console.error(`cellgate simulate: ${found.file} names ${found.url}, but the daemon that wrote it (pid ${found.pid}) is not running; start it, or give --api URL`);
      return 1;
    case 'invalid':
      console.error(`cellgate simulate: cannot use ${found.file}: ${found.reason}; give --api URL`);
      return 1;
    case 'missing':
      // No daemon in demo mode on that data directory: perhaps `cellgate simulate --ptys` on the default port.
      return { url: DEFAULT_CONTROL_API, source: `the default; no daemon wrote ${found.file}: give --data DIR or --api URL` };
  }
}

async function runPtys(values: Record<string, string | boolean | undefined>): Promise<number> {
  const n = values.modems === undefined ? 4 : Number(values.modems);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    console.error(`--modems: expected an integer from 1 to 64, got "${values.modems}"`);
    return 2;
  }
  const timing = (values.timing as string | undefined) ?? 'realistic';
  if (!TIMINGS.has(timing)) {
    console.error(`--timing: expected zero, fast or realistic, got "${timing}"`);
    return 2;
  }
  const port = values['control-port'] === undefined ? 8081 : Number(values['control-port']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--control-port: expected an integer from 0 to 65535, got "${values['control-port']}"`);
    return 2;
  }
  // Loaded here, not at the top: the CLI module is the daemon's too, and `cellgate start` does not
  // carry the simulator in memory (docs/decisions/0018-memory-budget.md).
  const [{ Simulator }, { startControlApi }, { haveSocat, PtyExposure }] = await Promise.all([
    import('../modem-drivers/simulator/simulator.js'),
    import('../modem-drivers/simulator/control-api.js'),
    import('../modem-drivers/simulator/pty.js'),
  ]);
  if (!haveSocat()) {
    console.error('cellgate simulate --ptys needs socat (Debian/Ubuntu: apt-get install socat)');
    return 1;
  }
  const dir = values.ptys as string;
  mkdirSync(dir, { recursive: true });
  const log = createLogger({ level: ((values['log-level'] as string | undefined) ?? 'warn') as 'warn', destination: process.stderr });
  const sim = new Simulator({ modems: n, timing: timing as TimingPreset, log });
  const ptys = sim.modems.map((m) => new PtyExposure(m, dir, log));
  const audioPtys = sim.modems.map((m) => new PtyExposure(m, dir, log, 'audio'));
  let paths: string[];
  let audioPaths: string[];
  let api;
  try {
    api = await startControlApi(sim, { port, log });
    paths = await Promise.all(ptys.map((p) => p.start()));
    audioPaths = await Promise.all(audioPtys.map((p) => p.start()));
  } catch (e) {
    await Promise.all([...ptys, ...audioPtys].map((p) => p.stop()));
    await api?.close();
    sim.close();
    console.error(`cellgate simulate: ${(e as Error).message}`);
    return 1;
  }
  for (let i = 0; i < paths.length; i++) {
    const m = sim.modems[i]!;
    console.log(`${paths[i]} modem ${m.id} ${m.dialect} IMEI ${m.imei}`);
    console.log(`${audioPaths[i]} audio port of modem ${m.id}`);
  }
  console.log(`control API ${api.url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.all([...ptys, ...audioPtys].map((p) => p.stop()));
  await api.close();
  sim.close();
  return 0;
}

async function control(where: { url: string; source: string }, pos: string[], v: Record<string, string | boolean | undefined>): Promise<number> {
  const api = where.url;
  const [cmd, a, b, c] = pos;
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    let r: Response;
    try {
      r = await fetch(api.replace(/\/$/, '') + path, {
        method,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      });
    } catch (e) {
      const cause = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
      console.error(`cellgate simulate: cannot reach the simulator control API at ${api} (${where.source}): ${cause}`);
      return 1;
    }
    const text = await r.text();
    (r.ok ? process.stdout : process.stderr).write(text.endsWith('\n') ? text : text + '\n');
    return r.ok ? 0 : 1;
  };
  const need = (x: string | undefined, what: string): x is string => {
    if (x === undefined) usageError(`simulate ${cmd}`, `missing ${what}`, SIMULATE_USAGE);
    return x !== undefined;
  };
  switch (cmd) {
    case 'modems':
      return call('GET', '/modems');
    case 'sims':
      return call('GET', '/sims');
    case 'calls':
      return call('GET', '/calls');
    case 'outbox':
      return call('GET', '/outside/sms');
    case 'log':
      return need(a, 'IMSI') ? call('GET', `/sims/${encodeURIComponent(a)}/log`) : 2;
    case 'sms':
      if (!need(v.to as string | undefined, '--to')) return 2;
      return call('POST', '/sms', {
        from: (v.from as string | undefined) ?? '+8613912345678',
        to: v.to,
        ...(v.pdu !== undefined ? { pdu: v.pdu } : { text: (v.text as string | undefined) ?? '' }),
      });
    case 'call':
      if (!need(v.to as string | undefined, '--to')) return 2;
      return call('POST', '/calls', { from: (v.from as string | undefined) ?? '+8613912345678', to: v.to });
    case 'answer':
    case 'hangup':
      return need(a, 'CALL_ID') ? call('POST', `/calls/${encodeURIComponent(a)}/${cmd}`) : 2;
    case 'signal':
      return need(a, 'IMSI') && need(b, 'RSSI') ? call('POST', `/sims/${a}/signal`, { rssi: Number(b) }) : 2;
    case 'registration':
      return need(a, 'IMSI') && need(b, 'STATE') ? call('POST', `/sims/${a}/registration`, { state: b === 'normal' ? null : b }) : 2;
    case 'slot':
      return need(a, 'MODEM') && need(b, 'SLOT') ? call('POST', `/modems/${a}/slot`, { slot: b }) : 2;
    case 'sim':
      if (!need(a, 'MODEM') || !need(b, 'SLOT')) return 2;
      if (c !== 'remove') return usageError('simulate sim', `expected "remove" after the slot, got ${c === undefined ? 'nothing' : JSON.stringify(c)}`, SIMULATE_USAGE);
      return call('POST', `/modems/${a}/sims/${b}`, { remove: true });
    case 'fault': {
      if (!need(a, 'MODEM') || !need(b, 'FAULT')) return 2;
      const body: Record<string, unknown> = { fault: b };
      if (v.command !== undefined) body.command = v.command;
      if (v.final !== undefined) body.final = v.final;
      if (v.times !== undefined) body.times = Number(v.times);
      if (v.ms !== undefined) body.ms = Number(v.ms);
      if (v['new-path'] !== undefined) body.newPath = v['new-path'];
      return call('POST', `/modems/${a}/faults`, body);
    }
    default:
      return usageError('simulate', `unknown command ${JSON.stringify(cmd)}`, SIMULATE_USAGE);
  }
}
