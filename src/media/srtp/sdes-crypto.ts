/**
 * SDES keys in SDP (RFC 4568): the `a=crypto` attribute,
 *
 *   a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]      (§9.1)
 *   key-params = "inline:" <base64 key||salt> ["|" lifetime] ["|" MKI ":" length]   (§6.1)
 *
 * Only AES_CM_128_HMAC_SHA1_80 is taken (§6.2.1: 30 bytes of key and salt), with one key and no MKI:
 * an offer usually lists several lines, and the ones refused here are simply not chosen.
 */
import { randomBytes } from 'node:crypto';
import { MASTER_KEY_BYTES, MASTER_SALT_BYTES } from './aes-cm.js';
import type { SrtpMasterKey } from './srtp-transform.js';

export const SRTP_SUITE = 'AES_CM_128_HMAC_SHA1_80';

export interface SdesCrypto {
  /** §9.1: the decimal tag the answer echoes. */
  tag: number;
  suite: typeof SRTP_SUITE;
  masterKey: SrtpMasterKey;
  /** §6.1: the key's lifetime in packets, when given. */
  lifetime: number | null;
}

export type SdesParseResult = { ok: true; crypto: SdesCrypto } | { ok: false; reason: string };

const MAX_LIFETIME_EXPONENT = 48; // SRTP's packet index is 48 bits (RFC 3711 §9.2)
/** §6.3: session parameters that change how packets are processed; taking the key without them would break the stream. */
const UNSUPPORTED_SESSION_PARAMS = ['KDR=', 'UNENCRYPTED_SRTP', 'UNENCRYPTED_SRTCP', 'UNAUTHENTICATED_SRTP', 'FEC_ORDER=', 'FEC_KEY='];

/** Parses an `a=crypto:` line (or just its value after `a=crypto:`). Never throws. */
export function parseSdesCrypto(line: string): SdesParseResult {
  if (typeof line !== 'string') return { ok: false, reason: 'not text' };
  const value = line.trim().replace(/^a=crypto:/i, '');
  const words = value.split(/\s+/).filter((w) => w.length > 0);
  if (words.length < 3) return { ok: false, reason: 'a crypto attribute has a tag, a suite and key parameters' };
  const [tagText, suite, keyParams, ...sessionParams] = words;
  if (!/^\d{1,9}$/.test(tagText)) return { ok: false, reason: `the tag must be a decimal number, not "${tagText}"` };
  if (suite !== SRTP_SUITE) return { ok: false, reason: `crypto suite ${suite} is not supported (only ${SRTP_SUITE})` };
  if (keyParams.includes(';')) return { ok: false, reason: 'several keys in one attribute need MKIs, which are not supported' };
  if (!keyParams.startsWith('inline:')) return { ok: false, reason: `key parameters must start "inline:", not "${keyParams.slice(0, 10)}"` };
  const [keySalt, ...extras] = keyParams.slice('inline:'.length).split('|');
  const key = decodeKeySalt(keySalt);
  if (typeof key === 'string') return { ok: false, reason: key };
  let lifetime: number | null = null;
  for (const extra of extras) {
    if (extra.includes(':')) return { ok: false, reason: `an MKI (${extra}) is not supported` };
    if (lifetime !== null) return { ok: false, reason: `unexpected key parameter "${extra}"` };
    lifetime = parseLifetime(extra);
    if (lifetime === null) return { ok: false, reason: `the key lifetime must be a number or 2^n, not "${extra}"` };
  }
  const refused = sessionParams.find((p) => UNSUPPORTED_SESSION_PARAMS.some((u) => p.toUpperCase().startsWith(u)));
  if (refused) return { ok: false, reason: `session parameter ${refused} is not supported` };
  return { ok: true, crypto: { tag: Number(tagText), suite: SRTP_SUITE, masterKey: key, lifetime } };
}

/** The value after `a=crypto:` for our key, e.g. `1 AES_CM_128_HMAC_SHA1_80 inline:…`. */
export function formatSdesCrypto(tag: number, masterKey: SrtpMasterKey): string {
  if (!Number.isInteger(tag) || tag < 0 || tag > 999_999_999) throw new Error(`bad crypto tag ${tag}`);
  if (masterKey.key.length !== MASTER_KEY_BYTES || masterKey.salt.length !== MASTER_SALT_BYTES) throw new Error('bad SRTP master key size');
  return `${tag} ${SRTP_SUITE} inline:${Buffer.concat([masterKey.key, masterKey.salt]).toString('base64')}`;
}

/** The whole SDP line. */
export function buildSdesCryptoLine(tag: number, masterKey: SrtpMasterKey): string {
  return `a=crypto:${formatSdesCrypto(tag, masterKey)}`;
}

/** A fresh master key and salt from the system's random source (RFC 4568 §6.1 wants them random). */
export function generateSrtpMasterKey(): SrtpMasterKey {
  const bytes = randomBytes(MASTER_KEY_BYTES + MASTER_SALT_BYTES);
  return { key: bytes.subarray(0, MASTER_KEY_BYTES), salt: bytes.subarray(MASTER_KEY_BYTES) };
}

function decodeKeySalt(text: string): SrtpMasterKey | string {
  // §6.1: base64 (RFC 3548) of exactly key||salt; 30 bytes are 40 characters with no padding.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return 'the inline key is not base64';
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== MASTER_KEY_BYTES + MASTER_SALT_BYTES || bytes.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, '')) {
    return `the inline key must be ${MASTER_KEY_BYTES + MASTER_SALT_BYTES} bytes of key and salt, not ${bytes.length}`;
  }
  return { key: bytes.subarray(0, MASTER_KEY_BYTES), salt: bytes.subarray(MASTER_KEY_BYTES) };
}

function parseLifetime(text: string): number | null {
  const power = /^2\^(\d{1,2})$/.exec(text);
  if (power) {
    const n = Number(power[1]);
    return n >= 1 && n <= MAX_LIFETIME_EXPONENT ? 2 ** n : null;
  }
  if (/^\d{1,15}$/.test(text) && Number(text) > 0) return Number(text);
  return null;
}
