/**
 * A small stateful AT responder for line-level tests (the full simulator with its mobile network is
 * modem-drivers/simulator/, built separately). It answers what a Quectel EC25 answers to the commands a
 * line sends during bring-up and polling, can hang (stop answering anything), and can be power-cycled.
 * Unknown set commands get OK, unknown queries ERROR.
 */
import { FakePort } from './fake-port.js';
import type { AtTransport } from '../../src/at/types.js';
import type { OpenedPort, PortProvider } from '../../src/line/port-provider.js';

export interface MiniModemOptions {
  imei: string;
  iccid?: string;
  imsi?: string;
  number?: string | null;
  pin?: string | null;
  simInserted?: boolean;
  regStat?: number;
  rssi?: number;
  /** ms from power-on until the modem answers */
  bootMs?: number;
}

export class MiniModem {
  port: FakePort | null = null;
  hung = false;
  booting = false;
  pinOk: boolean;
  boots = 0;
  readonly commands: string[] = [];
  copsFormat = 0;
  /** The +CLCC rows AT+CLCC answers (none by default). */
  clcc: string[] = [];
  /** Commands (upper case) the modem never answers while otherwise working. */
  readonly ignore = new Set<string>();
  opts: Required<MiniModemOptions>;

  constructor(o: MiniModemOptions) {
    this.opts = {
      iccid: '89860012345678901234',
      imsi: '460001234567890',
      number: '+8613800000001',
      pin: null,
      simInserted: true,
      regStat: 1,
      rssi: 25,
      bootMs: 50,
      ...o,
    };
    this.pinOk = this.opts.pin === null;
  }

  /** A new port to the modem (what opening /dev/ttyUSBn gives). */
  open(): AtTransport {
    const p = new FakePort((cmd, port) => this.answer(cmd, port));
    p.silent = this.hung || this.booting;
    this.port = p;
    return p;
  }

  /** The modem stops answering anything (firmware hang). */
  hang(): void {
    this.hung = true;
    if (this.port) this.port.silent = true;
  }

  /** Power-cycles: the old port disappears, the modem answers again after bootMs. */
  powerCycle(): void {
    this.hung = false;
    this.booting = true;
    this.boots++;
    this.pinOk = this.opts.pin === null;
    this.port?.unplug(new Error('USB device reset'));
    this.port = null;
    setTimeout(() => (this.booting = false), this.opts.bootMs);
  }

  private answer(cmd: string, p: FakePort): void {
    this.commands.push(cmd);
    const o = this.opts;
    const u = cmd.toUpperCase();
    if (this.ignore.has(u)) return;
    const ok = (lines: string[] = []) => p.reply(lines);
    const err = (e = 'ERROR') => p.reply([], e);
    if (u === 'AT' || /^ATE[01]$/.test(u) || u === 'ATV1' || u === 'ATZ' || u === 'AT&F') return ok();
    if (u === 'ATI') return ok(['Quectel', 'EC25', 'Revision: EC25EFAR06A06M4G']);
    if (u === 'AT+CGMI' || u === 'AT+GMI') return ok(['Quectel']);
    if (u === 'AT+CGMM' || u === 'AT+GMM') return ok(['EC25']);
    if (u === 'AT+CGMR' || u === 'AT+GMR') return ok(['EC25EFAR06A06M4G']);
    if (u === 'AT+CGSN' || u === 'AT+GSN') return ok([o.imei]);
    if (u === 'AT+CPIN?') {
      if (!o.simInserted) return err('+CME ERROR: 10');
      return ok([this.pinOk ? '+CPIN: READY' : '+CPIN: SIM PIN']);
    }
    if (u.startsWith('AT+CPIN=')) {
      const given = /"?(\d+)"?/.exec(cmd.slice(8))?.[1];
      if (given === o.pin) {
        this.pinOk = true;
        return ok();
      }
      return err('+CME ERROR: 16');
    }
    if (!o.simInserted && /^AT\+(QCCID|CCID|ICCID|CIMI|CNUM|CPMS|CSCA)/.test(u)) return err('+CME ERROR: 10');
    if (u === 'AT+QCCID') return ok([`+QCCID: ${o.iccid}`]);
    if (u === 'AT+CCID' || u === 'AT+ICCID') return ok([`+CCID: ${o.iccid}`]);
    if (u === 'AT+CIMI') return ok([o.imsi]);
    if (u === 'AT+CNUM') return ok(o.number ? [`+CNUM: ,"${o.number}",145`] : []);
    if (u === 'AT+CSQ') return ok([`+CSQ: ${o.rssi},99`]);
    const reg = (name: string, act: number) => `+${name}: 2,${o.regStat},"1A2B","01C3D4E5",${act}`;
    if (u === 'AT+CREG?') return ok([reg('CREG', 7)]);
    if (u === 'AT+CGREG?') return ok([reg('CGREG', 7)]);
    if (u === 'AT+CEREG?') return ok([reg('CEREG', 7)]);
    if (u.startsWith('AT+COPS=3,')) {
      this.copsFormat = Number(u.slice(10));
      return ok();
    }
    if (u === 'AT+COPS?') {
      if (o.regStat !== 1 && o.regStat !== 5) return ok(['+COPS: 0']);
      return ok([`+COPS: 0,${this.copsFormat},"${this.copsFormat === 2 ? '46000' : 'CHINA MOBILE'}",7`]);
    }
    if (u === 'AT+QSPN') return ok(['+QSPN: "CHINA MOBILE","CMCC","",0,"46000"']);
    if (u === 'AT+QNWINFO') return ok(['+QNWINFO: "FDD LTE","46000","LTE BAND 3",1650']);
    if (u === 'AT+QCFG="IMS"') return ok(['+QCFG: "ims",1,1']);
    if (u === 'AT+CIREG?') return ok(['+CIREG: 0,1']);
    if (u === 'AT+CFUN?') return ok(['+CFUN: 1']);
    if (u === 'AT+CLCC') return ok(this.clcc);
    if (u === 'AT+CSCA?') return ok(['+CSCA: "+8613800200500",145']);
    if (u === 'AT+CPMS?') return ok(['+CPMS: "ME",0,255,"ME",0,255,"ME",0,255']);
    if (u.startsWith('AT+CPMS=')) return ok(['+CPMS: 0,255,0,255,0,255']);
    if (u.startsWith('AT+CSMS=')) return ok(['+CSMS: 1,1,1']);
    if (u === 'AT+CFUN=1,1') {
      ok();
      setTimeout(() => this.powerCycle(), 5);
      return;
    }
    if (u.endsWith('?') || u.endsWith('=?')) return err();
    return ok();
  }
}

/** A PortProvider over a MiniModem; hardReset power-cycles it. */
export class MiniModemProvider implements PortProvider {
  opens = 0;
  resets: string[] = [];
  constructor(readonly modem: MiniModem, readonly path = '/dev/fake0') {}
  describe(): string {
    return this.path;
  }
  async open(): Promise<OpenedPort> {
    if (this.modem.booting) throw new Error(`${this.path}: no such device`);
    this.opens++;
    return { transport: this.modem.open(), path: this.path, usbPath: null, usbVendorId: 0x2c7c, usbProductId: 0x0125 };
  }
  async hardReset(reason: string): Promise<string | null> {
    this.resets.push(reason);
    this.modem.powerCycle();
    return 'power-cycled the mini modem';
  }
}
