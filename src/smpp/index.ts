/** Public API of the SMPP 3.4 SMSC. */
export { SmscServer, type SmscServerOptions } from './server.js';
export { PduFramer, DEFAULT_MAX_PDU_LENGTH, HEADER_LENGTH, type FrameEvent } from './framer.js';
export { decodePdu, encodePdu, encodeResponse, encodeGenericNack, isKnownCommandId, type DecodeResult, type SmppPdu } from './codec.js';
export { submitToRequest, receiptText, buildDeliverSms, RECEIPT_STATE, type DeliverSmFields, type SubmitConversion } from './message.js';
export { parseSmppTime, formatSmppTime, formatReceiptDate } from './time.js';
export { Status, CommandId, MessageState, statusName } from './status.js';
export type { SessionState } from './session-state.js';
export type * from './types.js';
