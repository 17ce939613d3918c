/**
 * Stamps what crosses the simulated modems' AT ports, for the SIP latency bench: the host's bytes as
 * they reach a modem (SimPort.write, where the modem's parser takes them) and the modem's output as it
 * is put on the port (SimPort.send, where a URC such as RING leaves the modem). It wraps SimPort's
 * prototype, so it sees every port of the simulator running in this process, main and secondary.
 * One watch at a time: the bench arms it before it starts a call and reads the first match.
 */
import { performance } from 'node:perf_hooks';
import { SimPort } from '../../modem-drivers/simulator/modem/sim-port.js';

interface Watch {
  pattern: RegExp;
  resolve: (at: number) => void;
}

let hostWatch: Watch | null = null;
let modemWatch: Watch | null = null;
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const proto = SimPort.prototype;
  const write = proto.write;
  proto.write = function (this: SimPort, data: Buffer | string): void {
    const w = hostWatch;
    if (w && w.pattern.test(typeof data === 'string' ? data : data.toString('latin1'))) {
      hostWatch = null;
      w.resolve(performance.now());
    }
    write.call(this, data);
  };
  const send = proto.send;
  proto.send = function (this: SimPort, s: string): void {
    const w = modemWatch;
    if (w && !this.closed && w.pattern.test(s)) {
      modemWatch = null;
      w.resolve(performance.now());
    }
    send.call(this, s);
  };
}

/** Resolves with the time the host next writes bytes matching `pattern` to any simulated modem. */
export function nextHostWrite(pattern: RegExp): Promise<number> {
  install();
  return new Promise((resolve) => (hostWatch = { pattern, resolve }));
}

/** Resolves with the time any simulated modem next puts output matching `pattern` on its port. */
export function nextModemOutput(pattern: RegExp): Promise<number> {
  install();
  return new Promise((resolve) => (modemWatch = { pattern, resolve }));
}
