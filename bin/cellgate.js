#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072 node --max-semi-space-size=1
// How the daemon runs (measured in docs/decisions/0018-memory-budget.md); `npm start` runs this line too.
// - --max-semi-space-size=1: V8's young generation grows to 2 × 16 MB by default, resident for good after
//   the first busy minute; 1 MB semi-spaces keep the RSS about 28 MB lower for a few more, cheap scavenges.
// - glibc malloc (mallopt(3); ignored by other C libraries): at most 2 arenas instead of 8 per core for
//   V8's and libuv's threads, and a fixed 128 KiB mmap/trim threshold instead of the dynamic one that
//   rises to 32 MB, so large freed blocks go back to the system instead of staying in fragmented arenas.
// Entry point of the installed `cellgate` command: runs the compiled CLI (`npm install` builds it).
import { existsSync } from 'node:fs';
const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('cellgate is not built yet: run `npm install` (or `npm run build`) in the cellgate directory');
  process.exit(1);
}
await import(cli.href);
