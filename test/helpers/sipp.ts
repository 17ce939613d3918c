/**
 * SIPp (Debian `sip-tester`) as a real SIP peer in tests: the check that it is installed (a missing
 * peer fails the test, it is never skipped), a free UDP port for its own socket (it would take 5060
 * otherwise), and a run whose output is kept for the failure message.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function assertSippInstalled(): void {
  const which = spawnSync('sh', ['-c', 'command -v sipp'], { encoding: 'utf8' });
  if (which.status !== 0 || which.stdout.trim() === '') {
    assert.fail('sipp is not installed: install the Debian package sip-tester (apt-get install sip-tester), which .ci/run lists');
  }
}

/** A UDP port on 127.0.0.1 free right now. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export interface SippRun {
  /** SIPp's exit code (0: every call of the scenario succeeded). */
  exited: Promise<number | null>;
  /** What it printed so far, stdout and stderr together. */
  output(): string;
  kill(): void;
}

export function startSipp(args: string[], cwd: string): SippRun {
  const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { exited, output: () => output, kill: () => child.kill() };
}

/**
 * Runs SIPp until it exits, with `-trace_err` into `dir`: its exit code, and the tail of what it printed
 * plus the unexpected messages it logged (the useful part of a failure message).
 */
export async function runSippWithErrors(args: string[], dir: string): Promise<{ code: number | null; output: string }> {
  const errorFile = join(dir, 'errors.log');
  const run = startSipp([...args, '-trace_err', '-error_file', errorFile], dir);
  const code = await run.exited;
  let errors = '';
  try {
    errors = readFileSync(errorFile, 'utf8');
  } catch {
    // No error file: SIPp saw no unexpected message.
  }
  return { code, output: `${run.output().slice(-1500)}\n${errors.slice(-3000)}` };
}
