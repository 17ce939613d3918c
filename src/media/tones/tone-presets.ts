/**
 * Default call-progress tones per country preset, written in the manual's appendix B syntax so a
 * configured override is the same kind of text. Levels are gain steps (3 − dBm0). The manual only says
the device ships presets; the values are the networks' own, as ITU-T E.180 Supplement 2 ("Various
tones used in national networks") lists them.
 *
 * - china (the default): the Chinese network's 450 Hz tones at −10 dBm0 — dial continuous, ringback 1 s on
 *   4 s off, busy 0.35 s on/off, congestion 0.7 s on/off.
 * - itu: the harmonised European 425 Hz set (CEPT) at −10 dBm0 — dial
 *   continuous, ringback 1 s on 4 s off, busy 0.5 s on/off, congestion 0.25 s on/off.
 * - us: the North American precise tone plan — dial 350+440 Hz at −13 dBm0, ringback
 *   440+480 Hz at −19 dBm0 2 s on 4 s off, busy 480+620 Hz at −24 dBm0 0.5 s on/off, reorder
 *   (congestion) the same pair 0.25 s on/off.
 */
export type ToneName = 'dial' | 'ringback' | 'busy' | 'congestion';
export type TonePresetName = 'china' | 'itu' | 'us';

export const TONE_NAMES: readonly ToneName[] = ['dial', 'ringback', 'busy', 'congestion'];
export const TONE_PRESET_NAMES: readonly TonePresetName[] = ['china', 'itu', 'us'];
export const DEFAULT_TONE_PRESET: TonePresetName = 'china';

export const TONE_PRESETS: Readonly<Record<TonePresetName, Readonly<Record<ToneName, string>>>> = {
  china: {
    dial: '1,0,1000,0,0,0,0,0,450,0,0,0,13,0,0,0',
    ringback: '1,0,1000,4000,0,0,0,0,450,0,0,0,13,0,0,0',
    busy: '1,0,350,350,0,0,0,0,450,0,0,0,13,0,0,0',
    congestion: '1,0,700,700,0,0,0,0,450,0,0,0,13,0,0,0',
  },
  itu: {
    dial: '1,0,1000,0,0,0,0,0,425,0,0,0,13,0,0,0',
    ringback: '1,0,1000,4000,0,0,0,0,425,0,0,0,13,0,0,0',
    busy: '1,0,500,500,0,0,0,0,425,0,0,0,13,0,0,0',
    congestion: '1,0,250,250,0,0,0,0,425,0,0,0,13,0,0,0',
  },
  us: {
    dial: '2,0,1000,0,0,0,0,0,350,440,0,0,16,16,0,0',
    ringback: '2,0,2000,4000,0,0,0,0,440,480,0,0,22,22,0,0',
    busy: '2,0,500,500,0,0,0,0,480,620,0,0,27,27,0,0',
    congestion: '2,0,250,250,0,0,0,0,480,620,0,0,27,27,0,0',
  },
};
