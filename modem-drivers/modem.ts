/**
 * Opening a modem: identify it on a fresh channel, pick its family, open it with that family's
 * capabilities. The only entry point the line uses; family specifics stay behind it.
 */
import type { AtChannelApi } from '../src/at/types.js';
import type { Modem, ModemOptions } from './capabilities.js';
import { FALLBACK_FAMILY, familyDescriptor } from './families.js';
import type { Family, ModemIdentity } from './types.js';

/** AT+CGMI/+CGMM/+CGMR/+CGSN with the 27.007 baseline, before the family is known. */
export async function identifyModem(channel: AtChannelApi, opts: ModemOptions): Promise<ModemIdentity> {
  const probe = FALLBACK_FAMILY.open(channel, opts);
  try {
    return await probe.identity.identity();
  } finally {
    probe.dispose();
  }
}

/**
 * The family's Modem on this channel. Family options in `opts` (Quectel `usbAudioPort`, SIMCom
 * `callEndGraceMs`, ...) are read by the family they belong to and ignored by the others.
 */
export function openModem(family: Family, channel: AtChannelApi, opts: ModemOptions): Modem {
  const descriptor = familyDescriptor(family);
  if (!descriptor) {
    // A family name from configuration that this build does not know: the 27.007 baseline still works.
    opts.log.warn({ family }, 'unknown modem family, using the generic driver');
    return FALLBACK_FAMILY.open(channel, opts);
  }
  return descriptor.open(channel, opts);
}
