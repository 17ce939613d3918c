/**
 * What the bridge needs of the message store (src/store/message-store.ts satisfies it): the stored SMS
 * and the delivery jobs that carry relay reports. Narrow so that tests can hand in a failing store.
 */
import type { Delivery, NewDelivery, OutboundMessage } from '../../store/message-store.js';
import type { DeliveryStore } from '../../sms/delivery-worker.js';

export interface BridgeStore extends DeliveryStore {
  getOutbound(id: string): OutboundMessage | undefined;
  /** Adds jobs in one durable write. */
  enqueueDeliveries(ref: string, jobs: NewDelivery[]): void;
  pending(kind: string, limit: number): Delivery[];
  deliveriesOf(ref: string): Delivery[];
}
