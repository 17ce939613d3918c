/**
 * Puts simulated modems behind real pseudo-terminals, so the daemon's serial path and third-party AT
 * software (gammu, smstools, Kannel) use them exactly as hardware: `socat PTY,link=DIR/ttySIMn,rawer
 * TCP:127.0.0.1:<port>` per modem, each TCP connection bridged to the modem's AT port.
 *
 * socat (Debian package `socat`) is required; Node has no pseudo-terminal API of its own. When the
 * modem's port goes away (reset, unplug), the TCP connection is closed, socat exits and the pty vanishes,
 * as a USB tty does; it is created again, under the modem's current device name, once the modem is back.
 *
 * The same bridge exposes a modem's PCM audio port (kind 'audio', audio-port.ts) as a second pty,
 * `DIR/ttySIMn.pcm`: raw bytes both ways. Audio nobody reads is dropped beyond a small backlog, as a
 * USB tty nobody reads drops it, so an unread pty does not grow the process's memory.
 *
 * Both ends of the TCP hop set TCP_NODELAY: a USB modem's bytes reach the host at once, but with Nagle's
 * algorithm a reply written right after an unsolicited line (an unacknowledged small segment) waits for
 * the peer's delayed ACK, about 40 ms on Linux, which no real modem does.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import type { Logger } from '../../src/util/log.js';
import type { SimulatedModem } from './modem/simulated-modem.js';

export function haveSocat(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** socat's two addresses: the pty (raw, no echo) and the TCP connection to `port`, both without delay. */
export function socatArguments(linkPath: string, port: number): string[] {
  return [`PTY,link=${linkPath},rawer`, `TCP:127.0.0.1:${port},nodelay`];
}

/** Audio bytes waiting for a reader beyond this are dropped (about 1.6 s of 8 kHz PCM). */
const AUDIO_BACKLOG_BYTES = 32 * 1024;

export type PtyKind = 'at' | 'audio';

export class PtyExposure {
  private server: Server | null = null;
  private socat: ChildProcess | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private sockets = new Set<Socket>();
  private port = 0;
  /** Path of the pty link while it exists. */
  path: string | null = null;

  constructor(
    private readonly modem: SimulatedModem,
    private readonly dir: string,
    private readonly log?: Logger,
    private readonly kind: PtyKind = 'at',
  ) {}

  /** Starts and resolves once the pty link exists. */
  async start(): Promise<string> {
    this.server = createServer((sock) => this.bridge(sock));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    this.spawnSocat();
    const path = this.linkPath();
    const end = Date.now() + 5000;
    while (!existsSync(path)) {
      if (Date.now() > end) throw new Error(`socat did not create ${path}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return path;
  }

  private linkPath(): string {
    return join(this.dir, basename(this.kind === 'audio' ? this.modem.audioPath : this.modem.devicePath));
  }

  private spawnSocat(): void {
    if (this.stopped) return;
    const path = this.linkPath();
    this.path = path;
    const c = spawn('socat', socatArguments(path, this.port), { stdio: 'ignore' });
    this.socat = c;
    c.on('error', (e) => this.log?.error({ err: e.message }, 'cannot run socat'));
    c.on('exit', () => {
      if (this.socat === c) this.socat = null;
      if (this.path === path) this.path = null;
      if (!this.stopped) this.scheduleRespawn();
    });
  }

  /** Polls only while the modem is away (a few hundred ms at a time), never at idle. */
  private scheduleRespawn(): void {
    if (this.retry || this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.modem.status().present) this.spawnSocat();
      else this.scheduleRespawn();
    }, 250);
  }

  private bridge(sock: Socket): void {
    this.sockets.add(sock);
    sock.setNoDelay(true);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => {});
    let t;
    try {
      t = this.kind === 'audio' ? this.modem.openAudio() : this.modem.open();
    } catch (e) {
      this.log?.debug({ err: (e as Error).message }, 'simulated modem not there; closing pty');
      sock.destroy();
      return;
    }
    const audio = this.kind === 'audio';
    t.onData((b) => {
      if (audio && sock.writableLength > AUDIO_BACKLOG_BYTES) return;
      sock.write(b);
    });
    t.onClose(() => sock.destroy());
    sock.on('data', (d) => t.write(d));
    sock.on('close', () => void t.close());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.socat?.kill('SIGTERM');
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    if (this.path) rmSync(this.path, { force: true });
  }
}
