/**
 * AES in counter mode as SRTP uses it (RFC 3711 §4.1.1) and the key derivation built on it (§4.3).
 * Node's aes-128-ctr counts the whole 128-bit block as one big-endian integer, which is exactly
 * §4.1.1's "IV + j (mod 2^128)".
 */
import { createCipheriv } from 'node:crypto';

export const MASTER_KEY_BYTES = 16;
export const MASTER_SALT_BYTES = 14;
export const AUTH_KEY_BYTES = 20;

/** data XOR the AES-CM keystream that starts at counter block `iv` (16 bytes). */
export function aesCmXor(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/**
 * §4.1.1: IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16), with k_s the 112-bit session salt and
 * i the 48-bit packet index (SRTP) or the 31-bit SRTCP index.
 */
export function aesCmIv(sessionSalt: Buffer, ssrc: number, index: number): Buffer {
  const iv = Buffer.alloc(16);
  sessionSalt.copy(iv, 0, 0, MASTER_SALT_BYTES);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  const high = Math.floor(index / 2 ** 32);
  const low = index >>> 0;
  iv.writeUInt16BE(iv.readUInt16BE(8) ^ high, 8);
  iv.writeUInt32BE((iv.readUInt32BE(10) ^ low) >>> 0, 10);
  return iv;
}

/** §4.3.3 key derivation labels. */
export const KDF_LABEL = {
  rtpEncryption: 0,
  rtpAuthentication: 1,
  rtpSalt: 2,
  rtcpEncryption: 3,
  rtcpAuthentication: 4,
  rtcpSalt: 5,
} as const;

/**
 * §4.3.1–4.3.3 with a key derivation rate of 0 (r = 0, the SDES default, RFC 4568 §6.1): key_id =
 * label || r (56 bits), x = key_id XOR master_salt, and the session key is the first `length` bytes
 * of AES-CM(master_key) with IV = x · 2^16.
 */
export function deriveSessionKey(masterKey: Buffer, masterSalt: Buffer, label: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  masterSalt.copy(iv, 0, 0, MASTER_SALT_BYTES);
  iv[7] ^= label; // key_id's label byte lines up with byte 7 of the 14-byte salt
  return aesCmXor(masterKey, iv, Buffer.alloc(length));
}

export interface SessionKeys {
  encryptionKey: Buffer;
  authenticationKey: Buffer;
  salt: Buffer;
}

export function deriveRtpKeys(masterKey: Buffer, masterSalt: Buffer): SessionKeys {
  return {
    encryptionKey: deriveSessionKey(masterKey, masterSalt, KDF_LABEL.rtpEncryption, MASTER_KEY_BYTES),
    authenticationKey: deriveSessionKey(masterKey, masterSalt, KDF_LABEL.rtpAuthentication, AUTH_KEY_BYTES),
    salt: deriveSessionKey(masterKey, masterSalt, KDF_LABEL.rtpSalt, MASTER_SALT_BYTES),
  };
}

export function deriveRtcpKeys(masterKey: Buffer, masterSalt: Buffer): SessionKeys {
  return {
    encryptionKey: deriveSessionKey(masterKey, masterSalt, KDF_LABEL.rtcpEncryption, MASTER_KEY_BYTES),
    authenticationKey: deriveSessionKey(masterKey, masterSalt, KDF_LABEL.rtcpAuthentication, AUTH_KEY_BYTES),
    salt: deriveSessionKey(masterKey, masterSalt, KDF_LABEL.rtcpSalt, MASTER_SALT_BYTES),
  };
}
