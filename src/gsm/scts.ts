/**
 * TP-Service-Centre-Time-Stamp and the other 7-octet time fields (TP-DT, absolute TP-VP):
 * TS 23.040 §9.2.3.11. Seven semi-octet pairs, each with the units digit in the high nibble:
 * year, month, day, hour, minute, second, time zone. The time zone is the difference between local
 * time and GMT in quarters of an hour; bit 3 of the octet (the high bit of the tens digit) is the sign.
 * The fields are the SC's local time, so the UTC instant is local time minus the zone offset.
 */
import { PduError } from './pdu-error.js';

export interface Timestamp {
  /** The instant (UTC). */
  date: Date;
  /** Offset of the sender's local time from UTC, in minutes (a multiple of 15); 0 when unknown. */
  tzMinutes: number;
  /**
   * Set when the zone octet was not a valid semi-octet pair and was decoded leniently: the local
   * time is then taken as UTC, so `date` may be off by the SC's (unknown) offset.
   */
  zoneUnknown?: true;
}

export interface SctsOptions {
  /**
   * Accept a zone octet that is not BCD (some networks send e.g. 0xA0) as "zone unknown" instead of
   * throwing. The other six fields are still checked strictly.
   */
  lenientZone?: boolean;
}

/** Two-digit years below this are 20xx, the others 19xx (SMS predates 1990, so 90..99 mean 199x). */
const CENTURY_PIVOT = 90;

function bcd(octet: number, field: string, offset: number): number {
  const tens = octet & 0x0f;
  const units = octet >> 4;
  if (tens > 9 || units > 9) {
    throw new PduError('invalid', `${field}: 0x${octet.toString(16).padStart(2, '0')} is not a BCD semi-octet pair`, offset);
  }
  return tens * 10 + units;
}

function isBcd(octet: number): boolean {
  return (octet & 0x0f) <= 9 && octet >> 4 <= 9;
}

/**
 * Decodes 7 octets at `offset`. Throws PduError('invalid') for non-BCD digits or out-of-range fields
 * (month 1..12, day 1..31, hour < 24, minute and second < 60, zone below 80 quarters). With
 * `lenientZone`, a non-BCD zone octet gives a timestamp with `zoneUnknown` instead.
 */
export function decodeScts(bytes: Uint8Array, offset = 0, field = 'TP-SCTS', opts: SctsOptions = {}): Timestamp {
  if (offset + 7 > bytes.length) throw new PduError('truncated', `${field}: needs 7 octets`, offset);
  const yy = bcd(bytes[offset]!, field, offset);
  const month = bcd(bytes[offset + 1]!, field, offset + 1);
  const day = bcd(bytes[offset + 2]!, field, offset + 2);
  const hour = bcd(bytes[offset + 3]!, field, offset + 3);
  const minute = bcd(bytes[offset + 4]!, field, offset + 4);
  const second = bcd(bytes[offset + 5]!, field, offset + 5);
  const tzOctet = bytes[offset + 6]!;
  const negative = (tzOctet & 0x08) !== 0;
  const zoneUnknown = opts.lenientZone === true && !isBcd(tzOctet & 0xf7);
  const quarters = zoneUnknown ? 0 : bcd(tzOctet & 0xf7, field, offset + 6);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw new PduError(
      'invalid',
      `${field}: impossible time ${yy}-${month}-${day} ${hour}:${minute}:${second}`,
      offset,
    );
  }
  const year = yy < CENTURY_PIVOT ? 2000 + yy : 1900 + yy;
  const tzMinutes = (negative ? -quarters : quarters) * 15;
  const localMs = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC treats years 0..99 as 19xx; year is always >= 1990 here, so no correction is needed.
  const ts: Timestamp = { date: new Date(localMs - tzMinutes * 60_000), tzMinutes: tzMinutes === 0 ? 0 : tzMinutes };
  if (zoneUnknown) ts.zoneUnknown = true;
  return ts;
}

function toBcd(n: number): number {
  return (n % 10 << 4) | Math.floor(n / 10);
}

/**
 * Encodes an instant as the sender's local time in the zone `tzMinutes` (a multiple of 15 between
 * -1185 and +1185). Throws PduError('encode') for an invalid date or zone, or a year outside 1990..2089.
 */
export function encodeScts(date: Date, tzMinutes = 0): Uint8Array {
  if (!Number.isFinite(date.getTime())) throw new PduError('encode', 'timestamp: invalid date');
  if (!Number.isInteger(tzMinutes) || tzMinutes % 15 !== 0 || Math.abs(tzMinutes) / 15 > 79) {
    throw new PduError('encode', `timestamp: zone ${tzMinutes} min is not a multiple of 15 within ±79 quarters`);
  }
  const local = new Date(date.getTime() + tzMinutes * 60_000);
  const year = local.getUTCFullYear();
  if (year < 1900 + CENTURY_PIVOT || year >= 2000 + CENTURY_PIVOT) {
    throw new PduError('encode', `timestamp: year ${year} cannot be written with two digits`);
  }
  const quarters = Math.abs(tzMinutes) / 15;
  return Uint8Array.of(
    toBcd(year % 100),
    toBcd(local.getUTCMonth() + 1),
    toBcd(local.getUTCDate()),
    toBcd(local.getUTCHours()),
    toBcd(local.getUTCMinutes()),
    toBcd(local.getUTCSeconds()),
    toBcd(quarters) | (tzMinutes < 0 ? 0x08 : 0),
  );
}
