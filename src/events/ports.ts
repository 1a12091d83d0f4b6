// What the events Worker needs from the database (src/adapters/db/event-delivery-store.ts).
import type { StoredEvent } from "../core/events/webhook-body";

/** A delivery claimed for one attempt, with what the attempt needs. */
export interface ClaimedDelivery {
  id: string;
  /** Attempts before this one. */
  attempts: number;
  url: string;
  secret: string;
  /** The endpoint's field filter; null hears every field. */
  fields: string[] | null;
  event: StoredEvent;
}

export interface AttemptRecord {
  id: string;
  status: "delivered" | "pending" | "failed";
  responseCode: number | null;
  error: string | null;
  /** Pending only: seconds until the next attempt. */
  delaySeconds: number;
}

export interface EventDeliveryStore {
  /**
   * Fans new events out (one delivery per subscribed endpoint whose fields filter matches) and
   * claims those deliveries plus the named ones that are due, each until `leaseSeconds` from now,
   * so no other consumer or sweep sends them meanwhile. One statement.
   */
  claim(input: {
    eventIds: readonly string[];
    deliveryIds: readonly string[];
    leaseSeconds: number;
  }): Promise<ClaimedDelivery[]>;
  /** Records attempts' outcomes; a delivery no longer claimed (its endpoint deleted) is left alone. */
  record(attempts: readonly AttemptRecord[]): Promise<void>;
}
