/**
 * The ESME side of the SMPP kill tests: a transmitter bind and submit_sm with a window, at full speed
 * or paced, that notices a dropped connection (a kill -9 gives no response for what was outstanding).
 */
import smpp, { type PduInstance, type Session } from 'smpp';

export interface SubmitItem {
  text: string;
  to: string;
}

export interface WindowedSubmit {
  /** The next item to submit, or undefined when there is none (now). */
  next: () => SubmitItem | undefined;
  window: number;
  /** At most this many submits per second from the start of this run (default: no limit). */
  perSecond?: number;
  /** A submit_sm_resp: its command_status and message_id. */
  onResponse: (it: SubmitItem, status: number, messageId: string) => void;
}

export class EsmeConnection {
  private session: Session | null = null;
  closed = true;
  /** submit_sm sent and not answered, now. */
  outstanding = 0;

  async bind(port: number, account: { systemId: string; password: string }): Promise<void> {
    const s = smpp.connect({ host: '127.0.0.1', port });
    this.session = s;
    this.closed = false;
    s.on('error', () => (this.closed = true));
    s.on('close', () => (this.closed = true));
    // the SMSC checks an idle link (SMPP 3.4 §4.11); the library does not answer by itself
    s.on('enquire_link', (pdu: PduInstance) => s.send(pdu.response()));
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    });
    const r = await this.call('bind_transmitter', { system_id: account.systemId, password: account.password, interface_version: 0x34 });
    if (r.command_status !== 0) throw new Error(`bind_transmitter refused: 0x${r.command_status.toString(16)}`);
  }

  call(cmd: string, fields: Record<string, unknown>): Promise<PduInstance> {
    return new Promise((resolve, reject) => {
      if (!this.session || this.closed) return reject(new Error('not connected'));
      this.session.send(new smpp.PDU(cmd, fields), resolve);
    });
  }

  /**
   * Submits what `o.next` gives keeping `o.window` outstanding, until it gives nothing and every submit
   * was answered, or the connection drops. Resolves with the items left without a response.
   */
  submitWindowed(o: WindowedSubmit): Promise<SubmitItem[]> {
    return new Promise((resolve) => {
      const started = Date.now();
      const inFlight = new Map<string, SubmitItem>();
      let sent = 0;
      let done = false;
      let pacing = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearInterval(watch);
        this.outstanding = 0;
        resolve([...inFlight.values()]);
      };
      const watch = setInterval(() => this.closed && finish(), 10);
      const one = (): void => {
        if (done) return;
        if (this.closed) return finish();
        if (inFlight.size >= o.window) return;
        // paced: the n-th submit of this run may go at started + n / perSecond
        const due = started + (sent * 1000) / (o.perSecond ?? Infinity);
        if (due > Date.now()) {
          if (!pacing) {
            pacing = true;
            setTimeout(() => {
              pacing = false;
              for (let i = inFlight.size; i < o.window; i++) one();
            }, due - Date.now());
          }
          return;
        }
        const it = o.next();
        if (!it) {
          if (inFlight.size === 0) finish();
          return;
        }
        sent++;
        inFlight.set(it.text, it);
        this.outstanding = inFlight.size;
        this.session!.send(
          new smpp.PDU('submit_sm', {
            source_addr_ton: 1,
            source_addr_npi: 1,
            source_addr: '8613800000000',
            dest_addr_ton: 1,
            dest_addr_npi: 1,
            destination_addr: it.to.replace(/^\+/, ''),
            data_coding: 0,
            registered_delivery: 0,
            short_message: Buffer.from(it.text, 'latin1'),
          }),
          (resp: PduInstance) => {
            if (done) return;
            inFlight.delete(it.text);
            this.outstanding = inFlight.size;
            o.onResponse(it, resp.command_status, String(resp['message_id']));
            one();
          },
        );
      };
      for (let i = 0; i < o.window; i++) one();
    });
  }

  close(): void {
    this.session?.destroy();
    this.session = null;
    this.closed = true;
  }
}
