/** The RTP side of call audio: the RTP end the bridge uses, and the pure parts it is built from. */
export { createRtpEnd, systemClock, UdpRtpEnd, type RtpEndClock, type RtpEndOptions } from './rtp-end.js';
export { JitterBuffer, type JitterBufferOptions, type JitterBufferStats } from './jitter-buffer.js';
export { parseRtp, serializeRtp, type RtpPacket, type RtpPacketInit, type RtpParseResult } from './rtp-packet.js';
export { buildRtcpCompound, parseRtcpCompound, type ReportBlock, type RtcpPacket, type RtcpParseResult } from './rtcp-packet.js';
export { ReceiveStats } from './receive-stats.js';
export { RtpSenderState } from './rtp-sender-state.js';
export { decodeTelephoneEvent, encodeTelephoneEvent, telephoneEventSchedule, TelephoneEventReceiver, type TelephoneEvent } from './telephone-event.js';
