/**
 * sipvicious against the daemon's SIP side (Debian sipvicious 0.3.x): `svwar` cannot tell the
 * registrar's extensions from missing ones, neither by REGISTER nor by INVITE (every user gets the
 * same challenge), and `svcrack` is locked out before its 20th password: the registrar answers 403 to
 * the source after 5 wrong digests (docs/sip.md "No enumeration, lockout"), so a password further down
 * the list is never found, while a password early in the list is (the tool does work against us).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSippInstalled, freeUdpPort } from '../helpers/sipp.js';
import { startSmsDaemon } from './sms-daemon.js';
import { sippRegister } from './helpers/sip-gsm-calls.js';
import { assertSipviciousInstalled, runSipvicious } from './helpers/sipvicious.js';

const EXTENSIONS = [
  { number: '001', prefix: '8', password: 'kitchen-door-1' },
  { number: '002', prefix: '8', password: 'garden-door-2' },
  { number: '003', prefix: '8', password: 'cellar-door-3' },
];

/** Extensions svwar reported found: its result table rows `| 8001 | reqauth |`. */
function foundExtensions(output: string): string[] {
  return [...output.matchAll(/^\|\s*(\d+)\s*\|\s*(\S+)\s*\|$/gm)].map((m) => `${m[1]}:${m[2]}`);
}

test('svwar finds no extension by REGISTER or INVITE; svcrack is locked out before its 20th password', { timeout: 60_000 }, async (t) => {
  assertSipviciousInstalled();
  assertSippInstalled();
  const home = mkdtempSync(join(tmpdir(), 'cellgate-sipvicious-'));
  // svcrack 0.3 reads only the last WWW-Authenticate and knows only MD5: offer MD5 alone so it really guesses.
  const x = await startSmsDaemon({ modems: 1, config: { sip: { registrar: { enabled: true, algorithms: ['MD5'], extensions: EXTENSIONS } } } });
  t.after(() => x.stop());
  const sipPort = x.d.sip!.ports.udp;

  await t.test('svwar by REGISTER: nothing found, not even with --force', async () => {
    const plain = await runSipvicious('svwar', ['-e', '7990-8010'], sipPort, home, 20_000);
    assert.match(plain.output, /authentication request for an unknown extension/, plain.output);
    assert.match(plain.output, /found nothing/);
    const forced = await runSipvicious('svwar', ['--force', '-e', '7990-8010'], sipPort, home, 20_000);
    assert.deepEqual(foundExtensions(forced.output), [], forced.output.slice(-3000));
    assert.match(forced.output, /found nothing/);
  });

  await t.test('svwar by INVITE: nothing found, not even with --force', async () => {
    const plain = await runSipvicious('svwar', ['-m', 'INVITE', '-e', '7990-8010'], sipPort, home, 20_000);
    assert.match(plain.output, /found nothing/, plain.output);
    const forced = await runSipvicious('svwar', ['-m', 'INVITE', '--force', '-e', '7990-8010'], sipPort, home, 20_000);
    assert.deepEqual(foundExtensions(forced.output), [], forced.output.slice(-3000));
    assert.match(forced.output, /found nothing/);
  });

  await t.test('svcrack finds a password it reaches early, and is locked out before the 20th', async () => {
    const early = join(home, 'early.txt');
    writeFileSync(early, ['wrong-guess-1', 'garden-door-2'].join('\n') + '\n');
    const cracked = await runSipvicious('svcrack', ['-vv', '-u', '8002', '-d', early], sipPort, home, 15_000);
    assert.match(cracked.output, /The password for 8002 is garden-door-2/, cracked.output.slice(-3000));

    const list = join(home, 'long.txt');
    const guesses = Array.from({ length: 25 }, (_, i) => `guess-${i + 1}`);
    guesses[19] = 'kitchen-door-1'; // the 20th password is the right one
    writeFileSync(list, guesses.join('\n') + '\n');
    const locked = await runSipvicious('svcrack', ['-vv', '-u', '8001', '-d', list], sipPort, home, 15_000);
    const tried = [...locked.output.matchAll(/^DEBUG:\S+:trying (\S+)$/gm)].map((m) => m[1]);
    assert.doesNotMatch(locked.output, /The password for 8001 is/, 'the right password was never accepted');
    assert.ok(tried.length > 0 && tried.length < 20, `svcrack tried ${tried.length} passwords: ${tried.join(' ')}`);

    // The source stays locked: even the right password gets 403 now (no challenge, no hashing).
    const reg = await sippRegister(sipPort, await freeUdpPort(), '8001', 'kitchen-door-1', home);
    assert.notEqual(reg.code, 0);
    assert.match(reg.output, /received 'SIP\/2\.0 403 Forbidden/, 'the REGISTER got 403 instead of the challenge');
  });
});
