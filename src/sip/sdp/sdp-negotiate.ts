/**
 * SDP offer/answer for the gateway's one audio stream (RFC 3264), pure: builds our offer, answers a
 * peer's offer and reads a peer's answer. We speak G.711 (PCMU 0, PCMA 8) and DTMF events
 * (telephone-event, RFC 4733 §7) at 8 kHz with 20 ms packets.
 */
import { mediaConnection, mediaDirection, type SdpDescription, type SdpDirection, type SdpMedia } from './sdp-parse.js';
import { buildSdesCryptoLine, parseSdesCrypto } from '../../media/srtp/sdes-crypto.js';
import type { SrtpMasterKey } from '../../media/srtp/srtp-transform.js';

/**
 * SRTP by SDES keys (RFC 4568, AES_CM_128_HMAC_SHA1_80): "off" speaks RTP/AVP only; "optional" answers
 * RTP/SAVP offers that carry a usable key and plain ones alike, and offers plain RTP; "required" offers
 * RTP/SAVP with our key and refuses plain offers.
 */
export type SrtpMode = 'off' | 'optional' | 'required';

export type G711 = 'PCMU' | 'PCMA';

export interface AudioCodec {
  /** The payload type as the peer numbers it (RFC 3264 §6.1: the answer keeps the offer's numbers). */
  payloadType: number;
  encoding: G711;
  clockRate: 8000;
}

/** What a negotiation settled for the RTP stream, kept for the media layer. */
export interface NegotiatedAudio {
  /** The codec to send: the first common one in the offerer's order. */
  codec: AudioCodec;
  /** Every common G.711 codec (the peer may switch between them). */
  codecs: AudioCodec[];
  /** The telephone-event payload type both sides use, or null. */
  telephoneEvent: number | null;
  /** RFC 3389 comfort noise (CN, static payload type 13) when both sides list it; absent or null: none. */
  comfortNoise?: number | null;
  /** Where the peer receives RTP; address 0.0.0.0 is an RFC 2543-style hold. */
  remote: { address: string; port: number };
  /** Our direction for this stream (sendonly: we only send). */
  direction: SdpDirection;
  ptime: number;
  /** SRTP keys both ways (RFC 4568): ours, the peer's; null for plain RTP. */
  srtp?: { local: SrtpMasterKey; remote: SrtpMasterKey } | null;
}

export interface LocalSdpParams {
  /** The address peers send RTP to (our public host). */
  host: string;
  /** Our RTP port (even; RTCP on port + 1). */
  port: number;
  /** o= session id and version (RFC 4566 §5.2; the version grows with every change). */
  sessId: string;
  version: number;
  /** The codecs we speak, most preferred first (`sip.media.codecs`); default PCMU then PCMA. */
  codecs?: readonly G711[];
  /** The packet time we ask for (`sip.media.ptimeMs`, RFC 4566 §6 a=ptime); default 20 ms. */
  ptimeMs?: number;
  /** Offer and accept RFC 3389 comfort noise (`sip.media.vad`: silence is not sent, CN packets are). */
  comfortNoise?: boolean;
  /** `sip.media.srtp` and our master key for this session; absent: plain RTP only. */
  srtp?: { mode: SrtpMode; key: SrtpMasterKey };
}

export type AnswerResult = { ok: true; sdp: string; audio: NegotiatedAudio } | { ok: false; reason: 'no-audio' | 'no-common-codec'; message: string };
export type ReadAnswerResult = { ok: true; audio: NegotiatedAudio } | { ok: false; reason: 'no-audio' | 'no-common-codec'; message: string };

export const OFFERED_CODECS: readonly AudioCodec[] = [
  { payloadType: 0, encoding: 'PCMU', clockRate: 8000 },
  { payloadType: 8, encoding: 'PCMA', clockRate: 8000 },
];
export const TELEPHONE_EVENT_PT = 101;
export const PTIME_MS = 20;
const STATIC_G711: Readonly<Record<string, G711>> = { '0': 'PCMU', '8': 'PCMA' };
const STATIC_PT: Readonly<Record<G711, number>> = { PCMU: 0, PCMA: 8 };

function localCodecs(p: LocalSdpParams): readonly G711[] {
  return p.codecs && p.codecs.length > 0 ? p.codecs : ['PCMU', 'PCMA'];
}

/** ptime within what a G.711 packet may carry here (10–60 ms in steps of 10). */
function usablePtime(ms: number | null | undefined): number | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return null;
  return Math.min(60, Math.max(10, Math.round(ms / 10) * 10));
}

/** RFC 3264 §6.1: the answer's direction mirrors the offer's. */
export function mirrorDirection(d: SdpDirection): SdpDirection {
  return d === 'sendonly' ? 'recvonly' : d === 'recvonly' ? 'sendonly' : d;
}

function addrType(host: string): 'IP4' | 'IP6' {
  return host.includes(':') ? 'IP6' : 'IP4';
}

/** A format of an m= line as a G.711 codec, by its rtpmap or (without one) its static number (RFC 3551 §6). */
function g711Of(m: SdpMedia, fmt: string): AudioCodec | null {
  const map = m.rtpmaps.get(fmt);
  const pt = Number(fmt);
  if (!/^\d{1,3}$/.test(fmt) || pt > 127) return null;
  if (map) {
    const enc = map.encoding.toUpperCase();
    if ((enc === 'PCMU' || enc === 'PCMA') && map.clockRate === 8000 && (map.channels === null || map.channels === 1)) return { payloadType: pt, encoding: enc, clockRate: 8000 };
    return null;
  }
  const enc = STATIC_G711[fmt];
  return enc ? { payloadType: pt, encoding: enc, clockRate: 8000 } : null;
}

/** RFC 3389 §5: CN is payload type 13 at 8 kHz (static; an rtpmap may restate it). */
const CN_PT = 13;

function comfortNoiseOf(m: SdpMedia): number | null {
  if (!m.formats.includes(String(CN_PT))) return null;
  const map = m.rtpmaps.get(String(CN_PT));
  return map === undefined || (map.encoding.toUpperCase() === 'CN' && map.clockRate === 8000) ? CN_PT : null;
}

function telephoneEventOf(m: SdpMedia): number | null {
  for (const fmt of m.formats) {
    const map = m.rtpmaps.get(fmt);
    if (map && map.encoding.toLowerCase() === 'telephone-event' && map.clockRate === 8000) return Number(fmt);
  }
  return null;
}

function srtpModeOf(local: LocalSdpParams | null): SrtpMode {
  return local?.srtp?.mode ?? 'off';
}

/** An active audio stream in a profile we may take: RTP/AVP unless SRTP is required, RTP/SAVP unless it is off. */
function isUsableAudio(m: SdpMedia, mode: SrtpMode): boolean {
  if (m.type !== 'audio' || m.port === 0) return false;
  const proto = m.proto.toUpperCase();
  return (proto === 'RTP/AVP' && mode !== 'required') || (proto === 'RTP/SAVP' && mode !== 'off');
}

/** The first a=crypto of the stream we can use (RFC 4568 §7.1.1: the answerer picks one), or null. */
function usableCrypto(m: SdpMedia): { tag: number; key: SrtpMasterKey } | null {
  for (const a of m.attributes) {
    if (a.name.toLowerCase() !== 'crypto' || a.value === null) continue;
    const parsed = parseSdesCrypto(a.value);
    if (parsed.ok) return { tag: parsed.crypto.tag, key: parsed.crypto.masterKey };
  }
  return null;
}

function sessionLines(p: LocalSdpParams): string[] {
  const t = addrType(p.host);
  return ['v=0', `o=cellgate ${p.sessId} ${p.version} IN ${t} ${p.host}`, 's=cellgate', `c=IN ${t} ${p.host}`, 't=0 0'];
}

function audioLines(port: number, codecs: readonly AudioCodec[], telephoneEvent: number | null, dtmfEvents: string, direction: SdpDirection, ptimeMs: number, crypto: { tag: number; key: SrtpMasterKey } | null = null, comfortNoise = false): string[] {
  const pts = codecs.map((c) => c.payloadType);
  if (comfortNoise) pts.push(CN_PT);
  if (telephoneEvent !== null) pts.push(telephoneEvent);
  const lines = [`m=audio ${port} ${crypto ? 'RTP/SAVP' : 'RTP/AVP'} ${pts.join(' ')}`];
  if (crypto) lines.push(buildSdesCryptoLine(crypto.tag, crypto.key));
  for (const c of codecs) lines.push(`a=rtpmap:${c.payloadType} ${c.encoding}/${c.clockRate}`);
  if (comfortNoise) lines.push(`a=rtpmap:${CN_PT} CN/8000`);
  if (telephoneEvent !== null) lines.push(`a=rtpmap:${telephoneEvent} telephone-event/8000`, `a=fmtp:${telephoneEvent} ${dtmfEvents}`);
  lines.push(`a=ptime:${ptimeMs}`, `a=${direction}`);
  return lines;
}

function toText(lines: string[]): string {
  return lines.join('\r\n') + '\r\n';
}

/** Our offer: one audio stream with our codecs in our order and telephone-event 0-16 (DTMF and flash, RFC 4733 §3.2). */
export function buildOffer(p: LocalSdpParams, direction: SdpDirection = 'sendrecv'): string {
  const codecs = localCodecs(p).map((encoding): AudioCodec => ({ payloadType: STATIC_PT[encoding], encoding, clockRate: 8000 }));
  const crypto = p.srtp?.mode === 'required' ? { tag: 1, key: p.srtp.key } : null;
  return toText([...sessionLines(p), ...audioLines(p.port, codecs, TELEPHONE_EVENT_PT, '0-16', direction, usablePtime(p.ptimeMs) ?? PTIME_MS, crypto, p.comfortNoise === true)]);
}

/** The first usable audio stream of a description, with what we can use of it. */
function pickAudio(sdp: SdpDescription, local: LocalSdpParams | null): { index: number; codecs: AudioCodec[]; audio: NegotiatedAudio; cryptoTag: number | null } | { reason: 'no-audio' | 'no-common-codec'; message: string } {
  let sawAudio = false;
  let noKey = false;
  const ours = new Set<string>(local ? localCodecs(local) : ['PCMU', 'PCMA']);
  const mode = srtpModeOf(local);
  for (const [index, m] of sdp.media.entries()) {
    if (!isUsableAudio(m, mode)) continue;
    sawAudio = true;
    const secure = m.proto.toUpperCase() === 'RTP/SAVP';
    const crypto = secure ? usableCrypto(m) : null;
    if (secure && (crypto === null || local?.srtp === undefined)) {
      noKey = true;
      continue;
    }
    const codecs = m.formats.map((f) => g711Of(m, f)).filter((c): c is AudioCodec => c !== null && ours.has(c.encoding));
    if (codecs.length === 0) continue;
    const conn = mediaConnection(sdp, m)!;
    const audio: NegotiatedAudio = {
      codec: codecs[0]!,
      codecs,
      telephoneEvent: telephoneEventOf(m),
      comfortNoise: local?.comfortNoise === true ? comfortNoiseOf(m) : null,
      remote: { address: conn.address, port: m.port },
      direction: mirrorDirection(mediaDirection(sdp, m)),
      // RFC 4566 §6: a=ptime is what the peer wants to receive; without one, what we asked for.
      ptime: usablePtime(m.ptime) ?? usablePtime(local?.ptimeMs) ?? PTIME_MS,
      srtp: crypto && local?.srtp ? { local: local.srtp.key, remote: crypto.key } : null,
    };
    return { index, codecs, audio, cryptoTag: crypto?.tag ?? null };
  }
  if (noKey) return { reason: 'no-common-codec', message: 'no RTP/SAVP stream carries a usable AES_CM_128_HMAC_SHA1_80 key (RFC 4568)' };
  if (!sawAudio && mode === 'required') return { reason: 'no-audio', message: 'SRTP is required (sip.media.srtp) and no RTP/SAVP audio stream was offered' };
  return sawAudio
    ? { reason: 'no-common-codec', message: `no audio stream offers ${[...ours].join(' or ')}` }
    : { reason: 'no-audio', message: 'no active RTP/AVP audio stream' };
}

/**
 * Our answer to a peer's offer (RFC 3264 §6): one m= line per offered stream, in order; the first
 * audio stream with a common codec is accepted with the common codecs in the offer's order, every
 * other stream is rejected with port 0; the direction mirrors the offer's.
 */
export function buildAnswer(offer: SdpDescription, local: LocalSdpParams): AnswerResult {
  const picked = pickAudio(offer, local);
  if ('reason' in picked) return { ok: false, reason: picked.reason, message: picked.message };
  const lines = sessionLines(local);
  offer.media.forEach((m, i) => {
    if (i === picked.index) {
      const crypto = picked.cryptoTag !== null && local.srtp ? { tag: picked.cryptoTag, key: local.srtp.key } : null;
      lines.push(...audioLines(local.port, picked.codecs, picked.audio.telephoneEvent, '0-15', picked.audio.direction, usablePtime(local.ptimeMs) ?? PTIME_MS, crypto, picked.audio.comfortNoise != null));
    } else {
      // RFC 3264 §6: a rejected stream keeps its media type, proto and formats with port 0.
      lines.push(`m=${m.type} 0 ${m.proto} ${m.formats.length ? m.formats.join(' ') : '0'}`);
    }
  });
  return { ok: true, sdp: toText(lines), audio: picked.audio };
}

/**
 * Reads the peer's answer to our offer: its audio stream must keep one of our codecs (RFC 3264 §7: the
 * answerer picks from what we offered). A rejected audio stream (port 0) is `no-audio`.
 */
export function readAnswer(answer: SdpDescription, local: LocalSdpParams | null = null): ReadAnswerResult {
  const picked = pickAudio(answer, local);
  if ('reason' in picked) return { ok: false, reason: picked.reason, message: picked.message };
  const offered = new Set<string>(local ? localCodecs(local) : OFFERED_CODECS.map((c) => c.encoding));
  const codecs = picked.codecs.filter((c) => offered.has(c.encoding));
  if (codecs.length === 0) return { ok: false, reason: 'no-common-codec', message: 'the answer keeps none of the offered codecs' };
  return { ok: true, audio: { ...picked.audio, codec: codecs[0]!, codecs } };
}
