/** Form of the fixtures/generic transcripts: a source line first, well-formed steps, host lines ended. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { listFixtures, loadTranscript, repoRoot } from '../helpers/transcript.js';

const files = listFixtures('generic');

test('there are generic fixtures', () => {
  assert.ok(files.length >= 30, `only ${files.length} fixtures`);
});

for (const file of files) {
  const name = relative(repoRoot(), file);
  test(`${name}: source first, host writes end with CR or Ctrl-Z, modem answers each write`, () => {
    const text = readFileSync(file, 'utf8');
    assert.match(text.split('\n')[0]!, /^# source: (3GPP TS 27\.00[57]|ITU-T V\.250)/);
    assert.doesNotMatch(text, /\r/, 'escapes only: no raw CR in the file');
    const t = loadTranscript(file);
    assert.ok(t.steps.length > 0);
    for (const [i, s] of t.steps.entries()) {
      if (s.dir !== 'host') continue;
      const last = s.data[s.data.length - 1];
      assert.ok(last === 0x0d || last === 0x1a, `step ${i}: host write must end with \\r or \\x1a`);
      assert.ok(!s.data.includes(0x0a), `step ${i}: host write holds LF`);
      assert.equal(t.steps[i + 1]?.dir, 'modem', `step ${i}: no modem answer follows`);
    }
  });
}
