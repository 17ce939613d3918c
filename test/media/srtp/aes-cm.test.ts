import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aesCmIv, aesCmXor, deriveRtcpKeys, deriveRtpKeys, deriveSessionKey } from '../../../src/media/srtp/aes-cm.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('RFC 3711 B.2: the AES-CM keystream at the start and near the end of a 2^16-block segment', () => {
  const key = hex('2B7E151628AED2A6ABF7158809CF4F3C');
  const iv = aesCmIv(hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'), 0, 0);
  assert.equal(iv.toString('hex').toUpperCase(), 'F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
  const stream = aesCmXor(key, iv, Buffer.alloc(16 * 0xff02));
  const block = (n: number) => stream.subarray(n * 16, n * 16 + 16).toString('hex').toUpperCase();
  assert.equal(block(0), 'E03EAD0935C95E80E166B16DD92B4EB4');
  assert.equal(block(1), 'D23513162B02D0F72A43A2FE4A5F97AB');
  assert.equal(block(2), '41E95B3BB0A2E8DD477901E4FCA894C0');
  assert.equal(block(0xfeff), 'EC8CDF7398607CB0F2D21675EA9EA1E4');
  assert.equal(block(0xff00), '362B7C3C6773516318A077D7FC5073AE');
  assert.equal(block(0xff01), '6A2CC3787889374FBEB4C81B17BA6C44');
});

test('RFC 3711 B.3: session keys from the master key, derivation rate 0', () => {
  const masterKey = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
  const masterSalt = hex('0EC675AD498AFEEBB6960B3AABE6');
  const rtp = deriveRtpKeys(masterKey, masterSalt);
  assert.equal(rtp.encryptionKey.toString('hex').toUpperCase(), 'C61E7A93744F39EE10734AFE3FF7A087');
  assert.equal(rtp.salt.toString('hex').toUpperCase(), '30CBBC08863D8C85D49DB34A9AE1');
  assert.equal(rtp.authenticationKey.toString('hex').toUpperCase(), 'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
  // B.3 lists the auth key's keystream further out (94 bytes of it).
  assert.equal(
    deriveSessionKey(masterKey, masterSalt, 1, 94).toString('hex').toUpperCase(),
    'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCEE049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC256D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2',
  );
  const rtcp = deriveRtcpKeys(masterKey, masterSalt);
  assert.notDeepEqual(rtcp.encryptionKey, rtp.encryptionKey);
});

test('the IV places SSRC at bits 64–95 and the 48-bit index at bits 16–63', () => {
  const iv = aesCmIv(Buffer.alloc(14), 0xcafebabe, 0x123456789abc);
  assert.equal(iv.toString('hex'), '00000000cafebabe123456789abc0000');
  const salted = aesCmIv(Buffer.alloc(14, 0xff), 0x0000ffff, 2 ** 48 - 1);
  assert.equal(salted.toString('hex'), 'ffffffffffff0000000000000000' + '0000');
});
