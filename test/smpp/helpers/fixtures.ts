/**
 * SMPP captures in fixtures/smpp/*.hex: '#' comment lines, then one PDU per line as "in <hex>" (ESME ->
 * SMSC) or "out <hex>" (SMSC -> ESME).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/transcript.js';

export interface CapturedPdu {
  direction: 'in' | 'out';
  pdu: Buffer;
  line: number;
}

export function smppFixtureNames(): string[] {
  return readdirSync(join(repoRoot(), 'fixtures', 'smpp'))
    .filter((f) => f.endsWith('.hex'))
    .sort();
}

export function readSmppFixture(name: string): CapturedPdu[] {
  const text = readFileSync(join(repoRoot(), 'fixtures', 'smpp', name), 'utf8');
  const out: CapturedPdu[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(in|out) ([0-9a-f]+)$/i.exec(line);
    if (!m || m[2]!.length % 2 !== 0) throw new Error(`${name}:${i + 1}: not "in|out <hex>"`);
    out.push({ direction: m[1] as 'in' | 'out', pdu: Buffer.from(m[2]!, 'hex'), line: i + 1 });
  });
  return out;
}
