/**
 * sipvicious (Debian package `sipvicious`, 0.3.x) as a real attacker in tests: `svwar` (extension
 * enumeration) and `svcrack` (password guessing), run with a scratch HOME (they save sessions under
 * ~/.sipvicious) and a free local port (they would take 5060 otherwise). svcrack waits forever for an
 * answer once the server stops challenging, so every run has a deadline after which it is killed.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { freeUdpPort } from '../../helpers/sipp.js';

export function assertSipviciousInstalled(): void {
  for (const tool of ['svwar', 'svcrack']) {
    const which = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
    if (which.status !== 0 || which.stdout.trim() === '') assert.fail(`${tool} is not installed: install the Debian package sipvicious (apt-get install sipvicious), which .ci/run lists`);
  }
}

export interface ToolRun {
  code: number | null;
  /** stdout and stderr together (their logging goes to stderr). */
  output: string;
  killed: boolean;
}

/** Runs `tool args… 127.0.0.1` against `sipPort` from a free local port; kills it after `deadlineMs`. */
export async function runSipvicious(tool: 'svwar' | 'svcrack', args: string[], sipPort: number, home: string, deadlineMs: number): Promise<ToolRun> {
  const localPort = await freeUdpPort();
  const child = spawn(tool, [...args, '-P', String(localPort), '-p', String(sipPort), '127.0.0.1'], { env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, deadlineMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, output, killed };
}
