#!/usr/bin/env -S node --max-semi-space-size=1
// --max-semi-space-size=1: V8's young generation grows to 2 × 16 MB by default, resident for good after
// the first busy minute; 1 MB semi-spaces keep the daemon's RSS about 28 MB lower for a few more, cheap
// scavenges (measured in docs/decisions/0018-memory-budget.md). `npm start` passes the same flag.
// Entry point of the installed `cellgate` command: runs the compiled CLI (`npm install` builds it).
import { existsSync } from 'node:fs';
const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('cellgate is not built yet: run `npm install` (or `npm run build`) in the cellgate directory');
  process.exit(1);
}
await import(cli.href);
