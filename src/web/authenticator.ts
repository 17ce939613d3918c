/**
 * What the web layer needs from the password store. The daemon adapts `src/config/auth-store.ts`
 * to this interface; tests pass a fake. Kept here so the web layer does not depend on how or where
 * passwords are stored.
 */

/** Roles a user can hold. Only `admin` routes exist so far; `user` and `sms` come later. */
export type Role = 'admin' | 'user' | 'sms';

export const ROLES: readonly Role[] = ['admin', 'user', 'sms'];

export interface Authenticator {
  /** True when the password is right for this user. May be slow on purpose (scrypt); must not throw for bad input. */
  verify(user: string, password: string): Promise<boolean>;
  /**
   * The user's role; null or undefined when there is no such user (or it may not use the web API).
   * `AuthStore` from src/config/auth-store.ts fits this interface as it is.
   */
  role(user: string): Role | null | undefined;
  /** True while the user must replace a password they did not choose; absent: never. */
  mustChangePassword?(user: string): boolean;
}

/** Who made a request, once authenticated. */
export interface Principal {
  user: string;
  role: Role;
  via: 'basic' | 'session';
}
