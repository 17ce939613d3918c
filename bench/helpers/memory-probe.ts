/**
 * Loaded into the daemon under measurement with `node --expose-gc --import <this file>`: on SIGWINCH it
 * reads the request file in CELLGATE_MEMORY_PROBE_DIR ("stats" or "snapshot <path>"), collects garbage,
 * and writes its answer beside it (`stats.json`: process.memoryUsage(), V8's heap spaces and
 * /proc/self/smaps_rollup; or the heap snapshot `<path>.heapsnapshot`), then `done`. Lets a bench read the daemon's own
 * figures after a forced GC without an inspector connection.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

const dir = process.env.CELLGATE_MEMORY_PROBE_DIR;
const gc = (globalThis as { gc?: () => void }).gc;

function smapsRollup(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync('/proc/self/smaps_rollup', 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]!] = Number(m[2]) * 1024;
  }
  return out;
}

if (dir)
  process.on('SIGWINCH', () => {
    const request = readFileSync(join(dir, 'request'), 'utf8').trim();
    gc?.();
    gc?.();
    if (request.startsWith('snapshot ')) writeHeapSnapshot(`${request.slice(9)}.heapsnapshot`);
    const stats = {
      memory: process.memoryUsage(),
      spaces: Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }])),
      smaps: smapsRollup(),
    };
    writeFileSync(join(dir, 'stats.tmp'), JSON.stringify(stats));
    renameSync(join(dir, 'stats.tmp'), join(dir, 'stats.json'));
    writeFileSync(join(dir, 'done'), request);
  });
