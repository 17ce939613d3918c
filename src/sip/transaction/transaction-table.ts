import type { TransactionRequest, TransactionResponse } from './transaction-message.js';
import { clientKeyOfRequest, clientKeyOfResponse, serverKeyOfRequest, type KeyVerdict } from './transaction-key.js';

/** What the table needs of a transaction: to be told when it ends. */
export interface TableTransaction {
  readonly request: TransactionRequest;
  addTerminationListener(listener: () => void): void;
}

/** A server transaction also shows its last response, to match an RFC 2543 ACK by To tag. */
export interface TableServerTransaction extends TableTransaction {
  readonly lastSentResponse: TransactionResponse | undefined;
}

export type AddVerdict = 'added' | 'duplicate' | 'no-branch' | 'no-legacy-identity';

interface ServerEntry<S> {
  readonly transaction: S;
  /** The To tag of the creating request, for RFC 2543 matching only. */
  readonly legacyToTag: string | undefined;
}

/**
 * The transaction table (RFC 3261 §17.1.3, §17.2.3). Transactions leave it by themselves when they
 * terminate. An ACK for a 2xx has a new branch (§13.2.2.4, RFC 6026) and matches nothing here
 * unless it reaches an INVITE server transaction in Accepted with the INVITE's branch (a client that
 * reused it); the core hands unmatched ACKs to the dialog layer.
 */
export class TransactionTable<C extends TableTransaction, S extends TableServerTransaction> {
  private readonly clients = new Map<string, C>();
  private readonly servers = new Map<string, ServerEntry<S>[]>();

  get clientCount(): number {
    return this.clients.size;
  }

  get serverCount(): number {
    let n = 0;
    for (const list of this.servers.values()) n += list.length;
    return n;
  }

  addClient(transaction: C): AddVerdict {
    const verdict = clientKeyOfRequest(transaction.request);
    if (!verdict.ok) return verdict.reason;
    if (this.clients.has(verdict.key)) return 'duplicate';
    this.clients.set(verdict.key, transaction);
    transaction.addTerminationListener(() => {
      if (this.clients.get(verdict.key) === transaction) this.clients.delete(verdict.key);
    });
    return 'added';
  }

  /** The client transaction a received response belongs to (§17.1.3), if any. */
  findClient(response: TransactionResponse): C | undefined {
    const verdict = clientKeyOfResponse(response);
    return verdict.ok ? this.clients.get(verdict.key) : undefined;
  }

  addServer(transaction: S): AddVerdict {
    const request = transaction.request;
    const verdict = serverKeyOfRequest(request);
    if (!verdict.ok) return verdict.reason;
    if (this.lookupServer(verdict, request, false) !== undefined) return 'duplicate';
    const entry: ServerEntry<S> = { transaction, legacyToTag: request.legacy?.toTag };
    const list = this.servers.get(verdict.key);
    if (list === undefined) this.servers.set(verdict.key, [entry]);
    else list.push(entry);
    transaction.addTerminationListener(() => this.removeServer(verdict.key, entry));
    return 'added';
  }

  /** The server transaction a received request (a retransmission, an ACK) belongs to (§17.2.3), if any. */
  findServer(request: TransactionRequest): S | undefined {
    const verdict = serverKeyOfRequest(request);
    return verdict.ok ? this.lookupServer(verdict, request, request.method === 'ACK') : undefined;
  }

  /** The INVITE server transaction a CANCEL refers to (§9.2: same matching, method INVITE). */
  findCancelTarget(cancel: TransactionRequest): S | undefined {
    const verdict = serverKeyOfRequest(cancel, 'INVITE');
    return verdict.ok ? this.lookupServer(verdict, cancel, false) : undefined;
  }

  private lookupServer(verdict: Extract<KeyVerdict, { ok: true }>, request: TransactionRequest, isAck: boolean): S | undefined {
    const list = this.servers.get(verdict.key);
    if (list === undefined) return undefined;
    if (!verdict.legacy) return list[0]?.transaction;
    const toTag = request.legacy?.toTag;
    // RFC 2543 (§17.2.3): an ACK's To tag is that of the response the transaction sent; any other
    // request's To tag equals that of the request that created the transaction.
    const match = list.find((entry) => {
      if (!isAck) return entry.legacyToTag === toTag;
      const responseTag = entry.transaction.lastSentResponse?.toTag;
      return responseTag !== undefined ? responseTag === toTag : entry.legacyToTag === toTag;
    });
    return match?.transaction;
  }

  private removeServer(key: string, entry: ServerEntry<S>): void {
    const list = this.servers.get(key);
    if (list === undefined) return;
    const rest = list.filter((e) => e !== entry);
    if (rest.length === 0) this.servers.delete(key);
    else this.servers.set(key, rest);
  }
}
