/**
 * The UI's files go out compressed when the browser accepts it: the build's `.br` / `.gz` copies
 * (scripts/build-web.mjs), chosen from Accept-Encoding by RFC 9110 §12.5.3 (q-values, `*`, q=0 refuses),
 * with `Vary: Accept-Encoding`; a file without a copy, or a client that accepts none, gets the file itself.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { pickCoding } from '../../src/web/static-files.js';
import { startApp } from './harness.js';

test('pickCoding follows Accept-Encoding: brotli first, q=0 refuses, * covers the unnamed, nothing means identity', () => {
  assert.equal(pickCoding(undefined), null);
  assert.equal(pickCoding(''), null);
  assert.equal(pickCoding('gzip, deflate, br, zstd'), 'br');
  assert.equal(pickCoding('gzip'), 'gzip');
  assert.equal(pickCoding('x-gzip'), 'gzip');
  assert.equal(pickCoding('br;q=0, gzip'), 'gzip');
  assert.equal(pickCoding('gzip;q=1.0, br;q=0.5'), 'gzip');
  assert.equal(pickCoding('identity'), null);
  assert.equal(pickCoding('*'), 'br');
  assert.equal(pickCoding('*;q=0'), null);
  assert.equal(pickCoding('br;q=0, *'), 'gzip');
  assert.equal(pickCoding('deflate'), null);
  assert.equal(pickCoding(' BR ; Q=0.8 '), 'br');
});

let ui: string;
const script = 'export const text = "' + 'cellgate '.repeat(400) + '";\n';

before(async () => {
  ui = await mkdtemp(join(tmpdir(), 'cellgate-web-z-'));
  await mkdir(join(ui, 'assets'), { recursive: true });
  await writeFile(join(ui, 'index.html'), '<!doctype html><title>x</title>');
  await writeFile(join(ui, 'assets', 'main-ABC.js'), script);
  await writeFile(join(ui, 'assets', 'main-ABC.js.br'), brotliCompressSync(script));
  await writeFile(join(ui, 'assets', 'main-ABC.js.gz'), gzipSync(script));
});

after(async () => {
  await rm(ui, { recursive: true, force: true });
});

/** A raw GET (fetch would decode the body and hide what went over the wire). */
function get(base: string, path: string, acceptEncoding?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the build’s brotli or gzip copy is sent to a browser that accepts it, with its length and Vary; others get the file', async () => {
  const h = await startApp({ staticDir: ui });
  try {
    const br = await get(h.base, '/assets/main-ABC.js', 'gzip, deflate, br');
    assert.equal(br.status, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(Number(br.headers['content-length']), br.body.length);
    assert.ok(br.body.length < script.length / 4, `${br.body.length} bytes for ${script.length}`);
    assert.equal(brotliDecompressSync(br.body).toString(), script);
    assert.match(String(br.headers['vary']), /accept-encoding/i);
    assert.match(String(br.headers['content-type']), /javascript/);
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');

    const gz = await get(h.base, '/assets/main-ABC.js', 'gzip');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.body).toString(), script);

    const plain = await get(h.base, '/assets/main-ABC.js');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), script);
    assert.match(String(plain.headers['vary']), /accept-encoding/i, 'caches keep the variants apart');

    // No copy for this file: sent as it is, whatever the browser accepts.
    const html = await get(h.base, '/', 'br');
    assert.equal(html.headers['content-encoding'], undefined);
    assert.equal(html.body.toString(), '<!doctype html><title>x</title>');
  } finally {
    await h.close();
  }
});
