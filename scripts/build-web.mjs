#!/usr/bin/env node
/**
 * Builds the operator UI: bundles web/src/main.tsx (and the pages it loads on demand) with esbuild
 * into web/dist/assets/<name>-<hash>.js|css, and writes web/dist/index.html naming those files.
 * Hashed names let the server mark assets immutable while index.html is revalidated on every load.
 * Prints each file's raw and gzip size; exits 1 with esbuild's messages when the build fails.
 */
import { build, formatMessages } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

/** Smaller files go out as they are: compression would save less than its headers cost. */
const COMPRESS_FROM_BYTES = 1024;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'web', 'src');
const dist = join(root, 'web', 'dist');
const quiet = process.argv.includes('--quiet');

async function main() {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(join(dist, 'assets'), { recursive: true });
  let result;
  try {
    result = await build({
      absWorkingDir: root,
      entryPoints: [join(src, 'main.tsx')],
      outdir: join(dist, 'assets'),
      entryNames: '[name]-[hash]',
      chunkNames: '[name]-[hash]',
      assetNames: '[name]-[hash]',
      bundle: true,
      splitting: true,
      format: 'esm',
      target: 'es2020',
      minify: true,
      sourcemap: false,
      jsx: 'automatic',
      jsxImportSource: 'preact',
      metafile: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
  } catch (err) {
    const errors = err && Array.isArray(err.errors) ? err.errors : null;
    if (!errors) throw err;
    const text = await formatMessages(errors, { kind: 'error', color: process.stderr.isTTY });
    process.stderr.write(`web UI build failed (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${text.join('')}`);
    process.exit(1);
  }

  const outputs = result.metafile.outputs;
  // Pages loaded on demand are outputs with an entryPoint too: pick the one built from main.tsx.
  const mainEntry = relative(root, join(src, 'main.tsx')).split('\\').join('/');
  const entry = Object.entries(outputs).find(([p, o]) => o.entryPoint === mainEntry && p.endsWith('.js'));
  if (!entry) throw new Error('esbuild produced no entry output');
  const [entryPath, entryOut] = entry;
  const asset = (p) => relative(dist, join(root, p)).split('\\').join('/');
  const css = entryOut.cssBundle ? `    <link rel="stylesheet" href="${asset(entryOut.cssBundle)}">\n` : '';
  // The first page's chunks are preloaded so they arrive with the entry, not after it runs.
  const preloads = entryOut.imports
    .filter((i) => i.kind === 'import-statement')
    .map((i) => `    <link rel="modulepreload" href="${asset(i.path)}">\n`)
    .join('');
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>cellgate</title>
${css}${preloads}    <script type="module" src="${asset(entryPath)}"></script>
  </head>
  <body>
    <div id="app"></div>
    <noscript>The cellgate operator UI needs JavaScript. The JSON API is under /api.</noscript>
  </body>
</html>
`;
  writeFileSync(join(dist, 'index.html'), html);

  // Compressed once here, not per request on the appliance: the server sends `<file>.br` or
  // `<file>.gz` to browsers that accept it (src/web/static-files.ts).
  for (const f of [join(dist, 'index.html'), ...Object.keys(outputs).map((p) => join(root, p))]) {
    const data = readFileSync(f);
    if (data.length < COMPRESS_FROM_BYTES) continue;
    writeFileSync(`${f}.br`, brotliCompressSync(data, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
    writeFileSync(`${f}.gz`, gzipSync(data, { level: 9 }));
  }

  if (!quiet) {
    const files = [join(dist, 'index.html'), ...Object.keys(outputs).map((p) => join(root, p))];
    let raw = 0;
    let gz = 0;
    for (const f of files) {
      const data = readFileSync(f);
      const z = gzipSync(data, { level: 9 }).length;
      raw += data.length;
      gz += z;
      process.stdout.write(`${relative(root, f).padEnd(48)} ${String(data.length).padStart(8)} B  ${String(z).padStart(7)} B gzip\n`);
    }
    process.stdout.write(`${'total'.padEnd(48)} ${String(raw).padStart(8)} B  ${String(gz).padStart(7)} B gzip\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`web UI build failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
