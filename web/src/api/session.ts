/** Who is logged in (undefined: not known yet, null: nobody), login and logout. */
import { signal } from '@preact/signals';
import { api, ApiFailure, onUnauthorized } from './client';
import type { Me } from './types';

export const me = signal<Me | null | undefined>(undefined);

onUnauthorized(() => {
  me.value = null;
});

export async function loadMe(): Promise<void> {
  try {
    const m = await api<Me>('GET', '/me');
    me.value = { user: m.user, role: m.role, mustChangePassword: m.mustChangePassword === true };
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 401) me.value = null;
    else throw e;
  }
}

export async function login(user: string, password: string): Promise<Me> {
  const m = await api<Me>('POST', '/login', { user, password });
  me.value = { user: m.user, role: m.role, mustChangePassword: m.mustChangePassword === true };
  return me.value;
}

export async function logout(): Promise<void> {
  try {
    await api('POST', '/logout');
  } finally {
    me.value = null;
  }
}
