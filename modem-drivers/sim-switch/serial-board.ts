/**
 * Serial ports of external SIM-multiplexer boards, shared between lines. Several lines usually hang on
 * one board, so a port is opened once per path, reference-counted, and commands on it run one at a
 * time (a reply is only ever matched against the command that is waiting for it).
 *
 * The port is opened lazily by the first command and re-opened by the next command after it closed
 * (USB adapter unplugged), and closed when the last line releases it.
 */
import type { Logger } from '../../src/util/log.js';
import { SimSwitchError, errorText } from './types.js';
import { TaskQueue } from './task-queue.js';
import { printable } from './template.js';

/** What the backend needs of a port: the `serialport` package's SerialPort and a plain Duplex both fit. */
export interface SerialPortLike {
  write(data: Buffer, cb?: (err?: Error | null) => void): boolean;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  /** tcdrain() on a real port; absent on plain streams (the write callback is then enough). */
  drain?(cb: (err?: Error | null) => void): void;
  close?(cb?: (err?: Error | null) => void): void;
  destroy?(err?: Error): unknown;
}

export type OpenPort = (path: string, baudRate: number) => Promise<SerialPortLike>;

/** Default opener: the `serialport` package, loaded only when a serial switch is actually used. */
export const openSerialPort: OpenPort = async (path, baudRate) => {
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
};

export interface BoardCommand {
  data: Buffer;
  /** Resolve once the bytes received since the write match this; without it, resolve after write + drain. */
  expect?: RegExp;
  /** Reject at once when the reply matches this (the board said no). */
  fail?: RegExp;
  /** Bound on write + drain + reply. */
  timeoutMs: number;
  /** Prefix for error messages, e.g. `line L1: serial SIM switch /dev/ttyUSB9`. */
  label: string;
}

export interface SerialBoardHandle {
  readonly path: string;
  readonly baudRate: number;
  /** Sends one command; resolves with the bytes received (latin1 text) up to the match. */
  command(cmd: BoardCommand): Promise<string>;
  /** Drops this line's reference; the last one closes the port. Idempotent. */
  release(): Promise<void>;
}

const RX_LIMIT = 4096;

interface Waiter {
  onData(): void;
  onFail(err: Error): void;
}

class SharedBoard {
  refs = 0;
  private port: SerialPortLike | null = null;
  private rx = '';
  private waiter: Waiter | null = null;
  private readonly queue = new TaskQueue();

  constructor(
    readonly path: string,
    readonly baudRate: number,
    private readonly openPort: OpenPort,
    private readonly log: Logger | undefined,
    /** Resolves once a previous board on the same path has closed its port. */
    private readonly previousClose: Promise<void>,
  ) {}

  command(cmd: BoardCommand): Promise<string> {
    return this.queue.run(async () => {
      const port = await this.ensureOpen(cmd.label);
      return this.exchange(port, cmd);
    });
  }

  /** Closes the port after the queued commands. */
  shutdown(): Promise<void> {
    return this.queue.run(async () => {
      const port = this.port;
      this.port = null;
      if (port) await closePort(port);
    });
  }

  private async ensureOpen(label: string): Promise<SerialPortLike> {
    if (this.port) return this.port;
    await this.previousClose;
    let port: SerialPortLike;
    try {
      port = await this.openPort(this.path, this.baudRate);
    } catch (err) {
      throw new SimSwitchError('io', `${label}: cannot open serial port ${this.path} at ${this.baudRate} baud: ${errorText(err)}`, { cause: err });
    }
    port.on('data', (chunk: Buffer) => {
      if (this.port !== port) return;
      if (!this.waiter) {
        this.log?.debug({ port: this.path, data: printable(chunk) }, 'SIM switch board: unsolicited data ignored');
        return;
      }
      this.rx += Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk);
      if (this.rx.length > RX_LIMIT) this.rx = this.rx.slice(-RX_LIMIT);
      this.waiter.onData();
    });
    port.on('error', (err: Error) => {
      if (this.port !== port) return;
      this.log?.warn({ port: this.path, err: err.message }, 'SIM switch board: serial port error');
      this.waiter?.onFail(err);
    });
    port.on('close', () => {
      if (this.port !== port) return;
      this.port = null;
      this.log?.warn({ port: this.path }, 'SIM switch board: serial port closed; it will be re-opened by the next command');
      this.waiter?.onFail(new Error('port closed'));
    });
    this.port = port;
    return port;
  }

  private exchange(port: SerialPortLike, cmd: BoardCommand): Promise<string> {
    this.rx = '';
    return new Promise<string>((resolve, reject) => {
      let done = false;
      let written = false;
      const finish = (err: SimSwitchError | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.waiter = null;
        if (err) reject(err);
        else resolve(this.rx);
      };
      const received = () => (this.rx ? `; received "${printable(this.rx)}"` : '; nothing received');
      const timer = setTimeout(() => {
        if (!written) {
          finish(new SimSwitchError('timeout', `${cmd.label}: write to ${this.path} not completed within ${cmd.timeoutMs} ms`));
        } else {
          finish(new SimSwitchError('timeout', `${cmd.label}: no reply matching /${cmd.expect?.source}/ from ${this.path} within ${cmd.timeoutMs} ms${received()}`));
        }
      }, cmd.timeoutMs);
      const check = () => {
        if (!written || !cmd.expect) return;
        if (cmd.fail?.test(this.rx)) {
          finish(new SimSwitchError('io', `${cmd.label}: board ${this.path} refused: reply matched /${cmd.fail.source}/${received()}`));
        } else if (cmd.expect.test(this.rx)) {
          finish(null);
        }
      };
      this.waiter = {
        onData: check,
        onFail: (err) => finish(new SimSwitchError('io', `${cmd.label}: serial port ${this.path}: ${err.message}${received()}`, { cause: err })),
      };
      const afterDrain = (err?: Error | null) => {
        if (err) return finish(new SimSwitchError('io', `${cmd.label}: cannot drain ${this.path}: ${err.message}`, { cause: err }));
        written = true;
        if (!cmd.expect) finish(null);
        else check();
      };
      try {
        port.write(cmd.data, (err) => {
          if (err) return finish(new SimSwitchError('io', `${cmd.label}: cannot write to ${this.path}: ${err.message}`, { cause: err }));
          if (typeof port.drain === 'function') port.drain(afterDrain);
          else afterDrain();
        });
      } catch (err) {
        finish(new SimSwitchError('io', `${cmd.label}: cannot write to ${this.path}: ${errorText(err)}`, { cause: err }));
      }
    });
  }
}

async function closePort(port: SerialPortLike): Promise<void> {
  await new Promise<void>((resolve) => {
    if (typeof port.close === 'function') {
      try {
        port.close(() => resolve());
      } catch {
        resolve();
      }
    } else if (typeof port.destroy === 'function') {
      // A plain stream emits 'close' on a later tick (or never, if it was already destroyed).
      const timer = setTimeout(resolve, 500);
      port.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
      port.destroy();
    } else {
      resolve();
    }
  });
}

/** Process-wide registry of shared multiplexer boards. Lines that share a board must share a registry. */
export class SerialBoardRegistry {
  private readonly boards = new Map<string, SharedBoard>();
  private readonly closing = new Map<string, Promise<void>>();
  private readonly openPort: OpenPort;
  private readonly log: Logger | undefined;

  constructor(opts: { openPort?: OpenPort; log?: Logger } = {}) {
    this.openPort = opts.openPort ?? openSerialPort;
    this.log = opts.log;
  }

  /**
   * Takes a reference on the board at `path` (no I/O happens here). Throws a 'config' SimSwitchError when
   * another line already uses the path at a different baud rate.
   */
  acquire(path: string, baudRate: number): SerialBoardHandle {
    let board = this.boards.get(path);
    if (board && board.baudRate !== baudRate) {
      throw new SimSwitchError('config', `serial SIM switch board ${path} is already used at ${board.baudRate} baud; cannot also use it at ${baudRate} baud`);
    }
    if (!board) {
      board = new SharedBoard(path, baudRate, this.openPort, this.log, this.closing.get(path) ?? Promise.resolve());
      this.boards.set(path, board);
    }
    board.refs++;
    const b = board;
    let released = false;
    return {
      path,
      baudRate,
      command: (cmd) => {
        if (released) return Promise.reject(new SimSwitchError('closed', `${cmd.label}: SIM switch is closed`));
        return b.command(cmd);
      },
      release: async () => {
        if (released) return;
        released = true;
        b.refs--;
        if (b.refs > 0) return;
        if (this.boards.get(path) === b) this.boards.delete(path);
        const done = b.shutdown().finally(() => {
          if (this.closing.get(path) === done) this.closing.delete(path);
        });
        this.closing.set(path, done);
        await done;
      },
    };
  }

  /** References held on `path` (0 when the board is not in use). */
  refCount(path: string): number {
    return this.boards.get(path)?.refs ?? 0;
  }
}

let shared: SerialBoardRegistry | undefined;

/** The registry used when the caller injects none (real serial ports). */
export function defaultSerialBoards(): SerialBoardRegistry {
  shared ??= new SerialBoardRegistry();
  return shared;
}
