#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=1 --max-old-space-size=256
// How the daemon runs (measured in docs/decisions/0018-memory-budget.md and 0062); `npm start` runs this line too.
// - --max-semi-space-size=1: V8's young generation grows to 2 × 16 MB by default, resident for good after
//   the first busy minute; 1 MB semi-spaces keep the RSS about 28 MB lower for a few more, cheap scavenges.
// - --max-old-space-size=256: V8 sizes its heap limit from the machine's memory (4 GB on 24 GB) and with a
//   limit of 2 GB or more lets the old generation grow to up to 4 × what the last full collection left
//   before it collects again; with 256 MB or less, to 1.3 × (decision 0062). The live heap is ~30 MB.
// - glibc malloc (mallopt(3); ignored by other C libraries): at most 2 arenas instead of 8 per core for
//   V8's and libuv's threads, and a fixed 128 KiB mmap threshold instead of the dynamic one that rises to
//   32 MB, so large freed blocks go back to the system instead of staying in fragmented arenas. Setting it
//   also fixes the trim threshold at its 128 KiB default (the dynamic one follows the mmap threshold).
// Entry point of the installed `cellgate` command: runs the compiled CLI (`npm install` builds it).
import { existsSync } from 'node:fs';
const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('cellgate is not built yet: run `npm install` (or `npm run build`) in the cellgate directory');
  process.exit(1);
}
await import(cli.href);
