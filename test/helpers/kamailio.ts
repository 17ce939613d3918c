/**
 * Kamailio (Debian `kamailio`) as a PBX's registrar and proxy in tests: a DB-less configuration
 * (locations in memory) that challenges REGISTER with one password for every user, record-routes
 * requests that start a dialog and forwards them to the registered contacts of the Request-URI user.
 * Runs in the foreground on a free UDP port of 127.0.0.1 and is killed with its children at the end.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort } from './sipp.js';

export function assertKamailioInstalled(): void {
  const r = spawnSync('sh', ['-c', 'command -v kamailio || ls /usr/sbin/kamailio'], { encoding: 'utf8' });
  if (r.status !== 0 || r.stdout.trim() === '') assert.fail('kamailio is not installed: install the Debian package kamailio, which .ci/run lists');
}

export interface Kamailio {
  readonly port: number;
  /** What it logged so far. */
  output(): string;
  /** The registered AoRs and their contacts as `kamcmd ul.dump` prints them. */
  locations(): string;
  stop(): Promise<void>;
}

export interface KamailioOptions {
  /** The one password every user registers with. Default "secret". */
  password?: string;
  /** Worker processes; one per core by default in Kamailio, 2 is plenty here. */
  children?: number;
  /** Kamailio's log level (2: each request is logged as `REQ <method> <uri> ... Expires <n>`). */
  debug?: number;
}

function config(dir: string, port: number, o: KamailioOptions): string {
  const password = o.password ?? 'secret';
  return `#!KAMAILIO
debug=${o.debug ?? 2}
log_stderror=yes
fork=yes
children=${o.children ?? 2}
listen=udp:127.0.0.1:${port}
auto_aliases=no
alias="127.0.0.1:${port}"

loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "ctl.so"
loadmodule "kex.so"

modparam("usrloc", "db_mode", 0)
modparam("ctl", "binrpc", "unix:${dir}/ctl")

request_route {
    xlog("L_INFO", "REQ $rm $ru from $si:$sp (From $fu) Expires $hdr(Expires)\\n");
    if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
    if (has_totag()) {
        if (loose_route()) { t_relay(); exit; }
        if (is_method("ACK")) { if (t_check_trans()) t_relay(); exit; }
        sl_send_reply("404", "Not here"); exit;
    }
    if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
    if (is_method("REGISTER")) {
        if (!pv_www_authenticate("$td", "${password}", "0")) { www_challenge("$td", "0"); exit; }
        if (!save("location")) sl_reply_error();
        exit;
    }
    if (is_method("OPTIONS") && $rU == $null) { sl_send_reply("200", "OK"); exit; }
    record_route();
    if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
    if (!t_relay()) sl_reply_error();
    exit;
}
`;
}

export async function startKamailio(options: KamailioOptions | string = {}): Promise<Kamailio> {
  const o: KamailioOptions = typeof options === 'string' ? { password: options } : options;
  assertKamailioInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-kamailio-'));
  mkdirSync(join(dir, 'run'));
  const port = await freeUdpPort();
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(cfg, config(dir, port, o));
  const check = spawnSync('kamailio', ['-c', '-f', cfg], { encoding: 'utf8' });
  assert.equal(check.status, 0, `kamailio rejects its configuration:\n${check.stderr}`);
  const child: ChildProcess = spawn('kamailio', ['-DD', '-E', '-f', cfg, '-Y', join(dir, 'run'), '-P', join(dir, 'run', 'kamailio.pid'), '-m', '32', '-M', '8', '-w', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  // Ready once its control socket answers.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = spawnSync('kamcmd', ['-s', `unix:${dir}/ctl`, 'core.version'], { encoding: 'utf8' });
    if (r.status === 0) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      assert.fail(`kamailio did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    output: () => output,
    locations: () => spawnSync('kamcmd', ['-s', `unix:${dir}/ctl`, 'ul.dump'], { encoding: 'utf8' }).stdout,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
