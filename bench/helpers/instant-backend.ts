/**
 * An SmscBackend that accepts every submit at once and keeps nothing: NOT durable, so never a
 * configuration to run. bench/smpp-accept.bench.ts puts it behind cellgate's SmscServer to show what
 * the SMPP layer alone costs, apart from the durable store.
 */
import type { AuthResult, DeliverItem, QueryResult, SmscBackend, SubmitResult } from '../../src/smpp/types.js';

export class InstantBackend implements SmscBackend {
  private next = 1;

  constructor(private readonly account: { systemId: string; password: string }) {}

  authenticate(req: { systemId: string; password: string }): AuthResult {
    if (req.systemId !== this.account.systemId) return { ok: false, status: 0x0f }; // ESME_RINVSYSID
    if (req.password !== this.account.password) return { ok: false, status: 0x0e }; // ESME_RINVPASWD
    return { ok: true, account: this.account.systemId };
  }

  submit(): Promise<SubmitResult> {
    return Promise.resolve({ ok: true, messageId: String(this.next++) });
  }

  query(): QueryResult | null {
    return null;
  }

  pending(): DeliverItem[] {
    return [];
  }

  delivered(): void {}

  deliveryFailed(): void {}
}
