/**
 * The live connection: one EventSource on GET /api/events for the whole app while someone is logged
 * in. Its state is a signal (`connecting`, `live`, `lost`) for the header's indicator. The browser
 * reconnects by itself after a dropped stream; when the server refuses the stream outright (404
 * before the endpoint exists, 401, 429) EventSource gives up, so we try again later with a backoff.
 */
import { signal } from '@preact/signals';

export type ConnectionState = 'connecting' | 'live' | 'lost';
export const connection = signal<ConnectionState>('connecting');

export type ServerEvent = 'hello' | 'lines' | 'line' | 'call' | 'sms';
const EVENT_TYPES: readonly ServerEvent[] = ['hello', 'lines', 'line', 'call', 'sms'];
type Handler = (data: unknown) => void;

const handlers = new Map<ServerEvent | 'open', Set<Handler>>();
let source: EventSource | null = null;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retryMs = 2000;
const MAX_RETRY_MS = 30_000;
/** Whether the session still holds; asked before opening the stream again after a refusal. */
let sessionAlive: () => Promise<boolean> = async () => true;

/** Subscribe to one event type; 'open' fires on every (re)connection. Returns the unsubscribe. */
export function onEvent(type: ServerEvent | 'open', fn: Handler): () => void {
  let set = handlers.get(type);
  if (!set) handlers.set(type, (set = new Set()));
  set.add(fn);
  return () => set!.delete(fn);
}

function dispatch(type: ServerEvent | 'open', data: unknown): void {
  for (const fn of handlers.get(type) ?? []) {
    try {
      fn(data);
    } catch (err) {
      console.error(`handler of ${type} event failed`, err);
    }
  }
}

function open(): void {
  connection.value = 'connecting';
  const es = new EventSource('/api/events');
  source = es;
  es.onopen = () => {
    connection.value = 'live';
    retryMs = 2000;
    dispatch('open', null);
  };
  es.onerror = () => {
    if (source !== es) return;
    connection.value = 'lost';
    if (es.readyState !== EventSource.CLOSED) return; // the browser retries by itself
    es.close();
    source = null;
    // A refusal may mean the session ended: ask first (an API call shows the login page on a 401,
    // where a bare EventSource request could make the browser ask for Basic credentials itself).
    retryTimer = setTimeout(() => {
      void sessionAlive().then((alive) => {
        retryTimer = undefined;
        if (alive && source === null) open();
      });
    }, retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };
  for (const type of EVENT_TYPES) {
    es.addEventListener(type, (e) => {
      let data: unknown;
      try {
        data = JSON.parse((e as MessageEvent<string>).data);
      } catch {
        return;
      }
      dispatch(type, data);
    });
  }
}

/** Opens the stream (once). `alive` tells, after the server turned the stream down, whether to try again. */
export function connectEvents(alive: () => Promise<boolean>): void {
  sessionAlive = alive;
  if (source || retryTimer !== undefined) return;
  open();
}

export function disconnectEvents(): void {
  clearTimeout(retryTimer);
  retryTimer = undefined;
  source?.close();
  source = null;
  retryMs = 2000;
  connection.value = 'connecting';
}
