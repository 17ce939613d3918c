/**
 * baresip (Debian package `baresip`) as a SIP phone in tests: a config directory written for free
 * ports on 127.0.0.1 (no sound card: a sine or WAV-file source and a null player), one account
 * registering with digest, and its ctrl_tcp module (netstring-framed JSON) to dial, answer, hang up and
 * hear its call events. With `recordDir`, its sndfile filter writes each call's audio there as WAV:
 * `dump-<time>-dec.wav` what it heard (after decoding), `dump-<time>-enc.wav` what it sent.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { freeUdpPort } from '../../helpers/sipp.js';

export function assertBaresipInstalled(): void {
  const which = spawnSync('sh', ['-c', 'command -v baresip'], { encoding: 'utf8' });
  if (which.status !== 0 || which.stdout.trim() === '') assert.fail('baresip is not installed: install the Debian package baresip (apt-get install baresip), which .ci/run lists');
}

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The source lines of the config: aufile checks that the WAV's rate and channels are the source's (8 kHz mono). */
function sourceConfig(source: NonNullable<BaresipOptions['source']>): string[] {
  if ('wav' in source) return [`audio_source aufile,${source.wav}`, 'ausrc_srate 8000', 'ausrc_channels 1'];
  return [`audio_source ausine,${source.sineHz}`, 'ausrc_srate 48000', 'ausrc_channels 2'];
}

export interface BaresipEvent {
  type: string;
  param?: string;
  [k: string]: unknown;
}

export interface Baresip {
  readonly sipPort: number;
  readonly events: BaresipEvent[];
  log(): string;
  /** Sends a ctrl_tcp command (`accept`, `hangup`…). */
  command(command: string, params?: string): void;
  waitEvent(type: string, timeoutMs?: number): Promise<BaresipEvent>;
  stop(): Promise<void>;
}

export interface BaresipOptions {
  /** `manual` (default): answers on the `accept` command; `auto`: answers every incoming call at once. */
  answer?: 'manual' | 'auto';
  /** What it sends: a sine of `sineHz` (ausine, 48 kHz stereo; default 440 Hz), or a WAV file (aufile: 8 kHz 16-bit mono). */
  source?: { sineHz: number } | { wav: string };
  /** A directory for the sndfile filter's recordings of each call (what it heard and what it sent). */
  recordDir?: string;
}

/** A running baresip and its control connection, or why it did not start. */
type Launch = { ok: true; sipPort: number; child: ChildProcess; socket: Socket; output: () => string; exited: Promise<void> } | { ok: false; output: string; ctrlPort: number };

/** Ports picked free can be taken by someone else (an outgoing TCP connection's local port) before baresip binds them: a bind failure is retried with new ports. */
const LAUNCH_ATTEMPTS = 3;

/** Starts baresip registering `user` with `password` at 127.0.0.1:`registrarPort`; answers only when told unless `answer` is `auto`. */
export async function startBaresip(dir: string, name: string, user: string, password: string, registrarPort: number, o: BaresipOptions = {}): Promise<Baresip> {
  let launch = await launchBaresip(dir, name, user, password, registrarPort, o);
  for (let attempt = 2; attempt <= LAUNCH_ATTEMPTS && !launch.ok && /Address already in use/.test(launch.output); attempt++) {
    launch = await launchBaresip(dir, name, user, password, registrarPort, o);
  }
  if (!launch.ok) assert.fail(`baresip ${name}: ctrl_tcp did not open on ${launch.ctrlPort}:\n${launch.output}`);
  const { sipPort, child, socket, exited } = launch;
  const readOutput = launch.output;
  const events: BaresipEvent[] = [];
  const waiters: (() => void)[] = [];
  let buf = '';
  socket.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    for (;;) {
      const m = /^(\d+):/.exec(buf);
      if (!m || buf.length < m[0].length + Number(m[1]) + 1) break;
      const body = buf.slice(m[0].length, m[0].length + Number(m[1]));
      buf = buf.slice(m[0].length + Number(m[1]) + 1);
      try {
        const o = JSON.parse(body) as BaresipEvent & { event?: boolean };
        if (o.event) events.push(o);
      } catch {
        /* not JSON */
      }
      for (const w of waiters.splice(0)) w();
    }
  });
  socket.on('error', () => undefined);
  const ctrl = socket;
  // Without the call statistics line baresip rewrites many times a second, which would crowd out the rest.
  const cleanOutput = (): string => readOutput().replace(/\[\d+:\d\d:\d\d\] audio=\S+ \(bit\/s\)\s*/g, '');
  return {
    sipPort,
    events,
    log: cleanOutput,
    command(command, params = '') {
      const j = JSON.stringify({ command, params, token: command });
      ctrl.write(`${Buffer.byteLength(j)}:${j},`);
    },
    async waitEvent(type, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const e = events.find((x) => x.type === type);
        if (e) return e;
        const left = end - Date.now();
        if (left <= 0) throw new Error(`baresip ${name}: no ${type} event in ${timeoutMs} ms; events: ${JSON.stringify(events.map((x) => x.type))}\n${cleanOutput().slice(-2000)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => (clearTimeout(t), resolve()));
        });
      }
    },
    async stop() {
      ctrl.destroy();
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      child.kill('SIGKILL');
    },
  };
}

async function launchBaresip(dir: string, name: string, user: string, password: string, registrarPort: number, o: BaresipOptions): Promise<Launch> {
  const home = join(dir, name);
  mkdirSync(home, { recursive: true });
  const sipPort = await freeUdpPort();
  const ctrlPort = await freeTcpPort();
  const rtp = 20000 + Math.floor(Math.random() * 20000) * 2;
  writeFileSync(
    join(home, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${sipPort}`,
      'net_interface 127.0.0.1',
      'call_local_timeout 120',
      'call_max_calls 4',
      ...sourceConfig(o.source ?? { sineHz: 440 }),
      'audio_player aubridge,nowhere',
      'audio_alert aubridge,nowhere',
      ...(o.recordDir ? [`snd_path ${o.recordDir}`] : []),
      'audio_level no',
      `rtp_ports ${rtp}-${rtp + 10}`,
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module ausine.so',
      'module aufile.so',
      'module aubridge.so',
      ...(o.recordDir ? ['module sndfile.so'] : []),
      'module_tmp account.so',
      'module_app menu.so',
      'module_app ctrl_tcp.so',
      `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(home, 'accounts'), `<sip:${user}@127.0.0.1:${registrarPort}>;auth_pass=${password};answermode=${o.answer ?? 'manual'};regint=300;audio_codecs=pcmu\n`);
  const child: ChildProcess = spawn('timeout', ['50', 'baresip', '-f', home], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let closed = false;
  child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.on('close', () => ((closed = true), resolve())));

  let socket: Socket | null = null;
  for (let i = 0; i < 50 && socket === null && !closed; i++) {
    await new Promise((r) => setTimeout(r, 100));
    socket = await new Promise<Socket | null>((resolve) => {
      const s = connect(ctrlPort, '127.0.0.1', () => resolve(s));
      s.on('error', () => resolve(null));
    });
  }
  if (socket === null) {
    child.kill('SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    return { ok: false, output, ctrlPort };
  }
  return { ok: true, sipPort, child, socket, output: () => output, exited };
}
