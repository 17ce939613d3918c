/**
 * The one list of modem families this build knows, most specific first and the generic TS 27.007 /
 * 27.005 family last: detection walks it in this order and falls back to the last entry.
 */
import type { FamilyDescriptor } from './capabilities.js';
import type { Family } from './types.js';
import { GENERIC_FAMILY } from './generic/descriptor.js';
import { QUECTEL_FAMILY } from './quectel/descriptor.js';
import { SIMCOM_FAMILY } from './simcom/descriptor.js';

export const FAMILIES: readonly FamilyDescriptor[] = [QUECTEL_FAMILY, SIMCOM_FAMILY, GENERIC_FAMILY];

/** The family of modems nothing else recognises. */
export const FALLBACK_FAMILY: FamilyDescriptor = GENERIC_FAMILY;

/** The descriptor of a family by name; undefined for a name this build does not know. */
export function familyDescriptor(name: Family | string): FamilyDescriptor | undefined {
  return FAMILIES.find((f) => f.name === name);
}

/** Every USB vendor id some family claims a product of (to pick modems among USB devices). */
export function modemUsbVendorIds(): Set<number> {
  return new Set(FAMILIES.flatMap((f) => f.usb.map((p) => p.vendorId)));
}
