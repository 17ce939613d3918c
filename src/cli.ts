#!/usr/bin/env node
/**
 * cellgate command line:
 *   cellgate start [--config FILE] [--data DIR] [--http-port N] [--log-level LEVEL]
 *   cellgate config check FILE
 *   cellgate passwd [--data DIR] [--user NAME]     (new password from the terminal, or one line on stdin)
 *   cellgate --version | help
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { runConfigCheck } from './config/check.js';
import { AuthStore, PasswordPolicyError } from './config/auth-store.js';
import { defaultDataDir } from './config/load.js';
import { createLogger } from './util/log.js';
import { packageVersion, startDaemon } from './app.js';
import { simulateMain } from './simulate-cli.js';

const USAGE = `usage:
  cellgate start [--config FILE] [--data DIR] [--http-port N] [--log-level LEVEL] [--sim-control-port N] [--smpp-port N]
  cellgate config check FILE
  cellgate passwd [--data DIR] [--user NAME]
  cellgate simulate --ptys DIR [--modems N] [--timing zero|fast|realistic]   (see: cellgate simulate)
  cellgate --version

--data defaults to /var/lib/cellgate as root, else ./data; the configuration is DIR/config.json
unless --config names another file.`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === 'version') {
    console.log(packageVersion());
    return 0;
  }
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === 'start') return start(rest);
  if (cmd === 'config') {
    if (rest[0] !== 'check' || !rest[1] || rest.length > 2) {
      console.error('usage: cellgate config check FILE');
      return 2;
    }
    const r = await runConfigCheck(rest[1]);
    if (r.output) (r.code === 0 ? process.stdout : process.stderr).write(r.output.endsWith('\n') ? r.output : r.output + '\n');
    return r.code;
  }
  if (cmd === 'passwd') return passwd(rest);
  if (cmd === 'simulate') return simulateMain(rest);
  console.error(`unknown command "${cmd}"\n${USAGE}`);
  return 2;
}

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

function parse(args: string[], options: Options) {
  return parseArgs({ args, options, strict: true, allowPositionals: false });
}

async function start(args: string[]): Promise<number> {
  const { values } = parse(args, {
    config: { type: 'string' },
    data: { type: 'string' },
    'http-port': { type: 'string' },
    'log-level': { type: 'string' },
    'sim-control-port': { type: 'string' },
    'smpp-port': { type: 'string' },
  });
  const level = values['log-level'] as string | undefined;
  if (level !== undefined && !['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) {
    console.error(`--log-level: expected fatal, error, warn, info, debug, trace or silent, got "${level}"`);
    return 2;
  }
  const log = createLogger(level ? { level: level as 'info' } : {});
  const ports: Record<string, number> = {};
  for (const name of ['http-port', 'sim-control-port', 'smpp-port'] as const) {
    const raw = values[name] as string | undefined;
    if (raw === undefined) continue;
    const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      console.error(`--${name}: expected an integer from 0 to 65535, got "${raw}"`);
      return 2;
    }
    ports[name] = n;
  }
  const httpPort = ports['http-port'];
  const simControlPort = ports['sim-control-port'];
  const smppPort = ports['smpp-port'];
  const dataDir = (values.data as string | undefined) ?? defaultDataDir();
  const daemon = await startDaemon({
    ...(simControlPort !== undefined ? { simControlPort } : {}),
    ...(values['log-level'] ? { logLevel: values['log-level'] as string } : {}),
    dataDir,
    ...(values.config ? { configFile: values.config as string } : {}),
    ...(httpPort !== undefined ? { httpPort } : {}),
    ...(smppPort !== undefined ? { smppPort } : {}),
    log,
  });
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal: sig }, 'stopping');
      daemon.stop().finally(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  log.flush?.();
  return 0;
}

async function passwd(args: string[]): Promise<number> {
  const { values } = parse(args, { data: { type: 'string' }, user: { type: 'string' } });
  const user = (values.user as string | undefined) ?? 'admin';
  const dataDir = (values.data as string | undefined) ?? defaultDataDir();
  const pw = await readNewPassword();
  if (pw === null) {
    console.error('passwd: no password given');
    return 2;
  }
  const store = await AuthStore.open({ dataDir });
  try {
    await store.setPassword(user, pw);
  } catch (e) {
    if (e instanceof PasswordPolicyError) {
      console.error(`passwd: ${e.message}`);
      return 2;
    }
    throw e;
  }
  console.log(`password for ${user} changed (${store.file})`);
  return 0;
}

/** Twice, hidden, on a terminal; else the first line of stdin. */
async function readNewPassword(): Promise<string | null> {
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line.replace(/\r$/, '');
    }
    return null;
  }
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
      const w = (rl as unknown as { _writeToOutput: (s: string) => void });
      rl.question(q, (a) => {
        rl.close();
        process.stdout.write('\n');
        resolve(a);
      });
      w._writeToOutput = (s: string) => {
        if (s.startsWith(q)) process.stdout.write(q);
      };
    });
  const a = await ask('new password: ');
  const b = await ask('again: ');
  if (a !== b) {
    console.error('passwd: the two passwords differ');
    return null;
  }
  return a;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    console.error(`cellgate: ${e.message}`);
    // Whatever the failed start left running (timers, ports) must not keep the process alive.
    process.exit(1);
  },
);
