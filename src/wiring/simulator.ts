/**
 * Demo mode (simulator.mode): simulated modems, one extra line each, and the simulator's control API.
 * Built only when used: a gateway on real modems does not carry the simulator in memory.
 */
import type { Config } from '../config/schema.js';
import { lineConfig, type ExtraLine } from '../line/line-manager.js';
import type { SimPolicy } from '../line/sim-policy.js';
import { service, type Service } from '../system/service.js';
import type { Logger } from '../util/log.js';
import type { Simulator } from '../../modem-drivers/simulator/simulator.js';
import type { ControlApi } from '../../modem-drivers/simulator/control-api.js';

export interface SimulatorPart {
  /** Set once the service started. */
  readonly simulator: Simulator | null;
  readonly control: ControlApi | null;
  /** The simulated modems' lines, for the line manager (filled by the start). */
  readonly extraLines: ExtraLine[];
  /** Starts the simulated modems and the control API; stops both. */
  readonly service: Service;
  /** Simulated SIM holders have card-detect: insertions and removals reach the policy even in slots not bound. */
  reportCardChanges(policy: SimPolicy): void;
}

export function simulatorPart(o: { cfg: Config; controlHost?: string; controlPort?: number; log: Logger }): SimulatorPart {
  const simCfg = o.cfg.simulator;
  const log = o.log;
  let simulator: Simulator | null = null;
  let control: ControlApi | null = null;
  const extraLines: ExtraLine[] = [];
  const start = async () => {
    const [{ Simulator }, { startControlApi }, { SimPortProvider }] = await Promise.all([
      import('../../modem-drivers/simulator/simulator.js'),
      import('../../modem-drivers/simulator/control-api.js'),
      import('./sim-port-provider.js'),
    ]);
    const sim = new Simulator({ modems: simCfg.modems, timing: simCfg.timing, log: log.child({ component: 'simulator' }) });
    const base = Math.max(0, ...o.cfg.lines.map((l) => l.id ?? 0));
    for (const m of sim.modems) {
      extraLines.push({
        // The simulated switch starts where the simulated modem is, so start-up needs no SIM change.
        config: lineConfig({ id: base + m.id, name: `SIM${m.id}`, imei: m.imei, simSwitch: { backend: 'simulated', initial: m.slot } }),
        port: new SimPortProvider(() => sim.modems, m.imei),
        onSlotSelect: (slot) => m.selectSlot(slot),
      });
    }
    try {
      control = await startControlApi(sim, { host: o.controlHost ?? simCfg.controlHost, port: o.controlPort ?? simCfg.controlPort, log });
    } catch (e) {
      sim.close();
      extraLines.length = 0;
      throw new Error(`simulator control API on ${simCfg.controlHost}:${o.controlPort ?? simCfg.controlPort}: ${(e as Error).message}`);
    }
    simulator = sim;
    log.warn(
      { modems: sim.modems.length, timing: simCfg.timing, control: control.url },
      simCfg.mode === 'on'
        ? 'simulated modems running beside the real ones (simulator.mode = "on")'
        : 'demo mode: no modem configured or found, running simulated modems (set simulator.mode to "off" to disable)',
    );
  };
  const stop = async () => {
    await control?.close();
    simulator?.close();
  };
  return {
    get simulator() {
      return simulator;
    },
    get control() {
      return control;
    },
    extraLines,
    service: service('simulated modems', start, stop),
    reportCardChanges(policy) {
      for (const x of extraLines) {
        const m = simulator?.byImei(x.config.imei ?? '');
        m?.onCardChange((slot, sim) => policy.cardChanged(x.config.id!, slot, sim?.iccid ?? null));
      }
    },
  };
}
