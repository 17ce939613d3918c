/**
 * Composition of a Modem: the parts every family shares (the AT context, the URC→event router, start-up
 * progress, waits for result URCs) and the TS 27.007 / 27.005 capability objects built on them. A family
 * opens a core, builds the generic capabilities with its own steps and queries plugged in, adds the
 * capabilities only it has, and starts the URC chain with its handlers in front of the generic one.
 */
import type { SeqStep } from '../../src/at/sequence.js';
import type { AtChannelApi, UrcSpec } from '../../src/at/types.js';
import type { Logger } from '../../src/util/log.js';
import type { ModemEvent } from '../types.js';
import { AtContext } from './at-context.js';
import { GenericIdentity } from './identity.js';
import { GENERIC_INIT_SETTINGS } from './init-settings.js';
import { GenericNetreg, type NetregVendorQueries } from './netreg.js';
import { GenericReset } from './reset.js';
import { ResultUrcWaiters } from './result-urc.js';
import { GenericSim } from './sim.js';
import { GenericSms, type SmsOptions } from './sms.js';
import { StartupTracker } from './startup.js';
import { runSettings, type Setting } from './steps.js';
import { GENERIC_URCS, genericUrcHandler } from './urc-handler.js';
import { ModemEvents, type UrcHandler } from './urc-events.js';
import { GenericUssd } from './ussd.js';
import { GenericVoiceCall } from './voicecall.js';
import { GenericDtmfSend } from './dtmf-send.js';

/** The shared parts of one modem on one channel. */
export interface ModemCore {
  readonly at: AtContext;
  readonly events: ModemEvents;
  readonly startup: StartupTracker;
  readonly results: ResultUrcWaiters;
}

export function openCore(channel: AtChannelApi, log: Logger): ModemCore {
  const at = new AtContext(channel, log);
  const events = new ModemEvents(channel, log);
  const results = new ResultUrcWaiters();
  events.onDispose(() => results.abandonAll());
  return { at, events, startup: new StartupTracker(events), results };
}

/** Where a family's commands differ from the baseline, as data. */
export interface GenericCustomisation {
  /** Settings applied by init(); default GENERIC_INIT_SETTINGS. */
  initSettings?: readonly Setting[];
  /** ICCID commands, the family's own first; default GENERIC_ICCID_STEPS. */
  iccidSteps?: readonly SeqStep<string>[];
  netreg?: NetregVendorQueries;
  sms?: SmsOptions;
}

/** The lifecycle and the mandatory capabilities of a Modem, with the generic objects' own types. */
export interface GenericParts {
  init(): Promise<void>;
  onEvent(listener: (e: ModemEvent) => void): () => void;
  dispose(): void;
  readonly identity: GenericIdentity;
  readonly sim: GenericSim;
  readonly netreg: GenericNetreg;
  readonly voicecall: GenericVoiceCall;
  readonly sms: GenericSms;
  readonly ussd: GenericUssd;
  readonly reset: GenericReset;
  /** TS 27.007 +VTS, inherited by every family (the standard form needs no vendor variant). */
  readonly dtmfSend: GenericDtmfSend;
}

export function genericParts(core: ModemCore, custom: GenericCustomisation = {}): GenericParts {
  const { at, events } = core;
  return {
    init: async () => {
      const skipped = await runSettings(at.channel, custom.initSettings ?? GENERIC_INIT_SETTINGS);
      if (skipped.length > 0) at.log.info({ skipped }, 'modem refused optional settings');
    },
    onEvent: (listener) => events.onEvent(listener),
    dispose: () => events.dispose(),
    identity: new GenericIdentity(at),
    sim: new GenericSim(at, custom.iccidSteps),
    netreg: new GenericNetreg(at, events, custom.netreg),
    voicecall: new GenericVoiceCall(at),
    sms: new GenericSms(at, custom.sms),
    ussd: new GenericUssd(at),
    reset: new GenericReset(at),
    dtmfSend: new GenericDtmfSend(at),
  };
}

/** Starts turning URCs into events: the family's prefixes after the generic ones, its handlers first. */
export function listenForUrcs(core: ModemCore, familyUrcs: readonly UrcSpec[], familyHandlers: readonly UrcHandler[]): void {
  core.events.listen([...GENERIC_URCS, ...familyUrcs], [...familyHandlers, genericUrcHandler(core.events, core.startup)]);
}
