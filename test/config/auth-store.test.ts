import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AuthStore, PasswordPolicyError } from '../../src/config/auth-store.js';
import { hashPassword, parsePasswordHash, verifyPassword } from '../../src/config/password-hash.js';
import { tempDir } from './temp-dir.js';

const readJson = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8')) as { version: number; users: Record<string, { hash: string; role: string }> };

test('hash format: scrypt$16384$8$1$<16-byte salt>$<32-byte key>, salted', async () => {
  const h = await hashPassword('correct horse');
  assert.match(h, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
  const p = parsePasswordHash(h);
  assert.ok(p);
  assert.equal(p.salt.length, 16);
  assert.equal(p.hash.length, 32);
  assert.notEqual(await hashPassword('correct horse'), h, 'a fresh salt each time');
  assert.equal(await verifyPassword('correct horse', h), true);
  assert.equal(await verifyPassword('correct horsE', h), false);
});

test('malformed or extravagant hashes are refused, not evaluated', async () => {
  for (const bad of ['', 'scrypt$16384$8$1$abc', 'bcrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', 'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', 'scrypt$4194304$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=']) {
    assert.equal(parsePasswordHash(bad), undefined, bad);
    assert.equal(await verifyPassword('x', bad), false);
  }
});

test('first start: ensureAdminPassword returns a password once and stores only its hash', async (t) => {
  const dir = tempDir(t);
  const auth = await AuthStore.open({ dataDir: dir });
  assert.equal(auth.hasUser('admin'), false);
  const password = await auth.ensureAdminPassword();
  assert.ok(password);
  assert.match(password, /^[A-Za-z0-9_-]{16}$/);
  assert.equal(await auth.ensureAdminPassword(), undefined);

  const file = path.join(dir, 'auth.json');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(!text.includes(password), 'the cleartext password is not stored');
  const doc = readJson(file);
  assert.equal(doc.version, 1);
  assert.deepEqual(Object.keys(doc.users), ['admin']);
  assert.equal(doc.users.admin!.role, 'admin');
  assert.match(doc.users.admin!.hash, /^scrypt\$16384\$8\$1\$/);

  assert.equal(await auth.verify('admin', password), true);
  assert.equal(await auth.verify('admin', `${password}x`), false);
  assert.equal(await auth.verify('nobody', password), false);

  // After a restart the account is there: no new password.
  const reopened = await AuthStore.open({ dataDir: dir });
  assert.equal(await reopened.ensureAdminPassword(), undefined);
  assert.equal(await reopened.verify('admin', password), true);
});

test('concurrent first starts create one password only', async (t) => {
  const dir = tempDir(t);
  const auth = await AuthStore.open({ dataDir: dir });
  const got = await Promise.all([auth.ensureAdminPassword(), auth.ensureAdminPassword(), auth.ensureAdminPassword()]);
  const issued = got.filter((p) => p !== undefined);
  assert.equal(issued.length, 1);
  assert.equal(await auth.verify('admin', issued[0]!), true);
});

test('setPassword: minimum length, replaces the old password, roles', async (t) => {
  const dir = tempDir(t);
  const auth = await AuthStore.open({ dataDir: dir });
  await assert.rejects(auth.setPassword('admin', 'short'), PasswordPolicyError);
  await auth.setPassword('admin', 'first-password');
  await auth.setPassword('admin', 'second-password');
  assert.equal(await auth.verify('admin', 'first-password'), false);
  assert.equal(await auth.verify('admin', 'second-password'), true);
  assert.equal(auth.role('admin'), 'admin');

  await assert.rejects(auth.setPassword('operator', 'password-1'), { message: 'a role is needed to create user "operator"' });
  await assert.rejects(auth.setPassword('Bad Name', 'password-1', { role: 'user' }), PasswordPolicyError);
  await auth.setPassword('operator', 'password-1', { role: 'user' });
  assert.equal(auth.role('operator'), 'user');
  assert.equal(await auth.verify('operator', 'password-1'), true);
  const reopened = await AuthStore.open({ dataDir: dir });
  assert.equal(reopened.role('operator'), 'user');
  assert.equal(await reopened.verify('admin', 'second-password'), true);
});

test('a damaged auth.json falls back to auth.json.bak', async (t) => {
  const dir = tempDir(t);
  const auth = await AuthStore.open({ dataDir: dir });
  await auth.setPassword('admin', 'kept-password');
  await auth.setPassword('admin', 'newer-password');
  const file = path.join(dir, 'auth.json');
  const doc = readJson(file);
  doc.users.admin!.hash = 'scrypt$garbage';
  fs.writeFileSync(file, JSON.stringify(doc));
  const reopened = await AuthStore.open({ dataDir: dir });
  assert.equal(await reopened.verify('admin', 'kept-password'), true);
  assert.equal(await reopened.ensureAdminPassword(), undefined);
});

test('a password changed by another process (cellgate passwd) is picked up without a restart', async (t) => {
  const dir = tempDir(t);
  const daemon = await AuthStore.open({ dataDir: dir });
  await daemon.setPassword('admin', 'first password');
  assert.equal(await daemon.verify('admin', 'first password'), true);
  await new Promise((r) => setTimeout(r, 20)); // a later mtime
  const cli = await AuthStore.open({ dataDir: dir });
  await cli.setPassword('admin', 'second password');
  assert.equal(await daemon.verify('admin', 'second password'), true);
  assert.equal(await daemon.verify('admin', 'first password'), false);
});
