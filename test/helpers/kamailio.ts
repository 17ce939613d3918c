/**
 * Kamailio (Debian package `kamailio`) as a PBX registrar in tests: a DB-less configuration on a free
 * loopback UDP port (usrloc in memory; REGISTER challenged with one password for every user), run in
 * the foreground so killing it stops its children. Missing, the test fails (never skipped).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort } from './sipp.js';

export interface KamailioRun {
  readonly port: number;
  /** What it logged so far. */
  output(): string;
  stop(): Promise<void>;
}

export function assertKamailioInstalled(): void {
  const which = spawnSync('sh', ['-c', 'command -v kamailio'], { encoding: 'utf8' });
  if (which.status !== 0 || which.stdout.trim() === '') assert.fail('kamailio is not installed: install the Debian package kamailio');
}

function configText(port: number, password: string): string {
  return `#!KAMAILIO
debug=2
log_stderror=yes
fork=yes
children=1
listen=udp:127.0.0.1:${port}
auto_aliases=no
alias="127.0.0.1:${port}"

loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"

modparam("usrloc", "db_mode", 0)

request_route {
    xlog("L_INFO", "REQ $rm $ru from $si:$sp (From $fu) Expires $hdr(Expires)\\n");
    if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
    if (is_method("REGISTER")) {
        if (!pv_www_authenticate("$td", "${password}", "0")) { www_challenge("$td", "0"); exit; }
        if (!save("location")) sl_reply_error();
        exit;
    }
    sl_send_reply("404", "Not here");
    exit;
}
`;
}

export async function startKamailio(password: string): Promise<KamailioRun> {
  assertKamailioInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-kamailio-'));
  const port = await freeUdpPort();
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(cfg, configText(port, password));
  const child = spawn('kamailio', ['-DD', '-E', '-f', cfg, '-Y', dir, '-P', join(dir, 'kamailio.pid'), '-m', '32', '-M', '8', '-w', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    port,
    output: () => output,
    stop: async () => {
      child.kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
