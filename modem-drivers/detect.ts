/**
 * Which family a modem belongs to, from what it says about itself (AT+CGMI / AT+CGMM / AT+CGMR,
 * TS 27.007 §5.1-§5.3, or ATI) and from its USB ids; and which of its USB interfaces carries which port,
 * so the line manager can pick the AT port among a modem's ttyUSB devices without trusting ttyUSB numbers.
 * The facts (ids, identity patterns, interface layouts) are in each family's descriptor; this module only
 * asks the descriptors of families.ts, in order.
 *
 * Pure: no I/O. Unknown or malformed input gives the fallback family / 'unknown', never an exception.
 */
import type { FamilyDescriptor, UsbInterfaceRole, UsbProduct } from './capabilities.js';
import { FALLBACK_FAMILY, FAMILIES, familyDescriptor } from './families.js';
import type { Family } from './types.js';

export type { UsbInterfaceRole };

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

const IDENTITY_FIELDS = ['manufacturer', 'model', 'revision'] as const;

/** The first family (in registry order) whose descriptor accepts `test`. */
function firstFamily(test: (f: FamilyDescriptor) => boolean): FamilyDescriptor | undefined {
  return FAMILIES.find((f) => f !== FALLBACK_FAMILY && test(f));
}

/** The family whose USB ids these are, or undefined. */
export function familyFromUsb(vendorId: number | string | null | undefined, productId: number | string | null | undefined): Family | undefined {
  const v = parseUsbId(vendorId);
  const p = parseUsbId(productId);
  return firstFamily((f) => f.matchesUsb(v, p))?.name;
}

/**
 * The family of a modem. What the modem says over AT wins over USB ids (a re-flashed or re-badged module
 * can keep another vendor id); within AT, manufacturer, then model, then revision, each asked of every
 * family before the next field. The fallback (generic) family when nothing is recognised.
 */
export function detectFamily(hints: ModemIdHints): Family {
  const h = hints ?? {};
  for (const field of IDENTITY_FIELDS) {
    const text = cleanIdentity(h[field]);
    if (text === '') continue;
    const id = { manufacturer: '', model: '', revision: '', [field]: text };
    const f = firstFamily((d) => d.matchesIdentity(id));
    if (f) return f.name;
  }
  return familyFromUsb(h.usbVendorId, h.usbProductId) ?? FALLBACK_FAMILY.name;
}

/** The product of `family` with this product id, or undefined (unknown family, product or id). */
export function usbProductOf(family: Family, productId: number | string | null | undefined): UsbProduct | undefined {
  const id = parseUsbId(productId ?? null);
  if (id === null) return undefined;
  return familyDescriptor(family)?.usb.find((p) => p.productId === id);
}

/**
 * What a USB interface of a modem is. `interfaceNumber` is bInterfaceNumber: a number, or the two-digit hex
 * text sysfs shows ("02"). 'unknown' for a family/product whose layout is not known here.
 */
export function usbInterfaceRole(family: Family, productId: number | string | null | undefined, interfaceNumber: number | string): UsbInterfaceRole {
  const product = usbProductOf(family, productId);
  const n = parseUsbId(interfaceNumber);
  if (!product || n === null) return 'unknown';
  return product.interfaces[n] ?? 'unknown';
}

/** The interface number of the AT port, or null when the layout is not known. */
export function atInterfaceNumber(family: Family, productId: number | string | null | undefined): number | null {
  return usbProductOf(family, productId)?.atInterface ?? null;
}

/**
 * The interface of a second port that answers AT beside the AT port (the 'modem' interface), or null when
 * the family has none or the layout is not known.
 */
export function secondaryAtInterfaceNumber(family: Family, productId: number | string | null | undefined): number | null {
  return usbProductOf(family, productId)?.secondaryAtInterface ?? null;
}

/**
 * The interface that carries call audio as raw 8 kHz 16-bit mono PCM over USB serial, or null (see the
 * family's descriptor: Quectel's NMEA port after AT+QPCMV=1,0, SIMCom's audio port after AT+CPCMREG=1).
 */
export function pcmInterfaceNumber(family: Family, productId: number | string | null | undefined): number | null {
  return usbProductOf(family, productId)?.audioInterface ?? null;
}
