/**
 * AT command channel: one command in flight per port, a priority queue, per-command timeouts, and
 * URC routing. The only I/O is the transport it is given.
 *
 * How a line is attributed while a command is in flight (first rule that applies):
 *   1. the line after a URC that carries a PDU (+CMT, +CDS; TS 27.005 §3.4.1) is that URC's body;
 *   2. the line after a `pduAfter` information line (+CMGR, +CMGL; TS 27.005 §3.4.2-3) is response;
 *   3. a final result (OK, ERROR, +CME/+CMS ERROR, and the command's `extraFinals`) ends the command;
 *   4. echo of the command line or of the prompt data is dropped (V.250 §6.2.4, ATE1);
 *   5. a line starting with one of the command's `prefixes` is response;
 *   6. a line matching a registered URC prefix is a URC (+CMTI inside +CLCC, +CREG between lines);
 *   7. a `bare` command (ATI, +CGSN, +CIMI) takes any other line; else it is an unknown URC.
 * With nothing in flight, NO CARRIER/BUSY/NO ANSWER are URCs (a call ended) and a stray OK/ERROR (the
 * late answer of a command that timed out) is logged and dropped.
 *
 * After a timeout the modem may still answer the old command; so before the next command the channel
 * sends a bare `AT` and waits for a short quiet period, discarding what arrives (resynchronisation).
 * The same after every ESC: a modem leaving a `> ` prompt answers the cancelled send (TS 27.005 §3.5.1),
 * and replies to commands it took as PDU text, or that were answered around the ESC, may still come.
 * A command in flight when a `> ` nobody asked for arrives is rejected (AtInterruptedError): the modem
 * read it as PDU text, so the final result that follows is not its answer.
 */
import type { Logger } from '../util/log.js';
import { AtFramer, type FrameToken } from './framer.js';
import { parseFinal, isAlwaysFinal } from './result.js';
import {
  AtClosedError,
  AtCommandError,
  AtInterruptedError,
  AtTimeoutError,
  type AtChannelApi,
  type AtCommand,
  type AtResponse,
  type AtTransport,
  type FinalResult,
  type Priority,
  type Urc,
  type UrcSpec,
} from './types.js';

export interface AtChannelOptions {
  log: Logger;
  /** Name used in log lines (e.g. the line id). */
  name?: string;
  /** Timeout for commands that do not set their own (ms). */
  defaultTimeoutMs?: number;
  /** Quiet time after a resynchronising `AT` (ms). */
  resyncQuietMs?: number;
}

export type ChannelEvent =
  /** A command was written to the modem (`network`: silence until its answer is normal). */
  | { type: 'sent'; network: boolean }
  | { type: 'timeout'; cmd: string; timeoutMs: number }
  | { type: 'garbage'; bytes: number; sample: string }
  | { type: 'stray'; line: string }
  | { type: 'stuck-prompt' }
  | { type: 'closed'; error?: Error };

/** URCs every 27.007/27.005 modem can send; drivers add their own. */
export const STANDARD_URCS: readonly UrcSpec[] = [
  { prefix: 'RING' },
  { prefix: '+CRING:' },
  { prefix: '+CLIP:' },
  { prefix: '+CCWA:' },
  { prefix: '+CMTI:' },
  { prefix: '+CMT:', pduFollows: true },
  { prefix: '+CDS:', pduFollows: true },
  { prefix: '+CDSI:' },
  { prefix: '+CBM:', pduFollows: true },
  { prefix: '+CREG:' },
  { prefix: '+CGREG:' },
  { prefix: '+CEREG:' },
  { prefix: '+CUSD:' },
  { prefix: '+CPIN:' },
  { prefix: '+CIEV:' },
];

const PRIORITY_ORDER: readonly Priority[] = ['urgent', 'high', 'normal', 'low'];
const PROMPT_FINALS = new Set(['NO CARRIER', 'BUSY', 'NO ANSWER', 'NO DIALTONE', 'CONNECT']);

interface Pending {
  command: AtCommand;
  resolve: (r: AtResponse) => void;
  reject: (e: Error) => void;
}

type Phase = 'response' | 'await-prompt' | 'after-prompt' | 'after-connect';

interface InFlight extends Pending {
  startedAt: number;
  lines: string[];
  phase: Phase;
  pduNext: boolean;
  timer: NodeJS.Timeout;
  internal: boolean;
}

export class AtChannel implements AtChannelApi {
  private readonly log: Logger;
  private readonly name: string;
  private readonly defaultTimeoutMs: number;
  private readonly resyncQuietMs: number;
  private readonly framer = new AtFramer();
  private readonly queues: Pending[][] = [[], [], [], []];
  private current: InFlight | null = null;
  private urcs: UrcSpec[] = [...STANDARD_URCS];
  private urcBodyFor: string | null = null;
  private readonly urcListeners = new Set<(u: Urc) => void>();
  private readonly eventListeners = new Set<(e: ChannelEvent) => void>();
  private closedError: Error | null = null;
  private needResync = false;
  private quietUntil = 0;
  private readonly onToken = (t: FrameToken) => this.token(t);

  /** Milliseconds-since-epoch of the last byte received; 0 before any. */
  lastRxAt = 0;
  /** Chunks received so far: tells "anything since?" exactly, where two times in one millisecond cannot. */
  rxChunks = 0;
  /** Counters since the channel opened: commands sent, timeouts, non-OK final results, garbage bytes, URCs. */
  readonly stats = { commands: 0, timeouts: 0, errors: 0, garbageBytes: 0, urcs: 0 };

  constructor(private readonly transport: AtTransport, opts: AtChannelOptions) {
    this.log = opts.log;
    this.name = opts.name ?? 'at';
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? 5000;
    this.resyncQuietMs = opts.resyncQuietMs ?? 100;
    transport.onData((chunk) => {
      this.lastRxAt = Date.now();
      this.rxChunks++;
      if (!this.current?.command.secret && this.log.isLevelEnabled('trace')) this.log.trace({ port: this.name, rx: chunk.toString('latin1') }, 'AT rx bytes');
      this.framer.feed(chunk, this.onToken);
    });
    transport.onClose((err) => this.closed(err));
  }

  registerUrc(spec: UrcSpec): void {
    this.urcs = this.urcs.filter((u) => u.prefix !== spec.prefix);
    this.urcs.push(spec);
  }

  onUrc(listener: (urc: Urc) => void): () => void {
    this.urcListeners.add(listener);
    return () => this.urcListeners.delete(listener);
  }

  onEvent(listener: (e: ChannelEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  get isClosed(): boolean {
    return this.closedError !== null;
  }

  /** The command in flight: when it was written and whether silence is normal for it; null when idle. */
  inFlight(): { cmd: string; startedAt: number; network: boolean } | null {
    const f = this.current;
    if (!f) return null;
    return { cmd: f.command.secret ? redact(f.command.cmd) : f.command.cmd, startedAt: f.startedAt, network: f.command.network === true };
  }

  /** Commands waiting plus the one in flight. */
  get depth(): number {
    return this.queues.reduce((n, q) => n + q.length, 0) + (this.current ? 1 : 0);
  }

  send(command: AtCommand): Promise<AtResponse> {
    if (this.closedError) return Promise.reject(new AtClosedError(command.cmd, this.closedError.message));
    return new Promise<AtResponse>((resolve, reject) => {
      this.queues[PRIORITY_ORDER.indexOf(command.priority ?? 'normal')]!.push({ command, resolve, reject });
      if (!this.current) this.pump();
    });
  }

  async exec(command: AtCommand | string): Promise<string[]> {
    const c = typeof command === 'string' ? { cmd: command } : command;
    const r = await this.send(c);
    if (!r.ok) throw new AtCommandError(c.secret ? redact(c.cmd) : c.cmd, r.final, r.lines);
    return r.lines;
  }

  /**
   * Writes ESC (0x1B): abandons a `> ` prompt (TS 27.005 §3.5.1). Replies around it cannot be attributed,
   * so the next command waits for a resynchronisation (bare `AT`, then a quiet period).
   */
  escape(): void {
    if (this.closedError) return;
    this.transport.write(Buffer.from([0x1b]));
    this.needResync = true;
  }

  /** Rejects everything queued and in flight and closes the transport. */
  async close(reason = 'closed'): Promise<void> {
    this.closed(new Error(reason));
    await this.transport.close();
  }

  private pump(): void {
    if (this.current || this.closedError || Date.now() < this.quietUntil) return;
    if (this.needResync) {
      this.needResync = false;
      this.startResync();
      return;
    }
    for (const q of this.queues) {
      const p = q.shift();
      if (p) {
        this.start(p, false);
        return;
      }
    }
  }

  private startResync(): void {
    const done = () => {
      this.quietUntil = Date.now() + this.resyncQuietMs;
      setTimeout(() => this.pump(), this.resyncQuietMs + 1);
    };
    this.start({ command: { cmd: 'AT', timeoutMs: 1000 }, resolve: done, reject: done }, true);
  }

  private start(p: Pending, internal: boolean): void {
    const c = p.command;
    const timeoutMs = c.timeoutMs ?? this.defaultTimeoutMs;
    const f: InFlight = {
      ...p,
      startedAt: Date.now(),
      lines: [],
      phase: c.promptData !== undefined ? 'await-prompt' : 'response',
      pduNext: false,
      internal,
      timer: setTimeout(() => this.timeout(f, timeoutMs), timeoutMs),
    };
    this.current = f;
    this.stats.commands++;
    if (this.log.isLevelEnabled('debug')) this.log.debug({ port: this.name, tx: c.secret ? redact(c.cmd) : c.cmd }, 'AT >');
    this.transport.write(c.cmd + '\r');
    if (this.eventListeners.size > 0) this.emit({ type: 'sent', network: c.network === true });
  }

  private finish(f: InFlight, final: FinalResult): void {
    clearTimeout(f.timer);
    this.current = null;
    const r: AtResponse = { cmd: f.command.cmd, final, lines: f.lines, ok: final.kind === 'OK' || final.kind === 'CONNECT' };
    if (!r.ok && !f.internal) this.stats.errors++;
    f.resolve(r);
    this.pump();
  }

  private timeout(f: InFlight, timeoutMs: number): void {
    if (this.current !== f) return;
    this.current = null;
    this.stats.timeouts++;
    const shown = f.command.secret ? redact(f.command.cmd) : f.command.cmd;
    // A modem left at the `> ` prompt would swallow the next command as PDU text: leave it with ESC.
    if (f.phase !== 'response') this.escape();
    this.needResync = !f.internal;
    this.log.warn({ port: this.name, cmd: shown, timeoutMs }, 'AT command timed out');
    this.emit({ type: 'timeout', cmd: shown, timeoutMs });
    f.reject(new AtTimeoutError(shown, timeoutMs));
    this.pump();
  }

  private closed(err?: Error): void {
    if (this.closedError) return;
    this.closedError = err ?? new Error('port closed');
    const f = this.current;
    this.current = null;
    if (f) {
      clearTimeout(f.timer);
      f.reject(new AtClosedError(f.command.secret ? redact(f.command.cmd) : f.command.cmd, this.closedError.message));
    }
    for (const q of this.queues) {
      for (const p of q.splice(0)) p.reject(new AtClosedError(p.command.secret ? redact(p.command.cmd) : p.command.cmd, this.closedError.message));
    }
    this.emit({ type: 'closed', ...(err ? { error: err } : {}) });
  }

  private token(t: FrameToken): void {
    if (t.kind === 'line') return this.line(t.text);
    if (t.kind === 'garbage') {
      this.stats.garbageBytes += t.bytes;
      this.log.warn({ port: this.name, bytes: t.bytes, sample: t.sample }, 'skipped garbage bytes from modem');
      this.emit({ type: 'garbage', bytes: t.bytes, sample: t.sample });
      return;
    }
    // prompt
    const f = this.current;
    if (f && f.phase === 'await-prompt') {
      f.phase = 'after-prompt';
      if (this.log.isLevelEnabled('debug')) this.log.debug({ port: this.name, tx: '<pdu>^Z' }, 'AT > (after prompt)');
      this.transport.write(f.command.promptData + '\x1a');
      return;
    }
    this.log.warn({ port: this.name }, 'unexpected "> " prompt from modem; sending ESC');
    this.emit({ type: 'stuck-prompt' });
    this.escape();
    if (f) this.interrupt(f);
  }

  /** Ends the command in flight without an answer: what comes next answers the cancelled prompt. */
  private interrupt(f: InFlight): void {
    clearTimeout(f.timer);
    this.current = null;
    const shown = f.command.secret ? redact(f.command.cmd) : f.command.cmd;
    this.log.warn({ port: this.name, cmd: shown }, 'AT command taken as PDU text by a stuck prompt; resynchronising');
    f.reject(new AtInterruptedError(shown, 'the modem was at a "> " prompt and took the command as PDU text (left with ESC)'));
    this.pump();
  }

  private line(text: string): void {
    // With echo on, a secret command comes back as text: keep it out of the trace too.
    if (!this.current?.command.secret && this.log.isLevelEnabled('debug')) this.log.debug({ port: this.name, rx: text }, 'AT <');
    if (this.urcBodyFor !== null) {
      const head = this.urcBodyFor;
      this.urcBodyFor = null;
      return this.deliverUrc({ line: head, body: text, known: true });
    }
    const f = this.current;
    if (f && f.pduNext) {
      f.pduNext = false;
      f.lines.push(text);
      return;
    }
    const final = parseFinal(text);
    if (final && final.kind === 'CONNECT' && f && f.command.connectData !== undefined && f.phase === 'response') {
      // An intermediate CONNECT: the modem now takes the data, then answers with the final result.
      f.phase = 'after-connect';
      this.transport.write(f.command.connectData);
      return;
    }
    if (final) {
      if (f && (isAlwaysFinal(final) || f.command.extraFinals?.includes(final.kind))) {
        return this.finish(f, final);
      }
      if (PROMPT_FINALS.has(final.kind)) return this.deliverUrc({ line: text, known: true });
      this.log.debug({ port: this.name, line: text }, 'stray final result dropped');
      this.emit({ type: 'stray', line: text });
      return;
    }
    if (f) {
      const c = f.command;
      if (f.lines.length === 0 && isEcho(text, c.cmd)) return;
      if (f.phase === 'after-prompt' && text === c.promptData) return;
      const prefixes = c.prefixes;
      if (prefixes) {
        for (let i = 0; i < prefixes.length; i++) {
          if (text.startsWith(prefixes[i]!)) {
            f.lines.push(text);
            if (c.pduAfter?.includes(prefixes[i]!)) f.pduNext = true;
            return;
          }
        }
      }
      const spec = this.matchUrc(text);
      if (spec) return this.urc(spec, text);
      if (c.bare ?? !(prefixes && prefixes.length > 0)) {
        f.lines.push(text);
        return;
      }
      return this.deliverUrc({ line: text, known: false });
    }
    const spec = this.matchUrc(text);
    if (spec) return this.urc(spec, text);
    this.deliverUrc({ line: text, known: false });
  }

  private matchUrc(text: string): UrcSpec | undefined {
    const urcs = this.urcs;
    for (let i = 0; i < urcs.length; i++) if (text.startsWith(urcs[i]!.prefix)) return urcs[i];
    return undefined;
  }

  private urc(spec: UrcSpec, text: string): void {
    if (spec.pduFollows) {
      this.urcBodyFor = text;
      return;
    }
    this.deliverUrc({ line: text, known: true });
  }

  private deliverUrc(u: Urc): void {
    this.stats.urcs++;
    for (const l of this.urcListeners) {
      try {
        l(u);
      } catch (e) {
        this.log.error({ port: this.name, err: e, urc: u.line }, 'URC listener threw');
      }
    }
  }

  private emit(e: ChannelEvent): void {
    for (const l of this.eventListeners) {
      try {
        l(e);
      } catch (err) {
        this.log.error({ port: this.name, err }, 'channel event listener threw');
      }
    }
  }
}

function isEcho(line: string, cmd: string): boolean {
  return line.length === cmd.length ? line === cmd || line.toUpperCase() === cmd.toUpperCase() : line.trimEnd() === cmd;
}

/** AT+CPIN="1234" → AT+CPIN=<redacted> */
function redact(cmd: string): string {
  const eq = cmd.indexOf('=');
  return eq < 0 ? cmd : cmd.slice(0, eq + 1) + '<redacted>';
}
