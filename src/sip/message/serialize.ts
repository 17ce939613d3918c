import type { SipMessage } from './sip-message.js';

/**
 * Writes a message to bytes: start line, header fields in order, a Content-Length that counts the
 * body's bytes (not characters: a UTF-8 body of Chinese text is three bytes a character), the empty
 * line and the body (RFC 3261 §7, §20.14). Any Content-Length already present is replaced.
 */
export function serializeSipMessage(message: SipMessage): Buffer {
  const headers = message.headers.clone();
  headers.set('Content-Length', String(message.body.length));
  let head = message.startLine + '\r\n';
  for (const field of headers.all()) head += `${field.name}: ${field.value}\r\n`;
  head += '\r\n';
  // Header values may carry UTF-8 (display names, reason phrases, RFC 3261 §25.1 TEXT-UTF8).
  return Buffer.concat([Buffer.from(head, 'utf8'), message.body]);
}
