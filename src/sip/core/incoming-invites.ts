/**
 * The endpoint's incoming INVITEs while anything may still be sent or matched through them: found by
 * a response the dialog layer sends (its 2xx retransmissions, RFC 3261 §13.3.1.4), keyed by the copied
 * top Via, Call-ID and CSeq; and by server transaction, for a CANCEL, whose Via may differ in
 * `received`/`rport` or in list form (§9.2). An entry goes when its 2xx is acknowledged or its
 * transaction ends, whichever comes first: it holds the parsed INVITE and the handler's context, which
 * should not wait out Timer L's 32 s with the transaction.
 */
import type { UasInvite } from '../dialog/index.js';
import type { SipMessage } from '../message/index.js';
import type { InviteServerTransaction } from '../transaction/invite-server-transaction.js';

/** Our INVITE server transactions are found from a response by the copied top Via, Call-ID and CSeq. */
export function inviteResponseKey(message: SipMessage): string | undefined {
  const via = message.headers.get('via');
  const seq = message.cseq?.seq;
  return via === undefined || seq === undefined ? undefined : `${via}\u0000${message.callId ?? ''}\u0000${seq}`;
}

export interface IncomingInviteEntry {
  readonly transaction: InviteServerTransaction;
  readonly uas: UasInvite;
}

export class IncomingInvites<Entry extends IncomingInviteEntry> {
  private readonly byKey = new Map<string, Entry>();
  private readonly byTransaction = new Map<InviteServerTransaction, Entry>();

  add(entry: Entry): void {
    const key = inviteResponseKey(entry.uas.invite);
    if (key !== undefined) this.byKey.set(key, entry);
    this.byTransaction.set(entry.transaction, entry);
  }

  /** The entry a response of ours answers (the INVITE's 1xx/2xx, retransmissions included). */
  forResponse(response: SipMessage): Entry | undefined {
    const key = inviteResponseKey(response);
    return key === undefined ? undefined : this.byKey.get(key);
  }

  forTransaction(transaction: InviteServerTransaction): Entry | undefined {
    return this.byTransaction.get(transaction);
  }

  /** Removes the UAS's entry; returns it, or undefined when it was gone already. */
  removeUas(uas: UasInvite): Entry | undefined {
    const key = inviteResponseKey(uas.invite);
    const entry = key === undefined ? undefined : this.byKey.get(key);
    if (entry === undefined || entry.uas !== uas) return undefined;
    this.remove(entry);
    return entry;
  }

  /** Removes the transaction's entry; returns it, or undefined when it was gone already. */
  removeTransaction(transaction: InviteServerTransaction): Entry | undefined {
    const entry = this.byTransaction.get(transaction);
    if (entry !== undefined) this.remove(entry);
    return entry;
  }

  private remove(entry: Entry): void {
    this.byTransaction.delete(entry.transaction);
    const key = inviteResponseKey(entry.uas.invite);
    if (key !== undefined && this.byKey.get(key) === entry) this.byKey.delete(key);
  }
}
