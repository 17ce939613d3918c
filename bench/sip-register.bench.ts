/**
 * Digest REGISTER throughput (issue 12): successful REGISTER transactions per second (REGISTER, 401
 * challenge, REGISTER with credentials, 200) against
 *  - the daemon's embedded registrar (sip.registrar, 1000 extensions; the daemon is one Node process,
 *    running in this process, which does nothing else while SIPp runs), and
 *  - Kamailio (Debian `kamailio`, test/helpers/kamailio.ts: DB-less, pv_www_authenticate, locations in
 *    memory) with `children=1`, so one worker process, and its per-request log line off (debug=1),
 * on this machine in the same run, with SIPp (Debian `sip-tester`) as the load: 1000 users from a CSV
 * file (bench/sipp/register-digest-csv.xml), `-r` far above what either reaches, at most --window
 * transactions open at once. Rate = SIPp's successful calls / its total time.
 * The registrar's per-source rate limit (sip.rateLimit, 20/s by default) would refuse the load, which
 * all comes from one address: the bench raises it to its maximum, 10000/s with a burst of 10000. The
 * failure lockout (5 bad digests) is never reached: every second REGISTER carries good credentials.
 * Both sides run --rounds times, taking turns (Kamailio, then the daemon, then Kamailio again…), and
 * each side's median rate is compared: one run lasts a second or two, and on a shared or virtual
 * machine a single run of either can be off by half.
 * Target: the daemon ≥ 0.3× Kamailio.
 * Options: --kamailio N registrations (default 20000), --daemon N (default 8000), --window N (default 100), --rounds N (default 3).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startKamailio } from '../test/helpers/kamailio.js';
import { assertSippInstalled, freeUdpPort } from '../test/helpers/sipp.js';
import { startBenchDaemon } from './helpers/sip-bench-daemon.js';

const { values } = parseArgs({ options: { kamailio: { type: 'string' }, daemon: { type: 'string' }, window: { type: 'string' }, rounds: { type: 'string' } } });
const KAMAILIO_N = Number(values.kamailio ?? 20_000);
const DAEMON_N = Number(values.daemon ?? 8000);
const WINDOW = Number(values.window ?? 100);
const ROUNDS = Number(values.rounds ?? 3);
if (![KAMAILIO_N, DAEMON_N, WINDOW, ROUNDS].every((n) => Number.isInteger(n) && n > 0)) {
  console.error('sip-register bench: --kamailio, --daemon, --window and --rounds must be positive integers');
  process.exit(2);
}
const USERS = 1000;
const FIRST_USER = 1000;
const PASSWORD = 'bench-secret-1';
const TARGET_RATIO = 0.3;
// Bench sources are not compiled: the scenario is read from the source tree (two levels up from dist/bench).
const SCENARIO = fileURLToPath(new URL('../../bench/sipp/register-digest-csv.xml', import.meta.url));

interface SippResult {
  successful: number;
  failed: number;
  seconds: number;
  retransmissions: number;
  output: string;
}

/** One SIPp run of `count` registrations against 127.0.0.1:`port`; its final screens give the figures. */
async function runSipp(port: number, count: number, dir: string): Promise<SippResult> {
  const args = ['-sf', SCENARIO, '-inf', join(dir, 'users.csv'), '-i', '127.0.0.1', '-p', String(await freeUdpPort()), '-r', '50000', '-l', String(WINDOW), '-m', String(count), '-nostdin', '-timeout', '120s', `127.0.0.1:${port}`];
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  await new Promise((resolve) => child.on('close', resolve));
  const num = (re: RegExp) => Number(re.exec(output)?.[1] ?? NaN);
  const retrans = [...output.matchAll(/REGISTER -+>\s+\d+\s+(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  const result = { successful: num(/Successful call\s*\|\s*\d+\s*\|\s*(\d+)/), failed: num(/Failed call\s*\|\s*\d+\s*\|\s*(\d+)/), seconds: num(/([\d.]+) s\s+\d+\s+127\.0\.0\.1/), retransmissions: retrans, output };
  if (!Number.isFinite(result.successful) || !Number.isFinite(result.seconds)) throw new Error(`sip-register bench: cannot read SIPp's figures:\n${output.slice(-3000)}`);
  return result;
}

async function main(): Promise<void> {
  assertSippInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-register-bench-'));
  const kamailioRuns: SippResult[] = [];
  const daemonRuns: SippResult[] = [];
  try {
    const users = Array.from({ length: USERS }, (_, i) => `${FIRST_USER + i};[authentication username=${FIRST_USER + i} password=${PASSWORD}]`);
    writeFileSync(join(dir, 'users.csv'), ['SEQUENTIAL', ...users, ''].join('\n'));
    const kamailio = await startKamailio({ password: PASSWORD, children: 1, debug: 1 });
    try {
      const x = await startBenchDaemon({
        modems: 1,
        timing: 'zero',
        config: {
          sip: {
            host: '127.0.0.1',
            rateLimit: { perSecond: 10_000, burst: 10_000 },
            registrar: { enabled: true, realm: 'cellgate.bench', extensions: users.map((_, i) => ({ number: String(FIRST_USER + i), password: PASSWORD })) },
          },
        },
      });
      try {
        await runSipp(x.sipPort, Math.min(1000, DAEMON_N), dir); // warm-up (JIT), not counted
        for (let round = 0; round < ROUNDS; round++) {
          kamailioRuns.push(await runSipp(kamailio.port, KAMAILIO_N, dir));
          daemonRuns.push(await runSipp(x.sipPort, DAEMON_N, dir));
        }
      } finally {
        await x.stop();
      }
    } finally {
      await kamailio.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rate = (r: SippResult) => r.successful / r.seconds;
  const median = (runs: SippResult[]) => {
    const rates = runs.map(rate).sort((a, b) => a - b);
    return rates[Math.floor(rates.length / 2)]!;
  };
  const ratio = median(daemonRuns) / median(kamailioRuns);
  console.log(
    `sip-register: SIPp, ${USERS} users from a CSV file, REGISTER → 401 → REGISTER with digest → 200, at most ${WINDOW} open at once, same machine, ${ROUNDS} rounds taking turns; sip.rateLimit raised to 10000/s (burst 10000) for the bench`,
  );
  const row = (name: string, runs: SippResult[], target: string) => {
    const rates = runs.map(rate);
    const sum = (pick: (r: SippResult) => number) => String(runs.reduce((n, r) => n + pick(r), 0));
    return [name, sum((r) => r.successful), sum((r) => r.failed), sum((r) => r.retransmissions), Math.round(median(runs)).toLocaleString('en'), `${Math.round(Math.min(...rates)).toLocaleString('en')}–${Math.round(Math.max(...rates)).toLocaleString('en')}`, target];
  };
  const table = [
    ['registrar', 'registrations', 'failed', 'retrans', 'REGISTER/s median', 'range', 'target'],
    row('Kamailio (children=1)', kamailioRuns, ''),
    row('cellgate registrar', daemonRuns, `${ratio.toFixed(2)}× Kamailio, ≥ ${TARGET_RATIO}× ${ratio >= TARGET_RATIO ? 'OK' : 'MISSED'}`),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) console.log('  ' + r.map((c, i) => (i >= 1 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
  console.log('  (REGISTER/s: successful transactions, each two requests, per run; the daemon after a warm-up run of up to 1000 not counted)');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
