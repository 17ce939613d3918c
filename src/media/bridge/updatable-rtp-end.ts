import type { RtpEnd } from '../audio-contract.js';
import type { NegotiatedAudio } from '../../sip/sdp/index.js';

/** An RTP end that follows re-INVITEs: new address, codec or ptime, with SSRC and sequence going on. */
export interface UpdatableRtpEnd extends RtpEnd {
  update(audio: NegotiatedAudio): void;
}
