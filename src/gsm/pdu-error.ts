/**
 * The one error type of the GSM codecs. Decoders throw it for malformed input (and only it: any other
 * exception escaping a decoder is a bug); the `try*` helpers turn it into `{ ok: false, error }`.
 * Encoders throw it for options that cannot be encoded (text not representable, number too long ...).
 */
export type PduErrorCode =
  | 'bad-hex' // odd length or a non-hex character
  | 'truncated' // a field runs past the end of the data
  | 'length' // a length field is inconsistent with the data or with the limits of the spec
  | 'invalid' // a field holds a value the spec does not allow (bad BCD digit, reserved TP-MTI in MO ...)
  | 'unsupported' // well-formed but not handled (SMS-DELIVER-REPORT, compressed user data ...)
  | 'encode'; // an encoder option cannot be represented

export class PduError extends Error {
  override readonly name = 'PduError';
  constructor(
    readonly code: PduErrorCode,
    message: string,
    /** Octet offset in the decoded buffer where the problem was found, when known. */
    readonly offset?: number,
  ) {
    super(offset === undefined ? message : `${message} (at octet ${offset})`);
  }
}

export function isPduError(e: unknown): e is PduError {
  return e instanceof PduError;
}
