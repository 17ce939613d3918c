/**
 * Structured logs (pino). Every component takes a Logger; `child({ line: 'L1' })` tags per-line output.
 * The AT trace is logged at debug level by the channel. Secrets: fields named pin, puk, password,
 * passwordHash, secret are redacted wherever they appear; AT commands marked `secret` are not logged.
 *
 * The daemon's console: JSON lines (for journald, files, log shippers) unless stdout is a terminal,
 * where a person reads it, or `--log-format pretty` asks for it: then pino-pretty prints readable
 * lines. pino-pretty is loaded only then.
 */
import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';

export type Logger = PinoLogger;

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const REDACT = ['pin', 'puk', 'password', 'passwordHash', 'secret', '*.pin', '*.puk', '*.password', '*.passwordHash', '*.secret'];

function loggerOptions(level: LevelWithSilent | undefined) {
  return {
    level: level ?? ((process.env.CELLGATE_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info'),
    base: { name: 'cellgate' },
    redact: { paths: REDACT, censor: '[redacted]' },
  };
}

export function createLogger(opts: { level?: LevelWithSilent; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(loggerOptions(opts.level), opts.destination ?? pino.destination({ dest: 1, sync: false }));
}

/** A logger that drops everything, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Readable lines for a terminal, JSON for everything else, unless one is asked for. */
export function chooseLogFormat(requested: LogFormat | undefined, out: { isTTY?: boolean }): LogFormat {
  return requested ?? (out.isTTY === true ? 'pretty' : 'json');
}

/** The part of pino-pretty's options used here (its default export builds a stream from them). */
export interface PrettyOptions {
  destination: NodeJS.WritableStream;
  colorize: boolean;
  translateTime: string;
  ignore: string;
  singleLine: boolean;
}
export type PrettyStreamFactory = (opts: PrettyOptions) => NodeJS.WritableStream;

async function loadPinoPretty(): Promise<PrettyStreamFactory> {
  // Named through a variable: only its default export is used (typed above), so the build does not
  // need the package, and without it a terminal gets JSON (see createConsoleLogger).
  const name = 'pino-pretty';
  const mod = (await import(name)) as { default: PrettyStreamFactory };
  return mod.default;
}

export interface ConsoleLoggerOptions {
  level?: LevelWithSilent;
  /** Default: pretty when `out` is a terminal, else JSON. */
  format?: LogFormat;
  /** Default process.stdout. */
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  /** How pino-pretty is loaded (tests inject a failing loader). */
  loadPretty?: () => Promise<PrettyStreamFactory>;
}

/**
 * The daemon's logger on its console. When pretty output was chosen only because stdout is a terminal
 * and pino-pretty cannot be loaded, it logs JSON and says so; when `format: 'pretty'` was asked for
 * explicitly, that is an error.
 */
export async function createConsoleLogger(opts: ConsoleLoggerOptions = {}): Promise<{ log: Logger; format: LogFormat }> {
  const out = opts.out ?? process.stdout;
  const format = chooseLogFormat(opts.format, out);
  if (format === 'pretty') {
    let factory: PrettyStreamFactory | undefined;
    let problem = '';
    try {
      factory = await (opts.loadPretty ?? loadPinoPretty)();
    } catch (e) {
      problem = (e as Error).message;
    }
    if (factory) {
      const stream = factory({
        destination: out,
        colorize: out.isTTY === true && process.env.NO_COLOR === undefined,
        translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
        ignore: 'pid,hostname,name',
        // One line per event, as a daemon's console is read: the fields follow the message as JSON.
        singleLine: true,
      });
      return { log: pino(loggerOptions(opts.level), stream), format: 'pretty' };
    }
    if (opts.format === 'pretty') throw new Error(`--log-format pretty needs the pino-pretty package, which cannot be loaded: ${problem}`);
    const log = opts.out ? createLogger({ ...(opts.level ? { level: opts.level } : {}), destination: out }) : createLogger(opts.level ? { level: opts.level } : {});
    log.warn({ reason: problem }, 'pino-pretty cannot be loaded; logging JSON');
    return { log, format: 'json' };
  }
  const log = opts.out ? createLogger({ ...(opts.level ? { level: opts.level } : {}), destination: out }) : createLogger(opts.level ? { level: opts.level } : {});
  return { log, format: 'json' };
}
