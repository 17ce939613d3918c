/**
 * fetch for the JSON API: same-origin cookies, JSON bodies, the session's CSRF token on every
 * state-changing request (read from the `cellgate_csrf` cookie, which the server renews with the
 * session), and a 401 anywhere but the login itself ends the session in the UI.
 */
export class ApiFailure extends Error {
  /** `body`: the answer's JSON, when it had one (e.g. a 400's field errors). */
  constructor(readonly status: number, message: string, readonly body?: unknown) {
    super(message);
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const unauthorizedListeners = new Set<() => void>();

/** Called whenever the API answers 401 (the session expired or was ended). */
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export function csrfToken(): string | undefined {
  const m = document.cookie.match(/(?:^|;\s*)cellgate_csrf=([^;]*)/);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  // X-Requested-With: a 401 then comes without `WWW-Authenticate: Basic`, so the browser shows no
  // password dialog of its own and the UI's login page takes over.
  const headers: Record<string, string> = { Accept: 'application/json', 'X-Requested-With': 'cellgate-ui' };
  if (method !== 'GET') {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiFailure(0, 'network');
  }
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // a proxy's HTML error page; the status says enough
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/login') for (const fn of unauthorizedListeners) fn();
    const message = typeof data === 'object' && data !== null && typeof (data as { error?: unknown }).error === 'string' ? (data as { error: string }).error : res.statusText;
    throw new ApiFailure(res.status, message, data);
  }
  return data as T;
}

/** `?a=1&b=x` from the defined, non-empty values. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
