import { headerKey } from './header-names.js';
import type { SipMessage } from './sip-message.js';

/**
 * Writes a message to bytes: start line, header fields in order, a Content-Length that counts the
 * body's bytes (not characters: a UTF-8 body of Chinese text is three bytes a character), the empty
 * line and the body (RFC 3261 §7, §20.14). Any Content-Length already present is replaced, at the
 * place of the first one.
 *
 * The bytes get memory of their own rather than a slice of Node's shared 8 KiB buffer pool: a server
 * transaction keeps its last response for Timer J (32 s on UDP, §17.2.2), and a pooled slice would
 * keep the whole pool, and everything else cut from it, alive that long.
 */
export function serializeSipMessage(message: SipMessage): Buffer {
  const length = `Content-Length: ${message.body.length}\r\n`;
  let head = message.startLine + '\r\n';
  let lengthWritten = false;
  for (const field of message.headers.all()) {
    if (headerKey(field.name) !== 'content-length') head += `${field.name}: ${field.value}\r\n`;
    else if (!lengthWritten) head += length;
    lengthWritten ||= headerKey(field.name) === 'content-length';
  }
  if (!lengthWritten) head += length;
  head += '\r\n';
  // Header values may carry UTF-8 (display names, reason phrases, RFC 3261 §25.1 TEXT-UTF8).
  const headBytes = Buffer.byteLength(head, 'utf8');
  const bytes = Buffer.allocUnsafeSlow(headBytes + message.body.length);
  bytes.write(head, 0, 'utf8');
  message.body.copy(bytes, headBytes);
  return bytes;
}
