/**
 * Quectel DTMF detection (EC2x AT manual, AT+QTONEDET=<enable>): with 1 the module reports each key the
 * far end presses during a call as `+QTONEDET: <ASCII code>` (parsed in ./parse.ts, turned into a 'dtmf'
 * event by ./urc-handler.ts). Not kept across restarts.
 */
import type { DtmfDetectionCapability } from '../capabilities.js';
import type { AtContext } from '../generic/at-context.js';

export class QuectelDtmfDetection implements DtmfDetectionCapability {
  constructor(private readonly at: AtContext) {}

  async enable(): Promise<void> {
    await this.at.execOk({ cmd: 'AT+QTONEDET=1', timeoutMs: 5_000 });
  }
}
