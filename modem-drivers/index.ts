/**
 * The public surface of modem-drivers/: the families (families.ts), detection from identity text and USB
 * ids (detect.ts), and `identifyModem` / `openModem` (modem.ts), which give a Modem made of the family's
 * capabilities (capabilities.ts).
 */
export type * from './types.js';
export type * from './capabilities.js';
export { identifyModem, openModem } from './modem.js';
export { FAMILIES, FALLBACK_FAMILY, familyDescriptor, modemUsbVendorIds } from './families.js';
export {
  atInterfaceNumber,
  detectFamily,
  familyFromUsb,
  pcmInterfaceNumber,
  usbInterfaceRole,
  usbProductOf,
  type ModemIdHints,
  type UsbInterfaceRole,
} from './detect.js';
export { openGenericModem, type GenericModem } from './generic/descriptor.js';
export { openQuectelModem, type QuectelModem, type QuectelModemOptions } from './quectel/modem.js';
export { openSimcomModem, type SimcomModem, type SimcomModemOptions } from './simcom/modem.js';
