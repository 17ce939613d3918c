/**
 * Structured logs (pino). Every component takes a Logger; `child({ line: 'L1' })` tags per-line output.
 * The AT trace is logged at debug level by the channel. Secrets: fields named pin, puk, password,
 * passwordHash, secret are redacted wherever they appear; AT commands marked `secret` are not logged.
 */
import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';

export type Logger = PinoLogger;

const REDACT = ['pin', 'puk', 'password', 'passwordHash', 'secret', '*.pin', '*.puk', '*.password', '*.passwordHash', '*.secret'];

export function createLogger(opts: { level?: LevelWithSilent; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = opts.level ?? ((process.env.CELLGATE_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info');
  return pino(
    { level, base: { name: 'cellgate' }, redact: { paths: REDACT, censor: '[redacted]' } },
    opts.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** A logger that drops everything, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
