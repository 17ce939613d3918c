/**
 * The command line itself: `--help` on every command, usage errors, and the data directory every
 * command defaults to (the daemon's). Each case runs bin/cellgate.js as a child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/transcript.js';

const bin = join(repoRoot(), 'bin', 'cellgate.js');

function run(args: string[], opts: SpawnSyncOptions = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input: '', timeout: 20_000, ...opts });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** The same as `run`, without blocking: the many --help cases start a few at a time. */
function runLater(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Each of `items` through `work`, at most `width` at once, results in order. */
async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i]!);
  };
  await Promise.all(Array.from({ length: width }, worker));
  return out;
}

const HELP_CASES: Array<[string[], RegExp]> = [
  [['start'], /^usage: cellgate start /],
  [['config'], /^usage: cellgate config check /],
  [['config', 'check'], /^usage: cellgate config check /],
  [['passwd'], /^usage: cellgate passwd /],
  [['user'], /cellgate user list/],
  [['user', 'list'], /cellgate user list/],
  [['user', 'add'], /cellgate user add NAME --role/],
  [['user', 'set-role'], /cellgate user set-role NAME/],
  [['user', 'del'], /cellgate user del NAME/],
  [['simulate'], /cellgate simulate --ptys DIR/],
  [['simulate', 'sms'], /sms --to NUMBER/],
  [['simulate', 'fault', '1'], /fault MODEM hang/],
  [['version'], /^usage: cellgate version/],
];

test('every command answers --help and -h with its usage on stdout, exit status 0', async () => {
  const cases = HELP_CASES.flatMap(([cmd, usage]) => ['--help', '-h'].map((flag) => ({ args: [...cmd, flag], usage })));
  const results = await inBatches(cases, 4, (c) => runLater(c.args));
  cases.forEach((c, i) => {
    const r = results[i]!;
    const what = c.args.join(' ');
    assert.equal(r.status, 0, `${what}: ${r.stderr}`);
    assert.match(r.stdout, c.usage, what);
    assert.equal(r.stderr, '', what);
  });
  // --help wins over other mistakes on the same line; `cellgate help COMMAND` is the same text.
  assert.equal(run(['start', '--bogus', '--help']).status, 0);
  assert.equal(run(['help', 'start']).stdout, run(['start', '--help']).stdout);
  assert.match(run(['--help']).stdout, /cellgate start .*run the gateway/);
  assert.equal(run(['--version']).stdout.trim(), run(['version']).stdout.trim());
});

test('a bad argument names the problem and shows the usage, exit status 2, no stack trace', () => {
  const cases: Array<[string[], RegExp]> = [
    [['start', '--bogus'], /^cellgate start: Unknown option '--bogus'/],
    [['start', '--http-port', 'abc'], /^cellgate start: --http-port: expected an integer from 0 to 65535, got "abc"/],
    [['start', '--log-format', 'xml'], /^cellgate start: --log-format: expected json or pretty, got "xml"/],
    [['config', 'lint'], /^cellgate config: unknown subcommand "lint"/],
    [['config', 'check', 'a.json', '--data', '/tmp'], /give FILE or --data DIR, not both/],
    [['user'], /^cellgate user: a subcommand is needed/],
    [['user', 'add', 'viewer'], /^cellgate user add: a role is needed: admin\|user\|sms/],
    [['user', 'add', 'viewer', '--role', 'root'], /unknown role "root"/],
    [['user', 'set-role', 'viewer'], /a role is needed/],
    [['simulate', 'dance'], /^cellgate simulate: unknown command "dance"/],
    [['frobnicate'], /^cellgate frobnicate: unknown command/],
  ];
  for (const [args, message] of cases) {
    const r = run(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.match(r.stderr, /usage/, args.join(' '));
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  }
});

test('passwd for an account that does not exist says how to create it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-cli-'));
  try {
    const r = run(['passwd', '--user', 'viewer', '--data', dir], { input: 'viewer-password\n' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no user "viewer" in .*auth\.json; create it with {2}cellgate user add viewer --role admin\|user\|sms/);
    const list = run(['user', 'list', '--data', join(dir, 'nowhere')]);
    assert.equal(list.status, 1);
    assert.match(list.stderr, /nowhere\/auth\.json does not exist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config check without FILE checks the configuration the daemon uses, as root and as an ordinary user', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-cli-'));
  try {
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'config.json'), '{ "device": { "name": "from-cwd" } }');
    chmodSync(join(dir, 'data'), 0o755);
    chmodSync(join(dir, 'data', 'config.json'), 0o644);
    const viaData = run(['config', 'check', '--data', join(dir, 'data')]);
    assert.equal(viaData.status, 0, viaData.stderr);
    assert.equal(viaData.stdout.trim(), `${join(dir, 'data', 'config.json')}: OK (0 lines configured)`);

    // An ordinary user: ./data under the working directory. Run as "nobody" when this is root.
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath];
    const r = spawnSync(asUser[0]!, [...asUser.slice(1), bin, 'config', 'check'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}${r.error ?? ''}`);
    assert.equal(r.stdout.trim(), `${join(dir, 'data', 'config.json')}: OK (0 lines configured)`);

    if (process.getuid?.() === 0) {
      // root: /var/lib/cellgate, whatever the working directory.
      const root = run(['config', 'check'], { cwd: dir });
      assert.match(`${root.stdout}${root.stderr}`, /^\/var\/lib\/cellgate\/config\.json: /);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
