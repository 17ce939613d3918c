/**
 * `cellgate user ...` and `cellgate passwd`: web/API accounts in `<data>/auth.json`. A running daemon
 * picks the change up within a second and ends the sessions of a changed account.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AccountError, AUTH_FILE_NAME, AuthStore, ROLES, type Role } from './config/auth-store.js';
import { dataDirOf, DATA_OPTION } from './data-dir-option.js';
import { parseCommandArgs, usageError } from './util/cli-args.js';

const ROLE_LIST = ROLES.join('|');

export const PASSWD_USAGE = `usage: cellgate passwd [--user NAME] [--data DIR]
  Sets the password of an existing account (default: admin; admin is created when missing, so its
  password can be set before the first start). Reads the new password twice from the terminal, or one
  line from stdin. New accounts: cellgate user add NAME --role ${ROLE_LIST}
  ${DATA_OPTION}`;

export const USER_USAGE = `usage:
  cellgate user list [--data DIR]                            accounts, roles, last login
  cellgate user add NAME --role ${ROLE_LIST} [--data DIR]  new account; password as for passwd
  cellgate user set-role NAME ${ROLE_LIST} [--data DIR]    change its role
  cellgate user del NAME [--data DIR]                        delete it
  cellgate passwd --user NAME [--data DIR]                   change its password
Roles: admin (everything), user (everything but accounts, VoIP settings and IMEI writing), sms (sends,
reads and deletes SMS only). The last admin cannot be deleted or demoted.
  ${DATA_OPTION}`;

function fail(command: string, e: unknown): number {
  if (e instanceof AccountError) {
    console.error(`cellgate ${command}: ${e.message}`);
    return e.accountError === 'invalid' ? 2 : 1;
  }
  throw e;
}

function asRole(command: string, v: string | undefined, usage: string): Role | number {
  if (v === undefined) return usageError(command, `a role is needed: ${ROLE_LIST}`, usage);
  if (!(ROLES as readonly string[]).includes(v)) return usageError(command, `unknown role ${JSON.stringify(v)}; expected ${ROLE_LIST}`, usage);
  return v as Role;
}

export async function passwdMain(args: string[]): Promise<number> {
  const p = parseCommandArgs('passwd', args, { data: { type: 'string' }, user: { type: 'string' } }, PASSWD_USAGE);
  if (typeof p === 'number') return p;
  const user = (p.values.user as string | undefined) ?? 'admin';
  const dataDir = dataDirOf(p.values);
  const store = await AuthStore.open({ dataDir });
  if (user !== 'admin' && !store.hasUser(user)) {
    console.error(`cellgate passwd: no user ${JSON.stringify(user)} in ${store.file}; create it with  cellgate user add ${user} --role ${ROLE_LIST}`);
    return 1;
  }
  const pw = await readNewPassword();
  if (pw === null) {
    console.error('cellgate passwd: no password given');
    return 2;
  }
  try {
    await store.setPassword(user, pw);
  } catch (e) {
    return fail('passwd', e);
  }
  console.log(`password for ${user} changed (${store.file})`);
  return 0;
}

export async function userMain(args: string[]): Promise<number> {
  const p = parseCommandArgs('user', args, { data: { type: 'string' }, role: { type: 'string' } }, USER_USAGE, { allowPositionals: true });
  if (typeof p === 'number') return p;
  const [sub, name, extra] = p.positionals;
  const dataDir = dataDirOf(p.values);
  const needName = (count: number): number | undefined => {
    if (name === undefined) return usageError(`user ${sub}`, 'a user name is needed', USER_USAGE);
    if (p.positionals.length > count) return usageError(`user ${sub}`, `unexpected ${JSON.stringify(p.positionals[count])}`, USER_USAGE);
    return undefined;
  };
  if (p.values.role !== undefined && sub !== 'add') return usageError(`user ${sub ?? ''}`.trim(), '--role belongs to "user add"', USER_USAGE);
  switch (sub) {
    case 'list': {
      if (p.positionals.length > 1) return usageError('user list', `unexpected ${JSON.stringify(name)}`, USER_USAGE);
      const file = path.join(dataDir, AUTH_FILE_NAME);
      // Listing must not create a data directory where there is none (a mistyped --data).
      if (!existsSync(file)) {
        console.error(`cellgate user list: ${file} does not exist (the daemon creates it on its first start; see --data)`);
        return 1;
      }
      const store = await AuthStore.open({ dataDir });
      const users = store.listUsers();
      const width = Math.max(4, ...users.map((u) => u.name.length));
      console.log(`${'NAME'.padEnd(width)}  ROLE   LAST LOGIN`);
      for (const u of users) console.log(`${u.name.padEnd(width)}  ${u.role.padEnd(5)}  ${u.lastLogin ?? 'never'}`);
      return 0;
    }
    case 'add': {
      const bad = needName(2);
      if (bad !== undefined) return bad;
      const role = asRole('user add', p.values.role as string | undefined, USER_USAGE);
      if (typeof role === 'number') return role;
      const store = await AuthStore.open({ dataDir });
      if (store.hasUser(name!)) {
        console.error(`cellgate user add: user ${JSON.stringify(name)} already exists; change it with  cellgate passwd --user ${name}  or  cellgate user set-role ${name} ROLE`);
        return 1;
      }
      const pw = await readNewPassword();
      if (pw === null) {
        console.error('cellgate user add: no password given');
        return 2;
      }
      try {
        await store.addUser(name!, pw, role);
      } catch (e) {
        return fail('user add', e);
      }
      console.log(`user ${name} added with role ${role} (${store.file})`);
      return 0;
    }
    case 'set-role': {
      const bad = needName(3);
      if (bad !== undefined) return bad;
      const role = asRole('user set-role', extra, USER_USAGE);
      if (typeof role === 'number') return role;
      const store = await AuthStore.open({ dataDir });
      try {
        await store.updateUser(name!, { role });
      } catch (e) {
        return fail('user set-role', e);
      }
      console.log(`user ${name} now has role ${role} (${store.file})`);
      return 0;
    }
    case 'del': {
      const bad = needName(2);
      if (bad !== undefined) return bad;
      const store = await AuthStore.open({ dataDir });
      try {
        await store.deleteUser(name!);
      } catch (e) {
        return fail('user del', e);
      }
      console.log(`user ${name} deleted (${store.file})`);
      return 0;
    }
    default:
      return usageError('user', sub === undefined ? 'a subcommand is needed' : `unknown subcommand ${JSON.stringify(sub)}`, USER_USAGE);
  }
}

/** Twice, hidden, on a terminal; else the first line of stdin. */
async function readNewPassword(): Promise<string | null> {
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line.replace(/\r$/, '');
    }
    return null;
  }
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
      const w = rl as unknown as { _writeToOutput: (s: string) => void };
      rl.question(q, (a) => {
        rl.close();
        process.stdout.write('\n');
        resolve(a);
      });
      w._writeToOutput = (s: string) => {
        if (s.startsWith(q)) process.stdout.write(q);
      };
    });
  const a = await ask('new password: ');
  const b = await ask('again: ');
  if (a !== b) {
    console.error('the two passwords differ');
    return null;
  }
  return a;
}
