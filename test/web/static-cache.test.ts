import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMMUTABLE_CACHE, staticHeaders, UI_CONTENT_SECURITY_POLICY } from '../../src/web/static-files.js';
import { startApp } from './harness.js';

let ui: string;

before(async () => {
  ui = await mkdtemp(join(tmpdir(), 'cellgate-web-cache-'));
  await mkdir(join(ui, 'assets'), { recursive: true });
  await writeFile(join(ui, 'index.html'), '<!doctype html><script type="module" src="assets/main-ABC123.js"></script>');
  await writeFile(join(ui, 'assets', 'main-ABC123.js'), 'export {}');
  await writeFile(join(ui, 'assets', 'main-DEF456.css'), 'body{}');
  await writeFile(join(ui, 'robots.txt'), 'User-agent: *');
});

after(async () => {
  await rm(ui, { recursive: true, force: true });
});

test('hashed assets are cached for a year as immutable; index.html is revalidated', async () => {
  const h = await startApp({ staticDir: ui });
  try {
    for (const path of ['/assets/main-ABC123.js', '/assets/main-DEF456.css']) {
      const res = await fetch(h.base + path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable', path);
      assert.equal(res.headers.get('content-security-policy'), null, path);
      await res.text();
    }
    for (const path of ['/', '/index.html', '/robots.txt']) {
      const res = await fetch(h.base + path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cache-control'), 'no-cache', path);
      await res.text();
    }
    const head = await fetch(`${h.base}/assets/main-ABC123.js`, { method: 'HEAD' });
    assert.equal(head.headers.get('cache-control'), IMMUTABLE_CACHE);
    await head.text();
  } finally {
    await h.close();
  }
});

test('HTML carries a Content-Security-Policy without inline scripts or styles', async () => {
  const h = await startApp({ staticDir: ui });
  try {
    for (const path of ['/', '/index.html']) {
      const res = await fetch(h.base + path);
      const csp = res.headers.get('content-security-policy');
      assert.equal(csp, UI_CONTENT_SECURITY_POLICY, path);
      await res.text();
    }
    const directives = new Map(UI_CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values.join(' ')];
    }));
    assert.equal(directives.get('default-src'), "'self'");
    assert.equal(directives.get('img-src'), "'self' data:");
    assert.equal(directives.get('style-src'), "'self'");
    assert.equal(directives.get('connect-src'), "'self'");
    assert.equal(directives.get('frame-ancestors'), "'none'");
    assert.ok(!UI_CONTENT_SECURITY_POLICY.includes('unsafe-inline'));
    assert.ok(!UI_CONTENT_SECURITY_POLICY.includes('unsafe-eval'));
  } finally {
    await h.close();
  }
});

test('an API answer is never cached and a missing asset is a plain 404', async () => {
  const h = await startApp({ staticDir: ui });
  try {
    const api = await fetch(`${h.base}/api/health`);
    assert.equal(api.headers.get('cache-control'), 'no-store');
    await api.text();
    const missing = await fetch(`${h.base}/assets/main-OLD.js`);
    assert.equal(missing.status, 404);
    assert.notEqual(missing.headers.get('cache-control'), IMMUTABLE_CACHE);
    await missing.text();
  } finally {
    await h.close();
  }
});

test('staticHeaders, directly', () => {
  assert.deepEqual(staticHeaders('/assets/x-1.js', 'text/javascript; charset=utf-8'), { 'Cache-Control': IMMUTABLE_CACHE });
  assert.deepEqual(staticHeaders('/', 'text/html; charset=utf-8'), { 'Cache-Control': 'no-cache', 'Content-Security-Policy': UI_CONTENT_SECURITY_POLICY });
  // Only the assets folder at the top is immutable; a look-alike deeper down is not.
  assert.equal(staticHeaders('/x/assets/y.js', 'text/javascript')['Cache-Control'], 'no-cache');
});
