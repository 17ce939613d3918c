/** TP-Status of an SMS-STATUS-REPORT (TS 23.040 §9.2.3.15). */

export type StatusClass = 'delivered' | 'pending' | 'failed';

const TEXT: Readonly<Record<number, string>> = {
  0x00: 'short message received by the SME',
  0x01: 'short message forwarded by the SC to the SME but the SC is unable to confirm delivery',
  0x02: 'short message replaced by the SC',
  0x20: 'congestion (SC still trying)',
  0x21: 'SME busy (SC still trying)',
  0x22: 'no response from SME (SC still trying)',
  0x23: 'service rejected (SC still trying)',
  0x24: 'quality of service not available (SC still trying)',
  0x25: 'error in SME (SC still trying)',
  0x40: 'remote procedure error',
  0x41: 'incompatible destination',
  0x42: 'connection rejected by SME',
  0x43: 'not obtainable',
  0x44: 'quality of service not available',
  0x45: 'no interworking available',
  0x46: 'SM validity period expired',
  0x47: 'SM deleted by originating SME',
  0x48: 'SM deleted by SC administration',
  0x49: 'SM does not exist',
  0x60: 'congestion (SC gave up)',
  0x61: 'SME busy (SC gave up)',
  0x62: 'no response from SME (SC gave up)',
  0x63: 'service rejected (SC gave up)',
  0x64: 'quality of service not available (SC gave up)',
  0x65: 'error in SME (SC gave up)',
};

/**
 * Bits 6..5 give the outcome: 00 transaction completed (delivered), 01 temporary error with the SC
 * still trying (pending), 10 permanent error and 11 temporary error with the SC no longer trying
 * (failed). Values with bit 7 set are reserved; they carry no positive outcome and count as failed.
 */
export function classifyStatus(st: number): StatusClass {
  const v = st & 0xff;
  if (v & 0x80) return 'failed';
  switch (v >> 5) {
    case 0:
      return 'delivered';
    case 1:
      return 'pending';
    default:
      return 'failed';
  }
}

export function describeStatus(st: number): string {
  const v = st & 0xff;
  const known = TEXT[v];
  if (known) return known;
  if (v & 0x80) return `reserved status 0x${v.toString(16)}`;
  const low = v & 0x1f;
  const kind = ['transaction completed', 'temporary error, SC still trying', 'permanent error', 'temporary error, SC gave up'][v >> 5]!;
  return `${kind} (${low >= 0x10 ? 'SC-specific' : 'reserved'} value 0x${v.toString(16).padStart(2, '0')})`;
}
