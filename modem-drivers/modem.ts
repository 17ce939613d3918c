/**
 * Opening a modem: identify it on a fresh channel, pick its family, open it with that family's
 * capabilities. The only entry point the line uses; family specifics stay behind it.
 */
import type { AtChannelApi } from '../src/at/types.js';
import type { Modem, ModemOptions } from './capabilities.js';
import { createDriver } from './index.js';
import type { Family, ModemDriver, ModemIdentity } from './types.js';
import { GenericDriver } from './generic/generic-driver.js';

/** AT+CGMI/+CGMM/+CGMR/+CGSN with the 27.007 baseline, before the family is known. */
export async function identifyModem(channel: AtChannelApi, opts: ModemOptions): Promise<ModemIdentity> {
  const probe = new GenericDriver(channel, opts);
  try {
    return await probe.identity();
  } finally {
    probe.dispose();
  }
}

/** The family's Modem on this channel. */
export function openModem(family: Family, channel: AtChannelApi, opts: ModemOptions): Modem {
  return asModem(createDriver(family, channel, opts));
}

function asModem(d: ModemDriver): Modem {
  return {
    family: d.family,
    init: () => d.init(),
    onEvent: (l) => d.onEvent(l),
    dispose: () => (d as Partial<GenericDriver>).dispose?.(),
    identity: { identity: () => d.identity() },
    sim: {
      state: () => d.simState(),
      enterPin: (pin) => d.enterPin(pin),
      enterPuk: (puk, pin) => d.enterPuk(puk, pin),
      iccid: () => d.iccid(),
      imsi: () => d.imsi(),
      ownNumber: () => d.ownNumber(),
    },
    netreg: {
      registration: () => d.registration(),
      operator: () => d.operator(),
      signal: () => d.signal(),
      volte: () => d.volte(),
      select: (sel) => d.selectOperator(sel),
      networkTime: () => d.networkTime(),
    },
    voicecall: { dial: (n) => d.dial(n), answer: () => d.answer(), hangup: () => d.hangup(), list: () => d.listCalls(), endCause: () => d.endCause() },
    sms: {
      init: () => d.initSms(),
      send: (pdu, len) => d.sendPdu(pdu, len),
      read: (i, mem) => d.readSms(i, mem),
      list: (stat, mem) => d.listSms(stat, mem),
      delete: (i, mem) => d.deleteSms(i, mem),
      memories: () => d.smsMemories(),
      ack: () => d.ackSms(),
      serviceCentre: () => d.smsc(),
    },
    ussd: { send: (c) => d.sendUssd(c), cancel: () => d.cancelUssd() },
    reset: { reset: () => d.reset() },
    ...(d.family === 'generic' ? {} : { audio: { enableUsbAudio: () => d.enableUsbAudio() }, imei: { write: (i: string) => d.writeImei(i) }, dataCheck: { httpCheck: (o) => d.httpCheck(o) } }),
  } as Modem;
}
