/**
 * Driver factory and the public surface of modem-drivers/: pick a family with detectFamily(), then
 * createDriver(family, channel, opts). Vendor options (Quectel usbAudioPort, SIMCom callEndGraceMs) are
 * read by the family they belong to and ignored by the others.
 */
import type { AtChannelApi } from '../src/at/types.js';
import type { DriverOptions, Family, ModemDriver } from './types.js';
import { GenericDriver } from './generic/generic-driver.js';
import { QuectelDriver, type QuectelDriverOptions } from './quectel/quectel-driver.js';
import { SimcomDriver, type SimcomDriverOptions } from './simcom/simcom-driver.js';

export type AnyDriverOptions = DriverOptions & Omit<QuectelDriverOptions, 'log'> & Omit<SimcomDriverOptions, 'log'>;

export function createDriver(family: Family, channel: AtChannelApi, opts: AnyDriverOptions): ModemDriver {
  switch (family) {
    case 'quectel':
      return new QuectelDriver(channel, opts);
    case 'simcom':
      return new SimcomDriver(channel, opts);
    case 'generic':
      return new GenericDriver(channel, opts);
    default: {
      // A family name from configuration that this build does not know: the 27.007 baseline still works.
      const unknown: never = family;
      opts.log.warn({ family: unknown }, 'unknown modem family, using the generic driver');
      return new GenericDriver(channel, opts);
    }
  }
}

export type * from './types.js';
export { GenericDriver } from './generic/generic-driver.js';
export { QuectelDriver, type QuectelDriverOptions, type QuectelStartup } from './quectel/quectel-driver.js';
export { SimcomDriver, type SimcomDriverOptions, type SimcomStartup } from './simcom/simcom-driver.js';
export {
  atInterfaceNumber,
  detectFamily,
  pcmInterfaceNumber,
  usbInterfaceRole,
  type ModemIdHints,
  type UsbInterfaceRole,
} from './detect.js';
