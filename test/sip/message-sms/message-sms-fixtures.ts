import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSipMessage, SipRequest } from '../../../src/sip/message/index.js';

const examples = fileURLToPath(new URL('../../../../fixtures/sip/examples/', import.meta.url));

/** The bytes of a hand-written example from fixtures/sip/examples/. */
export function exampleBytes(name: string): Buffer {
  return readFileSync(examples + name);
}

/** Parses request bytes; fails the test when they do not parse to a request. */
export function parseRequest(bytes: Buffer): SipRequest {
  const result = parseSipMessage(bytes);
  if (!result.ok) throw new Error(`does not parse: ${JSON.stringify(result.verdict)}`);
  if (!(result.message instanceof SipRequest)) throw new Error('not a request');
  return result.message;
}

export function exampleRequest(name: string): SipRequest {
  return parseRequest(exampleBytes(name));
}

/**
 * A MESSAGE as bytes on the wire: the header lines given (Content-Length added to match the body),
 * the body as UTF-8 text or raw bytes. Parsed back with the real parser, so tests see what a
 * transport would hand over.
 */
export function messageFromWire(headerLines: readonly string[], body: string | Buffer, requestLine = 'MESSAGE sip:gw@192.0.2.211 SIP/2.0'): SipRequest {
  const bodyBytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const head = [
    requestLine,
    'Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKtest1',
    'Max-Forwards: 70',
    'From: <sip:102@192.0.2.11>;tag=t1',
    'Call-ID: c0ffee42@192.0.2.2',
    `CSeq: 1 ${requestLine.split(' ')[0]}`,
    ...headerLines,
    `Content-Length: ${bodyBytes.length}`,
  ];
  return parseRequest(Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'utf8'), bodyBytes]));
}
