import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultStaticDir } from '../../src/web/app.js';
import { contentTypeFor, lookupStatic } from '../../src/web/static-files.js';
import { json, rawGet, startApp } from './harness.js';

let top: string;
let ui: string;
const SECRET = 'TOP-SECRET-CONTENT';

before(async () => {
  top = await mkdtemp(join(tmpdir(), 'cellgate-web-'));
  ui = join(top, 'ui');
  await mkdir(join(ui, 'sub'), { recursive: true });
  await writeFile(join(ui, 'index.html'), '<!doctype html><title>cellgate</title>');
  await writeFile(join(ui, 'app.js'), 'console.log("ui")');
  await writeFile(join(ui, 'style.css'), 'body{}');
  await writeFile(join(ui, 'logo.svg'), '<svg/>');
  await writeFile(join(ui, 'blob.bin'), Buffer.from([1, 2, 3]));
  await writeFile(join(ui, 'sub', 'index.html'), '<p>sub</p>');
  await writeFile(join(ui, '.env'), SECRET);
  await writeFile(join(top, 'package.json'), `{"secret":"${SECRET}"}`);
  await writeFile(join(top, 'secret.txt'), SECRET);
  await symlink(join(top, 'secret.txt'), join(ui, 'link.txt'));
  await symlink(top, join(ui, 'linkdir'));
});

after(async () => {
  await rm(top, { recursive: true, force: true });
});

test('serves the UI with the right content types', async () => {
  const h = await startApp({ staticDir: ui });
  try {
    const cases: Array<[string, string, string]> = [
      ['/', 'text/html; charset=utf-8', '<!doctype html><title>cellgate</title>'],
      ['/index.html', 'text/html; charset=utf-8', '<!doctype html><title>cellgate</title>'],
      ['/app.js', 'text/javascript; charset=utf-8', 'console.log("ui")'],
      ['/style.css', 'text/css; charset=utf-8', 'body{}'],
      ['/logo.svg', 'image/svg+xml', '<svg/>'],
      ['/blob.bin', 'application/octet-stream', '\u0001\u0002\u0003'],
      ['/sub/', 'text/html; charset=utf-8', '<p>sub</p>'],
      ['/sub', 'text/html; charset=utf-8', '<p>sub</p>'],
    ];
    for (const [path, type, body] of cases) {
      const res = await fetch(h.base + path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type'), type, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(await res.text(), body, path);
    }
    const head = await fetch(`${h.base}/app.js`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String('console.log("ui")'.length));
    assert.equal(await head.text(), '');
    const missing = await fetch(`${h.base}/nope.js`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await json(missing), { error: 'not found' });
    const post = await fetch(`${h.base}/app.js`, { method: 'POST' });
    assert.equal(post.status, 404);
    await post.text();
  } finally {
    await h.close();
  }
});

test('path traversal, dot-files and symlinks out of the UI directory are refused', async () => {
  const h = await startApp({ staticDir: ui });
  try {
    const attempts = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/package.json',
      '/..%2fpackage.json',
      '/%2e%2e%2fpackage.json',
      '/sub/../../package.json',
      '/sub/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/.env',
      '/%2eenv',
      '/link.txt',
      '/linkdir/secret.txt',
      '/linkdir/package.json',
      '//etc/passwd',
      '/%00',
      '/app.js%00.html',
      '/%zz',
      '/....//package.json',
    ];
    for (const path of attempts) {
      const res = await rawGet(h.port, path);
      assert.notEqual(res.status, 200, path);
      assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
      assert.ok(!res.body.includes(SECRET), `${path} leaked the file`);
    }
    const still = await fetch(`${h.base}/app.js`);
    assert.equal(still.status, 200);
    await still.text();
  } finally {
    await h.close();
  }
});

test('a UI directory without index.html: / points to the API', async () => {
  const empty = join(top, 'empty-ui');
  await mkdir(empty, { recursive: true });
  for (const staticDir of [empty, join(top, 'does-not-exist'), null]) {
    const h = await startApp({ staticDir });
    try {
      const res = await fetch(`${h.base}/`);
      assert.equal(res.status, 200);
      const body = await json(res);
      assert.equal(body.api, '/api');
      const traversal = await rawGet(h.port, '/../package.json');
      assert.equal(traversal.status, 404);
      assert.ok(!traversal.body.includes(SECRET));
    } finally {
      await h.close();
    }
  }
});

test('static files do not shadow the API', async () => {
  await mkdir(join(ui, 'api'), { recursive: true });
  await writeFile(join(ui, 'api', 'health'), 'shadow');
  const h = await startApp({ staticDir: ui });
  try {
    const res = await fetch(`${h.base}/api/health`);
    assert.deepEqual(await json(res), { ok: true });
  } finally {
    await h.close();
  }
});

test('lookupStatic and contentTypeFor, directly', async () => {
  assert.equal(contentTypeFor('a/b/INDEX.HTML'), 'text/html; charset=utf-8');
  assert.equal(contentTypeFor('noext'), 'application/octet-stream');
  assert.equal((await lookupStatic(ui, '/../secret.txt')).kind, 'refused');
  assert.equal((await lookupStatic(ui, '/%E0%A4%A')).kind, 'refused');
  assert.equal((await lookupStatic(ui, '/nothing')).kind, 'missing');
  assert.equal((await lookupStatic(join(top, 'nowhere'), '/')).kind, 'missing');
  const found = await lookupStatic(ui, '/');
  assert.equal(found.kind, 'file');
});

test('the default UI directory is web/dist at the package root', () => {
  const dir = defaultStaticDir();
  assert.ok(dir !== null);
  assert.ok(dir.endsWith('/web/dist'));
  assert.ok(existsSync(join(dirname(dirname(dir)), 'package.json')));
});
