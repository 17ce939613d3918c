/** Form of the fixtures/quectel transcripts: a source line first, well-formed steps, host lines ended. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { listFixtures, loadTranscript, repoRoot } from '../helpers/transcript.js';

const files = listFixtures('quectel');

test('there are Quectel fixtures, including a full start-up', () => {
  assert.ok(files.length >= 10, `only ${files.length} fixtures`);
  assert.ok(files.some((f) => f.endsWith('/ec25/startup.txt')));
});

for (const file of files) {
  const name = relative(repoRoot(), file);
  test(`${name}: source first, host writes end with CR, modem answers each write`, () => {
    const text = readFileSync(file, 'utf8');
    const first = text.split('\n')[0]!;
    assert.match(first, /^# source: (Quectel|AT\+EGMR|3GPP TS 27\.00[57])/);
    assert.doesNotMatch(first, /captured from a device/i, 'none of these were captured from a device');
    assert.match(text, /not captured from a device|no device captured|constructed/i, 'say how the transcript was made');
    assert.doesNotMatch(text, /\r/, 'escapes only: no raw CR in the file');
    const t = loadTranscript(file);
    assert.ok(t.steps.length > 0);
    for (const [i, s] of t.steps.entries()) {
      if (s.dir !== 'host') continue;
      // Data after an intermediate CONNECT (AT+QHTTPURL) is sent as it is; every other write is a command line.
      const afterConnect = i > 0 && /CONNECT\r\n$/.test(t.steps[i - 1]!.data.toString('latin1'));
      if (!afterConnect) assert.equal(s.data[s.data.length - 1], 0x0d, `step ${i}: host write must end with \\r`);
      assert.ok(!s.data.includes(0x0a), `step ${i}: host write holds LF`);
      assert.equal(t.steps[i + 1]?.dir, 'modem', `step ${i}: no modem answer follows`);
    }
  });
}
