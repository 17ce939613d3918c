/**
 * IMEI check digit. 3GPP TS 23.003 §6.2.1 and Annex B: the 15th digit of an IMEI is a Luhn check digit
 * computed over the 14 digits of TAC + SNR.
 */

/** Luhn check digit for a string of decimal digits (the digits that precede the check digit). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  // Double every second digit counting from the right-most digit of the payload.
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True for 15 decimal digits whose last digit is the Luhn check digit of the first 14. */
export function isValidImei(imei: string): boolean {
  return /^\d{15}$/.test(imei) && luhnCheckDigit(imei.slice(0, 14)) === imei.charCodeAt(14) - 48;
}

/** Why `imei` cannot be written to a modem, or null when it can (TS 23.003 §6.2.1, Annex B). */
export function imeiProblem(imei: string): string | null {
  if (typeof imei !== 'string' || !/^\d{15}$/.test(imei)) return `IMEI must be 15 digits, got ${JSON.stringify(imei)}`;
  return isValidImei(imei) ? null : `IMEI ${imei} fails the check digit (TS 23.003 Annex B)`;
}
