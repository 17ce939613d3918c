import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AccountError, AuthStore, PasswordPolicyError, type UserChange } from '../../src/config/auth-store.js';
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

  await assert.rejects(auth.setPassword('operator', 'password-1'), { message: 'no user "operator"' });
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

test('accounts: add, list without hashes, change role and password, delete', async (t) => {
  const dir = tempDir(t);
  const auth = await AuthStore.open({ dataDir: dir });
  await auth.ensureAdminPassword();
  const viewer = await auth.addUser('viewer', 'viewer-password', 'user');
  assert.deepEqual({ ...viewer, changedAt: typeof viewer.changedAt }, { name: 'viewer', role: 'user', changedAt: 'string', lastLogin: null, mustChangePassword: false });
  await assert.rejects(auth.addUser('viewer', 'other-password', 'sms'), (e: unknown) => e instanceof AccountError && e.accountError === 'exists');
  await assert.rejects(auth.addUser('Bad Name', 'password-1', 'user'), PasswordPolicyError);
  await assert.rejects(auth.addUser('x', 'password-1', 'root' as 'user'), { message: 'unknown role "root"; expected admin, user, sms' });
  await assert.rejects(auth.addUser('x', 'short', 'user'), { message: 'the password must have at least 8 characters' });
  await auth.addUser('gateway', 'sms-password', 'sms');

  const listed = auth.listUsers();
  assert.deepEqual(listed.map((u) => [u.name, u.role]), [['admin', 'admin'], ['gateway', 'sms'], ['viewer', 'user']]);
  assert.ok(!JSON.stringify(listed).includes('scrypt'), 'no hash is listed');

  await auth.updateUser('viewer', { role: 'sms', password: 'new-viewer-password' });
  assert.equal(auth.role('viewer'), 'sms');
  assert.equal(await auth.verify('viewer', 'viewer-password'), false);
  assert.equal(await auth.verify('viewer', 'new-viewer-password'), true);
  await assert.rejects(auth.updateUser('ghost', { role: 'user' }), (e: unknown) => e instanceof AccountError && e.accountError === 'not-found');

  await auth.deleteUser('gateway');
  assert.equal(auth.hasUser('gateway'), false);
  assert.equal(await auth.verify('gateway', 'sms-password'), false);
  await assert.rejects(auth.deleteUser('gateway'), (e: unknown) => e instanceof AccountError && e.accountError === 'not-found');

  const reopened = await AuthStore.open({ dataDir: dir });
  assert.deepEqual(reopened.listUsers().map((u) => [u.name, u.role]), [['admin', 'admin'], ['viewer', 'sms']]);
});

test('the last admin cannot be deleted or demoted; with a second admin it can', async (t) => {
  const dir = tempDir(t);
  const auth = await AuthStore.open({ dataDir: dir });
  await auth.setPassword('admin', 'admin-password');
  const lastAdmin = (e: unknown) => e instanceof AccountError && e.accountError === 'last-admin';
  await assert.rejects(auth.deleteUser('admin'), lastAdmin);
  await assert.rejects(auth.updateUser('admin', { role: 'user' }), lastAdmin);
  await assert.rejects(auth.setPassword('admin', 'admin-password', { role: 'sms' }), lastAdmin);
  assert.equal(auth.role('admin'), 'admin');
  await auth.addUser('alice', 'alice-password', 'admin');
  await auth.updateUser('admin', { role: 'user' });
  await assert.rejects(auth.deleteUser('alice'), lastAdmin);
  await auth.deleteUser('admin');
  assert.deepEqual(auth.listUsers().map((u) => u.name), ['alice']);
  // An admin exists, so a start does not make a new "admin" account.
  assert.equal(await auth.ensureAdminPassword(), undefined);
});

test('lastLogin is stored and survives a reopen; the newest one is the device\'s last login', async (t) => {
  const dir = tempDir(t);
  const auth = await AuthStore.open({ dataDir: dir });
  await auth.setPassword('admin', 'admin-password');
  await auth.addUser('viewer', 'viewer-password', 'user');
  assert.equal(auth.lastLogin(), null);
  await auth.recordLogin('admin', new Date('2026-03-01T10:00:00Z'));
  await auth.recordLogin('viewer', new Date('2026-03-02T10:00:00Z'));
  await auth.recordLogin('ghost', new Date('2026-03-03T10:00:00Z'));
  const reopened = await AuthStore.open({ dataDir: dir });
  assert.equal(reopened.user('admin')?.lastLogin, '2026-03-01T10:00:00.000Z');
  assert.equal(reopened.user('viewer')?.lastLogin, '2026-03-02T10:00:00.000Z');
  assert.equal(reopened.lastLogin(), '2026-03-02T10:00:00.000Z');
  assert.equal(await reopened.verify('viewer', 'viewer-password'), true, 'recording a login keeps the password');
});

test('changes by another process reach onChange through watch; a login time is not a change', async (t) => {
  const dir = tempDir(t);
  const daemon = await AuthStore.open({ dataDir: dir });
  await daemon.setPassword('admin', 'admin-password');
  const seen: Array<[string, UserChange]> = [];
  daemon.onChange((user, change) => seen.push([user, change]));
  const stop = daemon.watch(20);
  t.after(stop);
  const waitFor = async (n: number) => {
    for (let i = 0; i < 200 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  };

  await daemon.addUser('viewer', 'viewer-password', 'user');
  assert.deepEqual(seen, [['viewer', 'added']]);
  await daemon.recordLogin('viewer');
  assert.equal(seen.length, 1, 'a login time is not an account change');

  await new Promise((r) => setTimeout(r, 20)); // a later mtime
  const cli = await AuthStore.open({ dataDir: dir });
  await cli.updateUser('viewer', { role: 'sms' });
  await waitFor(2);
  assert.deepEqual(seen[1], ['viewer', 'role']);
  assert.equal(daemon.role('viewer'), 'sms');
  assert.ok(daemon.user('viewer')?.lastLogin, 'the CLI kept the login time the daemon wrote');

  await cli.updateUser('viewer', { password: 'other-password' });
  await waitFor(3);
  assert.deepEqual(seen[2], ['viewer', 'password']);
  await cli.deleteUser('viewer');
  await waitFor(4);
  assert.deepEqual(seen[3], ['viewer', 'deleted']);
  assert.equal(daemon.hasUser('viewer'), false);
});

test('a change made here keeps what another process wrote meanwhile', async (t) => {
  const dir = tempDir(t);
  const daemon = await AuthStore.open({ dataDir: dir });
  await daemon.setPassword('admin', 'admin-password');
  await new Promise((r) => setTimeout(r, 20));
  const cli = await AuthStore.open({ dataDir: dir });
  await cli.addUser('viewer', 'viewer-password', 'user');
  // The daemon has not looked at the file since; its next write must not drop "viewer".
  await daemon.recordLogin('admin');
  const reopened = await AuthStore.open({ dataDir: dir });
  assert.deepEqual(reopened.listUsers().map((u) => u.name), ['admin', 'viewer']);
});

test('two writers at once (daemon and CLI): neither loses the other\'s changes', async (t) => {
  const dir = tempDir(t);
  const first = await AuthStore.open({ dataDir: dir });
  await first.setPassword('admin', 'admin-password');
  const second = await AuthStore.open({ dataDir: dir });
  const jobs: Array<Promise<unknown>> = [];
  for (let i = 0; i < 6; i++) {
    jobs.push(first.addUser(`a${i}`, 'password-a', 'user'));
    jobs.push(second.addUser(`b${i}`, 'password-b', 'sms'));
    jobs.push(first.recordLogin('admin'));
  }
  await Promise.all(jobs);
  const names = (await AuthStore.open({ dataDir: dir })).listUsers().map((u) => u.name);
  assert.deepEqual(names, ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'admin', 'b0', 'b1', 'b2', 'b3', 'b4', 'b5']);
  assert.equal(fs.existsSync(path.join(dir, 'auth.json.lock')), false, 'the lock is released');
});
