/**
 * Pure parsers for the credentials a request carries: the HTTP Basic `Authorization` header
 * (RFC 7617) and the `Cookie` header (RFC 6265 §5.4), plus the `Set-Cookie` values of the session
 * and CSRF cookies.
 */

export interface BasicCredentials {
  user: string;
  password: string;
}

const BASIC = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads `Authorization: Basic base64(user:password)`. Returns undefined for another scheme, bad
 * base64, invalid UTF-8, or no colon. RFC 7617 §2: the user-id cannot contain a colon, so the first
 * colon separates it from the password (which may contain colons).
 */
export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined || header.length > 8192) return undefined;
  const m = BASIC.exec(header);
  if (!m) return undefined;
  const b64 = m[1]!;
  let text: string;
  try {
    text = UTF8.decode(Buffer.from(b64, 'base64'));
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** True when the header names the Basic scheme at all (even with malformed credentials). */
export function isBasicScheme(header: string | undefined): boolean {
  return header !== undefined && /^basic(?:[ \t]|$)/i.test(header);
}

/**
 * The value of one cookie from a `Cookie` header (RFC 6265 §5.4: `name=value` pairs joined by "; ").
 * The first occurrence wins. Values are not percent-decoded: ours are base64url.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

/** `Set-Cookie` value for a session cookie (no Max-Age: it lasts as long as the browser session). */
export function sessionCookie(name: string, value: string, opts: { secure: boolean }): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict${opts.secure ? '; Secure' : ''}`;
}

/**
 * `Set-Cookie` value for a cookie page scripts may read (the CSRF token, which the operator UI copies
 * into a header): like the session cookie but without HttpOnly.
 */
export function readableCookie(name: string, value: string, opts: { secure: boolean }): string {
  return `${name}=${value}; Path=/; SameSite=Strict${opts.secure ? '; Secure' : ''}`;
}

/** `Set-Cookie` value that makes the browser drop the cookie. */
export function clearedCookie(name: string, opts: { secure: boolean; httpOnly?: boolean }): string {
  const httpOnly = opts.httpOnly === false ? '' : '; HttpOnly';
  return `${name}=; Path=/${httpOnly}; SameSite=Strict; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${opts.secure ? '; Secure' : ''}`;
}
