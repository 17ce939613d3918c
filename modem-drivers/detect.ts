/**
 * Which driver family a modem belongs to, from what it says about itself (AT+CGMI / AT+CGMM / AT+CGMR,
 * TS 27.007 §5.1-§5.3, or ATI) and from its USB ids; and which of its USB interfaces carries which port,
 * so the line manager can pick the AT port among a modem's ttyUSB devices without trusting ttyUSB numbers.
 *
 * Pure: no I/O. Unknown or malformed input gives 'generic' / 'unknown', never an exception.
 *
 * USB ids and interface layouts (see docs/modems.md for the sources):
 *  - Quectel, vendor 0x2c7c: EC21 0x0121, EC25 / EG25-G / EC20 R2.x 0x0125, EG91 0x0191, EG95 0x0195 (Linux
 *    drivers/usb/serial/option.c). The old EC20 enumerates as Qualcomm 0x05c6:0x9215. Layout on all of these:
 *    0 DM (diagnostics), 1 NMEA (also the "voice over USB" PCM port after AT+QPCMV=1,0), 2 AT, 3 modem (PPP,
 *    also answers AT), 4 QMI network interface (reserved by option.c, bound by qmi_wwan).
 *  - SIMCom, vendor 0x1e0e: SIM7500/SIM7600 0x9001 (default composition): 0 diagnostics, 1 NMEA, 2 AT,
 *    3 modem, 4 audio (PCM after AT+CPCMREG=1), 5 QMI network (qmi_wwan), 6 ADB. 0x9011 (RNDIS composition,
 *    AT+CUSBPIDSWITCH=9011): 0-1 RNDIS, then the same serial functions shifted by two (2 diagnostics,
 *    3 NMEA, 4 AT, 5 modem, 6 audio), 7 ADB (reserved in option.c).
 */
import type { Family } from './types.js';

export interface ModemIdHints {
  /** AT+CGMI reply, e.g. "Quectel", "SIMCOM INCORPORATED". */
  manufacturer?: string | null;
  /** AT+CGMM reply, e.g. "EC25", "SIMCOM_SIM7600G-H". */
  model?: string | null;
  /** AT+CGMR reply, e.g. "EC25EFAR06A06M4G", "+CGMR: LE20B04SIM7600G22". */
  revision?: string | null;
  /** USB idVendor: a number, or hex text as udev/serialport give it ("2c7c", "0x2c7c"). */
  usbVendorId?: number | string | null;
  /** USB idProduct, same forms as usbVendorId. */
  usbProductId?: number | string | null;
}

export const USB_VENDOR_QUECTEL = 0x2c7c;
export const USB_VENDOR_QUALCOMM = 0x05c6;
export const USB_VENDOR_SIMCOM = 0x1e0e;

/** Quectel product ids this project knows the interface layout of. */
export const QUECTEL_PRODUCTS: Readonly<Record<number, string>> = {
  0x0121: 'EC21',
  0x0125: 'EC25 / EG25-G / EC20 R2.x',
  0x0191: 'EG91',
  0x0195: 'EG95',
};
/** Quectel EC20 (first revision) enumerates with Qualcomm's vendor id. */
export const QUECTEL_EC20_QUALCOMM_PRODUCT = 0x9215;

export const SIMCOM_PRODUCTS: Readonly<Record<number, string>> = {
  0x9001: 'SIM7500/SIM7600 (default composition)',
  0x9011: 'SIM7500/SIM7600 (RNDIS composition)',
};

/** Model / revision prefixes of the Quectel EC2x / EG2x / EG9x / EM05 LTE family (Qualcomm MDM9x07 based). */
const QUECTEL_MODEL = /^(?:EC2[015]|EG2[15]|EG9[15]|EM05)/i;
const SIMCOM_MODEL = /SIM7[56]00|^SIMCOM_/i;
const SIMCOM_REVISION = /SIM7[56]00/i;

/** Parses a USB id given as a number or hex text ("2c7c", "0x2c7c", "2C7C"); null when it is not one. */
export function parseUsbId(v: number | string | null | undefined): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 0xffff ? v : null;
  if (typeof v !== 'string') return null;
  const m = /^\s*(?:0x)?([0-9a-f]{1,4})\s*$/i.exec(v);
  return m ? parseInt(m[1]!, 16) : null;
}

/** Strips the echo-style prefixes some firmwares put before identity text ("+CGMR: ", "Revision: "). */
export function cleanIdentity(s: string | null | undefined): string {
  if (typeof s !== 'string') return '';
  return s
    .trim()
    .replace(/^\+(?:CGMI|CGMM|CGMR|GMI|GMM|GMR):\s*/i, '')
    .replace(/^(?:Manufacturer|Model|Revision):\s*/i, '')
    .trim();
}

function familyFromManufacturer(m: string): Family | null {
  if (/quectel/i.test(m)) return 'quectel';
  if (/simcom|simtech/i.test(m)) return 'simcom';
  return null;
}

function familyFromModel(m: string): Family | null {
  if (QUECTEL_MODEL.test(m)) return 'quectel';
  if (SIMCOM_MODEL.test(m)) return 'simcom';
  return null;
}

function familyFromRevision(r: string): Family | null {
  // Quectel revisions start with the model: EC25EFAR06A06M4G, EG25GGBR07A08M2G.
  if (QUECTEL_MODEL.test(r)) return 'quectel';
  // SIMCom revisions carry the model inside: LE20B04SIM7600G22, SIM7600M22_V2.0.1.
  if (SIMCOM_REVISION.test(r)) return 'simcom';
  return null;
}

function familyFromUsb(vendor: number | null, product: number | null): Family | null {
  if (vendor === USB_VENDOR_QUECTEL) return 'quectel';
  if (vendor === USB_VENDOR_QUALCOMM && product === QUECTEL_EC20_QUALCOMM_PRODUCT) return 'quectel';
  // 0x1e0e is shared with other Qualcomm-based sticks (PROLink, D-Link): only the SIM7x00 ids count.
  if (vendor === USB_VENDOR_SIMCOM && product !== null && product in SIMCOM_PRODUCTS) return 'simcom';
  return null;
}

/**
 * The driver family for a modem. What the modem says over AT wins over USB ids (a re-flashed or re-badged
 * module can keep another vendor id); within AT, manufacturer, then model, then revision. 'generic' when
 * nothing is recognised.
 */
export function detectFamily(hints: ModemIdHints): Family {
  const h = hints ?? {};
  return (
    familyFromManufacturer(cleanIdentity(h.manufacturer)) ??
    familyFromModel(cleanIdentity(h.model)) ??
    familyFromRevision(cleanIdentity(h.revision)) ??
    familyFromUsb(parseUsbId(h.usbVendorId), parseUsbId(h.usbProductId)) ??
    'generic'
  );
}

export type UsbInterfaceRole = 'diag' | 'nmea' | 'at' | 'modem' | 'audio' | 'net' | 'adb' | 'unknown';

const QUECTEL_LAYOUT: readonly UsbInterfaceRole[] = ['diag', 'nmea', 'at', 'modem', 'net'];
const SIMCOM_9001_LAYOUT: readonly UsbInterfaceRole[] = ['diag', 'nmea', 'at', 'modem', 'audio', 'net', 'adb'];
const SIMCOM_9011_LAYOUT: readonly UsbInterfaceRole[] = ['net', 'net', 'diag', 'nmea', 'at', 'modem', 'audio', 'adb'];

function layoutFor(family: Family, productId: number | null): readonly UsbInterfaceRole[] | null {
  if (productId === null) return null;
  if (family === 'quectel') {
    if (productId in QUECTEL_PRODUCTS || productId === QUECTEL_EC20_QUALCOMM_PRODUCT) return QUECTEL_LAYOUT;
    return null;
  }
  if (family === 'simcom') {
    if (productId === 0x9001) return SIMCOM_9001_LAYOUT;
    if (productId === 0x9011) return SIMCOM_9011_LAYOUT;
  }
  return null;
}

/**
 * What a USB interface of a modem is. `interfaceNumber` is bInterfaceNumber: a number, or the two-digit hex
 * text sysfs shows ("02"). 'unknown' for a family/product whose layout is not known here.
 */
export function usbInterfaceRole(family: Family, productId: number | string | null | undefined, interfaceNumber: number | string): UsbInterfaceRole {
  const layout = layoutFor(family, parseUsbId(productId ?? null));
  const n = parseUsbId(interfaceNumber);
  if (!layout || n === null) return 'unknown';
  return layout[n] ?? 'unknown';
}

/** The interface number of the AT port, or null when the layout is not known. */
export function atInterfaceNumber(family: Family, productId: number | string | null | undefined): number | null {
  const layout = layoutFor(family, parseUsbId(productId ?? null));
  if (!layout) return null;
  const i = layout.indexOf('at');
  return i < 0 ? null : i;
}

/**
 * The interface that carries call audio as raw 8 kHz 16-bit mono PCM over USB serial, or null.
 * Quectel: the NMEA port, once AT+QPCMV=1,0 routed voice to it. SIMCom: the audio port, once AT+CPCMREG=1.
 */
export function pcmInterfaceNumber(family: Family, productId: number | string | null | undefined): number | null {
  const layout = layoutFor(family, parseUsbId(productId ?? null));
  if (!layout) return null;
  const i = layout.indexOf(family === 'quectel' ? 'nmea' : 'audio');
  return i < 0 ? null : i;
}
