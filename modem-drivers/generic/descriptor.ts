/**
 * The generic family: any modem that speaks 3GPP TS 27.007 / 27.005 in PDU mode. It is the fallback of
 * detection, so it recognises nothing by itself and claims no USB product. TS 27.007 defines no USB
 * audio, no IMEI writing, no HTTP client and no dual-SIM command, so its Modem has no `audio`, `imei` or
 * `dataCheck` capability.
 */
import type { AtChannelApi } from '../../src/at/types.js';
import type { FamilyDescriptor, Modem, ModemOptions } from '../capabilities.js';
import type { ModemStartup } from './startup.js';
import { genericParts, listenForUrcs, openCore, type GenericParts } from './modem-core.js';

export type GenericModem = Modem & GenericParts & { readonly family: 'generic'; readonly startup: ModemStartup };

export function openGenericModem(channel: AtChannelApi, opts: ModemOptions): GenericModem {
  const core = openCore(channel, opts.log);
  const parts = genericParts(core);
  listenForUrcs(core, [], []);
  return { family: 'generic', ...parts, startup: core.startup.state };
}

export const GENERIC_FAMILY: FamilyDescriptor = {
  name: 'generic',
  usb: [],
  matchesIdentity: () => false,
  matchesUsb: () => false,
  dualSim: { none: 'a generic modem has no dual-SIM command (3GPP TS 27.007 defines none)' },
  quirks: {},
  open: openGenericModem,
};
