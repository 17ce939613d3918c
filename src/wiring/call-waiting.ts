/**
 * Call waiting in the daemon (manual §4.7): each line's mode from `sip.callWaiting`, turned on or off in
 * the network (AT+CCWA, TS 27.007 §7.12) when the line registers and when the configuration changes,
 * on the lines whose modem has call waiting; the modes' logic follows each line's second call.
 */
import { CallWaiting, type CallWaitingMode } from '../call/call-waiting.js';
import type { ConfigStore } from '../config/load.js';
import type { Line } from '../line/line.js';
import { service, type Service } from '../system/service.js';
import type { Logger } from '../util/log.js';

export interface CallWaitingWiringOptions {
  config: ConfigStore;
  lines: () => readonly Line[];
  log: Logger;
}

export interface CallWaitingPart {
  waiting: CallWaiting;
  /** Follows a line's second calls and applies its mode whenever it registers. */
  attach(line: Line): void;
  /** Watches the configuration for mode changes. */
  service: Service;
}

/** A line's mode: its own entry, else the default. */
export function callWaitingModeOf(config: ConfigStore, lineId: number): CallWaitingMode {
  const cw = config.get().sip.callWaiting;
  return cw.lines[String(lineId)] ?? cw.default;
}

export function wireCallWaiting(o: CallWaitingWiringOptions): CallWaitingPart {
  const log = o.log.child({ component: 'call-waiting' });
  const waiting = new CallWaiting({ modeOf: (id) => callWaitingModeOf(o.config, id), log });
  const apply = (line: Line): void => {
    if (!line.canWaitCalls()) return;
    const enabled = callWaitingModeOf(o.config, line.id) !== 'disabled';
    line.setCallWaiting(enabled).then(
      () => log.info({ line: line.id, enabled }, 'call waiting set in the network'),
      (e: Error) => log.warn({ line: line.id, enabled, err: e.message }, 'cannot set call waiting in the network'),
    );
  };
  let unsubscribe: (() => void) | undefined;
  return {
    waiting,
    attach: (line) => {
      waiting.attach(line);
      line.on('lifecycle', (to) => {
        if (to === 'registered') apply(line);
      });
    },
    service: service(
      'call waiting',
      () => {
        unsubscribe = o.config.onChange((next, prev) => {
          if (JSON.stringify(next.sip.callWaiting) === JSON.stringify(prev.sip.callWaiting)) return;
          for (const line of o.lines()) apply(line);
        });
      },
      () => {
        unsubscribe?.();
        waiting.stop();
      },
    ),
  };
}
