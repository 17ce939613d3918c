/**
 * An operator's PIN, or PUK and new PIN, for a locked card (manual §5 "PIN/PUK"; TS 27.007 §8.3
 * AT+CPIN). The card must be in the state the code is for (`SIM PIN` for a PIN, `SIM PUK` for a PUK):
 * a PIN sent to an unlocked card is refused by some modems and may count as a wrong try by others.
 * The driver sends the codes as secret commands, so they are in no log.
 */
import type { SimCapability } from '../../modem-drivers/capabilities.js';
import type { SimState } from '../../modem-drivers/types.js';
import { isWrongPassword } from './sim-readiness.js';

export type SimUnlockCode = { pin: string } | { puk: string; newPin: string };

/**
 * `unlocked`: the card took the code; `refused`: it said the code is wrong (+CME ERROR 16, TS 27.007
 * §9.2.1), each such try counts against its tries left; `wrong-state`: the card does not wait for
 * this kind of code (it is ready, or wants the other one). `state` is the card's state afterwards, or
 * `UNKNOWN` when it cannot be read at once: a modem that announces the change (+CPIN: READY / SIM PUK)
 * makes the line reopen its connection and read the card again, and the line status shows the result.
 */
export interface SimUnlockResult {
  outcome: 'unlocked' | 'refused' | 'wrong-state';
  state: SimState;
}

export function isPukCode(code: SimUnlockCode): code is { puk: string; newPin: string } {
  return 'puk' in code;
}

export async function unlockSim(sim: SimCapability, code: SimUnlockCode): Promise<SimUnlockResult> {
  const before = await sim.state();
  const wanted: SimState = isPukCode(code) ? 'SIM PUK' : 'SIM PIN';
  if (before !== wanted) return { outcome: 'wrong-state', state: before };
  let outcome: SimUnlockResult['outcome'] = 'unlocked';
  try {
    if (isPukCode(code)) await sim.enterPuk(code.puk, code.newPin);
    else await sim.enterPin(code.pin);
  } catch (e) {
    if (!isWrongPassword(e)) throw e;
    outcome = 'refused';
  }
  return { outcome, state: await sim.state().catch((): SimState => 'UNKNOWN') };
}
