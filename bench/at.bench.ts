/**
 * AT engine throughput: framer MB/s over realistic modem output, and command round trips per second
 * through AtChannel against an in-process responder. Targets (issue 2): framer >= 50 MB/s,
 * channel >= 20,000 round trips/s on a 2-core machine.
 */
import { AtFramer } from '../src/at/framer.js';
import { AtChannel } from '../src/at/channel.js';
import { silentLogger } from '../src/util/log.js';
import { FakePort } from '../test/helpers/fake-port.js';

function framerBench(): void {
  const sample =
    '\r\n+CSQ: 23,99\r\n\r\nOK\r\n' +
    '\r\n+CMTI: "SM",3\r\n' +
    '\r\n+CLCC: 1,0,0,0,0,"+8613800138000",145\r\n\r\nOK\r\n' +
    '\r\n+CMGL: 1,0,,24\r\n07914477790811F0040B917477990091F5000002111111001000C22D3A9B442D2E\r\n\r\nOK\r\n' +
    '\r\n+CREG: 1,"1A2B","01C3D4E5",7\r\nRING\r\n\r\n+CLIP: "+8613912345678",145,,,,0\r\n';
  const block = Buffer.from(sample.repeat(Math.ceil(65536 / sample.length)), 'latin1');
  const total = 256 * 1024 * 1024;
  const framer = new AtFramer();
  let tokens = 0;
  const out = () => {
    tokens++;
  };
  // warm-up
  for (let i = 0; i < 200; i++) framer.feed(block, out);
  tokens = 0;
  const chunk = 4096; // a USB serial read is usually a few hundred bytes to 4 KiB
  const t0 = process.hrtime.bigint();
  let fed = 0;
  while (fed < total) {
    for (let o = 0; o < block.length; o += chunk) framer.feed(block.subarray(o, o + chunk), out);
    fed += block.length;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`framer: ${(fed / 1e6 / s).toFixed(1)} MB/s (${(tokens / s / 1e6).toFixed(2)} M tokens/s, ${chunk}-byte chunks)  target >= 50 MB/s`);
}

async function channelBench(sync: boolean): Promise<void> {
  const port = new FakePort((cmd, p) => {
    if (cmd === 'AT+CSQ') p.reply(['+CSQ: 23,99']);
    else p.reply();
  });
  port.sync = sync;
  const ch = new AtChannel(port, { log: silentLogger() });
  const run = async (n: number) => {
    // keep a few commands queued, as drivers do
    let inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      inFlight.push(ch.exec({ cmd: 'AT+CSQ', prefixes: ['+CSQ:'] }));
      if (inFlight.length === 16) {
        await Promise.all(inFlight);
        inFlight = [];
      }
    }
    await Promise.all(inFlight);
  };
  await run(20000);
  const n = 200000;
  const t0 = process.hrtime.bigint();
  await run(n);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `channel round trips (${sync ? 'responder answers synchronously' : 'responder answers on setImmediate'}): ${Math.round(n / s).toLocaleString('en')}/s  target >= 20,000/s`,
  );
}

framerBench();
await channelBench(true);
await channelBench(false);
