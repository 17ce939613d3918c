/** Public API of the pure GSM codecs (no I/O). */
export { PduError, isPduError, type PduErrorCode } from './pdu-error.js';
export { bytesToHex, hexToBytes, isHex } from './hex.js';
export {
  ESC,
  GSM7_BASIC_CHARS,
  GSM7_EXTENSION_CHARS,
  decodeGsm7,
  encodeGsm7,
  firstNonGsm7,
  gsm7CharSeptets,
  gsm7Length,
  isGsm7,
  packSeptets,
  packedLength,
  unpackSeptets,
  type UnrepresentableChar,
} from './gsm7.js';
export { decodeUcs2, encodeUcs2, ucs2Length } from './ucs2.js';
export { decodeLatin1, encodeLatin1 } from './latin1.js';
export {
  MAX_ADDRESS_DIGITS,
  MAX_ALPHANUMERIC_SEPTETS,
  decodeSmscAddress,
  decodeTpAddress,
  encodeSmscAddress,
  encodeTpAddress,
  type Address,
  type AddressType,
  type TypeOfNumber,
} from './address.js';
export { decodeScts, encodeScts, type Timestamp } from './scts.js';
export {
  IEI_CONCAT_16BIT,
  IEI_CONCAT_8BIT,
  buildUdh,
  concatElement,
  parseUdh,
  udhFillBits,
  udhSeptets,
  type ConcatInfo,
  type InformationElement,
  type Udh,
} from './udh.js';
export { decodeDcs, encodeDcs, type Alphabet, type DcsGroup, type DcsInfo, type MessageClass, type MessageWaiting } from './dcs.js';
export { MAX_RELATIVE_VALIDITY_MINUTES, decodeRelativeValidity, encodeRelativeValidity } from './validity.js';
export { classifyStatus, describeStatus, type StatusClass } from './tp-status.js';
export { concatUdhOctets, partLimits, planText, splitData, type PlanOptions, type TextEncoding, type TextPlan } from './split.js';
export {
  buildSubmitPdus,
  encodeSubmit,
  type BuildOptions,
  type ConcatOption,
  type EncodedPdu,
  type SubmitOptions,
  type SubmitPart,
} from './submit-encode.js';
export {
  decodePdu,
  tryDecodePdu,
  type DecodeOptions,
  type DecodeResult,
  type DecodedPdu,
  type SmsCommand,
  type SmsDeliver,
  type SmsStatusReport,
  type SmsSubmit,
  type UserDataFields,
  type Validity,
} from './sms-pdu.js';
export {
  decodeUssd,
  decodeUssdDcs,
  encodeUssd,
  gsmCharsetToText,
  type UssdDcsInfo,
  type UssdDecodeOptions,
  type UssdDecoded,
  type UssdEncoding,
} from './ussd.js';
export {
  buildDeliverTpdus,
  encodeDeliver,
  encodeStatusReport,
  type BuildDeliverOptions,
  type DeliverOptions,
  type RawUserData,
  type StatusReportOptions,
} from './deliver-encode.js';
