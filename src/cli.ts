#!/usr/bin/env node
/**
 * cellgate command line. Every command takes `--help` / `-h`, and every command that works on the data
 * directory takes `--data DIR` with the same default as the daemon (see src/data-dir-option.ts).
 */
import { runDaemonConfigCheck as runConfigCheck } from './wiring/daemon-config.js';
import { configFilePath } from './config/load.js';
import { LOG_LEVELS } from './config/schema.js';
import { dataDirOf, DATA_OPTION } from './data-dir-option.js';
import { createConsoleLogger, LOG_FORMATS, type LogFormat } from './util/log.js';
import { parseCommandArgs, printUsage, usageError } from './util/cli-args.js';
import { packageVersion, startDaemon } from './app.js';
import { simulateMain, SIMULATE_USAGE } from './simulate-cli.js';
import { PASSWD_USAGE, passwdMain, USER_USAGE, userMain } from './user-cli.js';

const START_USAGE = `usage: cellgate start [--data DIR] [--config FILE] [--http-port N] [--smpp-port N] [--sip-port N]
                      [--sim-control-port N] [--log-level LEVEL] [--log-format json|pretty]
  Runs the gateway until SIGINT or SIGTERM. Through npm: npm start -- --http-port 18080
  ${DATA_OPTION}
  --config FILE: the configuration; default DIR/config.json (created with defaults when missing)
  --http-port N: web UI and JSON API port instead of http.port (0: any free port)
  --smpp-port N: SMPP SMSC port instead of smpp.port
  --sip-port N: SIP port (UDP and TCP) instead of sip.port
  --sim-control-port N: simulator control API port in demo mode instead of simulator.controlPort
  --log-level LEVEL: ${[...LOG_LEVELS, 'silent'].join(', ')} instead of log.level; debug shows the AT trace
  --log-format: pretty (readable lines; the default when stdout is a terminal) or json (one JSON object
      a line; the default otherwise)`;

const CONFIG_USAGE = `usage: cellgate config check [FILE] [--data DIR]
  Validates a configuration file (default DIR/config.json): JSON syntax with line and column, duplicate
  keys, every schema error, and the devices and programs it names on this machine, all in one run.
  Exit status 0 valid, 1 invalid, 2 the file cannot be read.
  ${DATA_OPTION}`;

const VERSION_USAGE = 'usage: cellgate version   (or cellgate --version): prints the version';

const USAGE = `usage:
  cellgate start [--data DIR] [--http-port N] [--log-level LEVEL] ...   run the gateway
  cellgate config check [FILE] [--data DIR]                            validate a configuration
  cellgate passwd [--user NAME] [--data DIR]                           change a password
  cellgate user list|add|set-role|del ... [--data DIR]                 web/API accounts
  cellgate simulate ...                                                simulated modems, control API
  cellgate version
  cellgate help COMMAND   or   cellgate COMMAND --help

${DATA_OPTION}; the configuration is DIR/config.json unless --config names another file.`;

const USAGES: Record<string, string> = {
  start: START_USAGE,
  config: CONFIG_USAGE,
  passwd: PASSWD_USAGE,
  user: USER_USAGE,
  simulate: SIMULATE_USAGE,
  version: VERSION_USAGE,
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version') return version([]);
  if (cmd === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
    const topic = rest[0];
    if (topic === undefined) return printUsage(USAGE);
    const usage = USAGES[topic];
    return usage ? printUsage(usage) : usageError('help', `unknown command ${JSON.stringify(topic)}`, USAGE);
  }
  switch (cmd) {
    case 'start':
      return start(rest);
    case 'config':
      return config(rest);
    case 'passwd':
      return passwdMain(rest);
    case 'user':
      return userMain(rest);
    case 'simulate':
      return simulateMain(rest);
    case 'version':
      return version(rest);
    default:
      return usageError(cmd, 'unknown command', USAGE);
  }
}

function version(args: string[]): number {
  const p = parseCommandArgs('version', args, {}, VERSION_USAGE);
  if (typeof p === 'number') return p;
  console.log(packageVersion());
  return 0;
}

async function config(args: string[]): Promise<number> {
  const p = parseCommandArgs('config', args, { data: { type: 'string' } }, CONFIG_USAGE, { allowPositionals: true });
  if (typeof p === 'number') return p;
  const [sub, file, ...extra] = p.positionals;
  if (sub !== 'check') return usageError('config', sub === undefined ? 'a subcommand is needed' : `unknown subcommand ${JSON.stringify(sub)}`, CONFIG_USAGE);
  if (extra.length > 0) return usageError('config check', `unexpected ${JSON.stringify(extra[0])}`, CONFIG_USAGE);
  if (file !== undefined && p.values.data !== undefined) return usageError('config check', 'give FILE or --data DIR, not both', CONFIG_USAGE);
  const r = await runConfigCheck(file ?? configFilePath(dataDirOf(p.values)));
  if (r.output) (r.code === 0 ? process.stdout : process.stderr).write(r.output.endsWith('\n') ? r.output : `${r.output}\n`);
  return r.code;
}

function portOption(name: string, raw: string | undefined): number | undefined | string {
  if (raw === undefined) return undefined;
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n > 65535) return `--${name}: expected an integer from 0 to 65535, got ${JSON.stringify(raw)}`;
  return n;
}

async function start(args: string[]): Promise<number> {
  const p = parseCommandArgs(
    'start',
    args,
    {
      config: { type: 'string' },
      data: { type: 'string' },
      'http-port': { type: 'string' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      'sim-control-port': { type: 'string' },
      'smpp-port': { type: 'string' },
      'sip-port': { type: 'string' },
    },
    START_USAGE,
  );
  if (typeof p === 'number') return p;
  const { values } = p;
  const level = values['log-level'] as string | undefined;
  const levels: readonly string[] = [...LOG_LEVELS, 'silent'];
  if (level !== undefined && !levels.includes(level)) {
    return usageError('start', `--log-level: expected ${levels.join(', ')}, got ${JSON.stringify(level)}`, START_USAGE);
  }
  const format = values['log-format'] as string | undefined;
  if (format !== undefined && !(LOG_FORMATS as readonly string[]).includes(format)) {
    return usageError('start', `--log-format: expected ${LOG_FORMATS.join(' or ')}, got ${JSON.stringify(format)}`, START_USAGE);
  }
  const ports: Record<string, number> = {};
  for (const name of ['http-port', 'sim-control-port', 'smpp-port', 'sip-port'] as const) {
    const r = portOption(name, values[name] as string | undefined);
    if (typeof r === 'string') return usageError('start', r, START_USAGE);
    if (r !== undefined) ports[name] = r;
  }
  const { log } = await createConsoleLogger({
    ...(level ? { level: level as 'info' } : {}),
    ...(format ? { format: format as LogFormat } : {}),
  });
  const dataDir = dataDirOf(values);
  const daemon = await startDaemon({
    dataDir,
    log,
    ...(level ? { logLevel: level } : {}),
    ...(values.config ? { configFile: values.config as string } : {}),
    ...(ports['http-port'] !== undefined ? { httpPort: ports['http-port'] } : {}),
    ...(ports['sim-control-port'] !== undefined ? { simControlPort: ports['sim-control-port'] } : {}),
    ...(ports['smpp-port'] !== undefined ? { smppPort: ports['smpp-port'] } : {}),
    ...(ports['sip-port'] !== undefined ? { sipPort: ports['sip-port'] } : {}),
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
