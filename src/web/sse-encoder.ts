/**
 * Server-Sent Events framing (HTML Living Standard, "Server-sent events", §9.2.5 the event stream
 * format; §9.2.6 interpretation). Pure: turns one event into the text a client reads.
 *
 * A field value may not hold a line break: the parser ends a field at CR, LF or CRLF. So `data` is
 * split on every line break and sent as one `data:` field per line (the client joins them with LF);
 * `event` and `id` are single-line by nature, so a line break there is refused rather than silently
 * cut. An `id` may not contain NUL either (the client ignores such an id).
 */

/** One event as the client's EventSource delivers it. */
export interface SseEvent {
  /** The event type (`event:` field); omitted = "message". */
  event?: string;
  /** The payload; any string, line breaks included. */
  data: string;
  /** The last event ID the client sends back in Last-Event-ID on reconnect. */
  id?: string;
  /** Reconnection delay in ms the client should use from now on. */
  retry?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

function singleLine(field: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new RangeError(`SSE ${field} must be a single line`);
  return value;
}

/** The text of one event, ending with the blank line that dispatches it. */
export function encodeSseEvent(e: SseEvent): string {
  let out = '';
  if (e.retry !== undefined) out += encodeSseRetry(e.retry).slice(0, -1);
  if (e.id !== undefined) {
    if (e.id.includes('\u0000')) throw new RangeError('SSE id must not contain NUL');
    out += `id: ${singleLine('id', e.id)}\n`;
  }
  if (e.event !== undefined) out += `event: ${singleLine('event', e.event)}\n`;
  for (const line of e.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/**
 * A `retry:` field alone (no event is dispatched: a block without data only sets the delay).
 * The spec takes only ASCII digits, so the value must be a non-negative integer.
 */
export function encodeSseRetry(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError('SSE retry must be a non-negative integer (ms)');
  return `retry: ${ms}\n\n`;
}

/**
 * A comment (`: text`): ignored by the client, it keeps proxies and NAT tables from closing an idle
 * stream. Each line of `text` becomes its own comment line.
 */
export function encodeSseComment(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((l) => `: ${l}\n`)
    .join('')
    .concat('\n');
}

/** An event whose data is the JSON of `payload` (JSON.stringify never emits a raw line break). */
export function encodeSseJson(event: string, payload: unknown, id?: string): string {
  return encodeSseEvent({ event, data: JSON.stringify(payload), ...(id !== undefined ? { id } : {}) });
}
