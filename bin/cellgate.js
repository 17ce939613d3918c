#!/usr/bin/env node
// Entry point of the installed `cellgate` command: runs the compiled CLI (`npm install` builds it).
import { existsSync } from 'node:fs';
const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('cellgate is not built yet: run `npm install` (or `npm run build`) in the cellgate directory');
  process.exit(1);
}
await import(cli.href);
