/**
 * Wires the SIP calls' media sessions (SDP offer/answer over held RTP port pairs) and the CDR push
 * (every ended call POSTed to `sip.cdr.url`). Returns the parts; `close()` stops them in reverse.
 */
import type { CallEndedEvents } from '../call/cdr-push/cdr-push.js';
import { createCdrPush, type CdrPush } from '../call/cdr-push/cdr-push.js';
import { createMediaSessions, type MediaSessions, type SdpSettings } from '../media/media-sessions.js';
import { RtpPortPool } from '../media/rtp-port-pool.js';
import type { CounterStore } from '../store/counter-store.js';
import type { Logger } from '../util/log.js';
import type { CallAudioStarter } from '../media/call-audio-link.js';

export interface SipMediaCdrOptions {
  store: CounterStore;
  /** The call service (its `call-ended` wakes the CDR push). */
  calls: CallEndedEvents;
  /** The current `sip.cdr` setting. */
  cdr: () => { url: string; secret: string } | null;
  /** The address peers send RTP to (c= and o= of our SDP). */
  publicHost: string;
  /** The RTP port range, inclusive (default 10000-19999). */
  rtpPorts?: { min: number; max: number };
  /** Joins a call's RTP to its line's audio (call-audio.ts); absent: SDP only. */
  audio?: CallAudioStarter;
  /** `sip.media`'s codecs and packet time, read for each call. */
  sdp?: () => SdpSettings;
  /** Address the RTP sockets bind to (default all IPv4 interfaces). */
  rtpBindAddress?: string;
  version: string;
  log: Logger;
}

export interface SipMediaCdrParts {
  media: MediaSessions;
  pool: RtpPortPool;
  cdrPush: CdrPush;
  close(): Promise<void>;
}

export async function wireSipMediaCdr(o: SipMediaCdrOptions): Promise<SipMediaCdrParts> {
  const pool = new RtpPortPool({ ...(o.rtpPorts ?? {}), ...(o.rtpBindAddress ? { bindAddress: o.rtpBindAddress } : {}) });
  await pool.start();
  const audioLog = o.log.child({ component: 'call-audio' });
  const media = createMediaSessions({
    pool,
    publicHost: o.publicHost,
    ...(o.sdp ? { settings: o.sdp } : {}),
    ...(o.audio ? { audio: o.audio, onAudioError: (lineId: number, error: Error) => audioLog.warn({ line: lineId, err: error.message }, 'the call audio did not start; the call goes on without it') } : {}),
  });
  const cdrPush = createCdrPush({ store: o.store, config: o.cdr, calls: o.calls, version: o.version, log: o.log.child({ component: 'cdr-push' }) });
  cdrPush.start();
  return {
    media,
    pool,
    cdrPush,
    async close() {
      await cdrPush.stop();
      await pool.close();
    },
  };
}
