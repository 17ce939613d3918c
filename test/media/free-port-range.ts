/** A loopback UDP port range that is free right now: probed by binding every port, then released. */
import dgram from 'node:dgram';

export async function freePortRange(pairs: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 30000 + 2 * Math.floor(Math.random() * 14000);
    const sockets: dgram.Socket[] = [];
    let ok = true;
    for (let p = base; p < base + 2 * pairs && ok; p++) {
      const s = dgram.createSocket('udp4');
      ok = await new Promise<boolean>((resolve) => {
        s.once('error', () => resolve(false));
        s.bind(p, '127.0.0.1', () => resolve(true));
      });
      sockets.push(s);
    }
    await Promise.all(sockets.map((s) => new Promise<void>((r) => { try { s.close(() => r()); } catch { r(); } })));
    if (ok) return base;
  }
  throw new Error('no free port range on loopback');
}
