/**
 * A call's audio on the line's modem: the driver's audio capability (modem-drivers/capabilities.ts) and
 * the modem's audio port (OpenedPort.audio) joined into a ModemAudioEnd. prepareCallAudio() runs at every
 * bring-up; openCallAudio() once a call is connected (or alerting, where the family carries early media): start the PCM stream, set gains and the echo
 * canceller as configured, open the port; closing the end closes the port and stops the stream.
 */
import type { AudioCapability, AudioGains, EchoCancellerSetting } from '../../modem-drivers/capabilities.js';
import type { LineConfig } from '../config/schema.js';
import type { ModemAudioEnd } from '../media/audio-contract.js';
import { openModemAudioEnd } from '../media/modem-audio/modem-audio-end.js';
import type { Logger } from '../util/log.js';
import type { AudioPortOpener } from './port-provider.js';

/** How a line's call audio is configured (lines[].audio). */
export interface CallAudioSettings {
  gains?: AudioGains;
  echoCanceller?: EchoCancellerSetting;
  /** The port's PCM format where the family lets it be chosen (SIMCom). */
  pcm?: { sampleRate: 8000 | 16000; frameMs: 20 | 40 };
}

/** At bring-up. A modem that refuses is logged: the line works on, its calls have no audio. */
export async function prepareCallAudio(audio: AudioCapability | undefined, log: Logger): Promise<boolean> {
  if (!audio) return false;
  try {
    await audio.prepare();
    return true;
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'the modem refused its call audio set-up; calls on this line will have no audio');
    return false;
  }
}

/**
 * The connected call's audio end, or null when the family or the port has no audio. Rejects when the
 * modem refuses to start the stream or the port will not open (the stream is stopped again then).
 */
export async function openCallAudio(
  audio: AudioCapability | undefined,
  opener: AudioPortOpener | null | undefined,
  settings: CallAudioSettings,
  log: Logger,
  /** Opened while the call alerts, for the network's ringback (the family has earlyMedia). */
  early = false,
): Promise<ModemAudioEnd | null> {
  if (!audio || !opener) return null;
  await audio.startCall();
  try {
    if (settings.gains && (settings.gains.mic !== undefined || settings.gains.speaker !== undefined)) await audio.setGains(settings.gains);
    if (settings.echoCanceller && audio.setEchoCanceller) await audio.setEchoCanceller(settings.echoCanceller);
  } catch (e) {
    // Gains are a refinement: a refused value leaves the modem's own and the call goes on.
    log.warn({ err: (e as Error).message }, 'call audio gains or echo canceller not applied');
  }
  let end: ModemAudioEnd;
  try {
    end = await openModemAudioEnd({ opener, format: audio.format, log, early });
  } catch (e) {
    await audio.stopCall().catch(() => {});
    throw e;
  }
  const close = end.close.bind(end);
  end.close = async () => {
    await close();
    await audio.stopCall().catch((e: Error) => log.warn({ err: e.message }, 'the modem refused to stop the call audio stream'));
  };
  return end;
}

/** lines[].audio of the configuration as the line takes it. */
export function callAudioSettingsOf(a: LineConfig['audio']): CallAudioSettings {
  const gains: AudioGains = { ...(a.micGain !== undefined ? { mic: a.micGain } : {}), ...(a.speakerGain !== undefined ? { speaker: a.speakerGain } : {}) };
  const echoCanceller: EchoCancellerSetting | null =
    a.echoCancellerParams !== undefined ? { params: a.echoCancellerParams } : a.echoCancellerMode !== undefined ? { mode: a.echoCancellerMode } : null;
  return {
    gains,
    ...(echoCanceller ? { echoCanceller } : {}),
    pcm: { sampleRate: a.pcmSampleRate === 16000 ? 16000 : 8000, frameMs: a.pcmFrameMs === 40 ? 40 : 20 },
  };
}
