import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { RtpPortPool } from '../../src/media/rtp-port-pool.js';
import { freePortRange as freeRange } from './free-port-range.js';

function holdPort(port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => resolve(s));
  });
}

test('pairs are even RTP / odd RTCP ports, bound and held until released', async () => {
  const base = await freeRange(3);
  const pool = new RtpPortPool({ min: base, max: base + 5, bindAddress: '127.0.0.1', spares: 2 });
  await pool.start();
  const pair = pool.take();
  assert.ok(pair);
  assert.equal(pair.port % 2, 0);
  assert.equal(pair.rtp.address().port, pair.port);
  assert.equal(pair.rtcp.address().port, pair.port + 1);
  // Held: nobody else can bind it.
  await assert.rejects(holdPort(pair.port));
  pool.release(pair);
  pool.release(pair);
  await pool.settled();
  const again = await holdPort(pair.port);
  again.close();
  await pool.close();
});

test('a port another program holds is skipped (RTP or RTCP side)', async () => {
  const base = await freeRange(3);
  const otherRtp = await holdPort(base);
  const otherRtcp = await holdPort(base + 3);
  const pool = new RtpPortPool({ min: base, max: base + 5, bindAddress: '127.0.0.1', spares: 3 });
  await pool.start();
  const pair = pool.take();
  assert.equal(pair?.port, base + 4);
  assert.equal(pool.take(), null, 'the other two pairs are taken by someone else');
  otherRtp.close();
  otherRtcp.close();
  await pool.close();
});

test('the range bounds concurrent pairs; a released pair makes room again', async () => {
  const base = await freeRange(2);
  const pool = new RtpPortPool({ min: base, max: base + 3, bindAddress: '127.0.0.1', spares: 4 });
  assert.equal(pool.capacity, 2);
  await pool.start();
  const a = pool.take();
  await pool.settled();
  const b = pool.take();
  await pool.settled();
  assert.ok(a && b);
  assert.notEqual(a.port, b.port);
  assert.equal(pool.take(), null);
  assert.equal(pool.inUse, 2);
  pool.release(a);
  await pool.settled();
  const c = pool.take();
  assert.equal(c?.port, a.port);
  await pool.close();
  assert.equal(pool.take(), null, 'a closed pool hands out nothing');
});

test('an odd lower bound starts at the next even port; a nonsense range is refused', () => {
  const pool = new RtpPortPool({ min: 10001, max: 10010 });
  assert.equal(pool.min, 10002);
  assert.equal(pool.capacity, 4);
  assert.throws(() => new RtpPortPool({ min: 20000, max: 10000 }), RangeError);
  assert.throws(() => new RtpPortPool({ min: 80, max: 90 }), RangeError);
  const dflt = new RtpPortPool();
  assert.equal(dflt.capacity, 5000);
});
