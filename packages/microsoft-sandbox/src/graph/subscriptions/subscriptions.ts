import { randomUUID } from "node:crypto";
import type { Directory } from "../../directory";
import { GraphError } from "../errors";
import { itemIdOf } from "../event-json";
import type { StoredItem } from "../event-model";
import { occurrenceId } from "../ids";
import type { ItemChange, MailboxStore } from "../mailbox-store";
import type { SubscriptionOptions } from "../options";
import { formatUtcTimestamp } from "../time-zones";
import type { Notifier } from "./notifier";

export type LifecycleEvent = "reauthorizationRequired" | "subscriptionRemoved" | "missed";
export type ChangeType = "created" | "updated" | "deleted";

export interface Subscription {
  id: string;
  resource: string;
  changeType: string;
  changeTypes: ChangeType[];
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: number;
  applicationId: string;
  creatorId: string;
  mailboxId: string;
  tenantId: string;
  calendarId: string;
  /** Created with Prefer: IdType="ImmutableId": its notifications carry immutable ids. */
  immutableIds: boolean;
  latestSupportedTlsVersion: string;
  lastReauthorizationNoticeAt: number | undefined;
}

const RESOURCE = /^\/?(?:me|users\/([^/]+))\/(?:(events)|calendar\/events|calendars\/([^/]+)\/events)$/i;

/** Resolves `me/events`, `me/calendar/events`, `me/calendars/{id}/events` (or `users/{id|upn}/…`) to a calendar of the caller's mailbox. */
export function subscriptionCalendar(resource: string, mailbox: MailboxStore, directory: Directory): string {
  const match = RESOURCE.exec(resource.trim());
  if (!match)
    throw new GraphError(
      400,
      "InvalidRequest",
      `The resource '${resource}' is not supported for change notifications by the sandbox.`,
    );
  const [, user, , calendarId] = match;
  if (user !== undefined) {
    const target = directory.find(user) ?? directory.findByUserPrincipalName(decodeURIComponent(user));
    if (!target || target.id !== mailbox.owner.id)
      throw new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
  }
  if (calendarId !== undefined) return mailbox.calendar(calendarId).id;
  return mailbox.defaultCalendar.id;
}

export function renderSubscription(subscription: Subscription): Record<string, unknown> {
  return {
    id: subscription.id,
    resource: subscription.resource,
    applicationId: subscription.applicationId,
    changeType: subscription.changeType,
    clientState: subscription.clientState,
    notificationUrl: subscription.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: subscription.lifecycleNotificationUrl,
    expirationDateTime: formatUtcTimestamp(subscription.expirationDateTime),
    creatorId: subscription.creatorId,
    includeResourceData: false,
    latestSupportedTlsVersion: subscription.latestSupportedTlsVersion,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}

/**
 * Active subscriptions and what they are told: change notifications for the events of their calendar,
 * and lifecycle events (reauthorizationRequired near expiry, subscriptionRemoved, missed after a drop).
 */
export class SubscriptionRegistry {
  readonly #subscriptions = new Map<string, Subscription>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: () => SubscriptionOptions,
    private readonly notifier: Notifier,
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => this.checkLifecycles(), this.options().lifecycleCheckIntervalMs);
    this.#timer.unref();
  }

  add(subscription: Subscription): void {
    this.#subscriptions.set(subscription.id, subscription);
  }

  get(id: string): Subscription | undefined {
    return this.#subscriptions.get(id);
  }

  remove(id: string): boolean {
    return this.#subscriptions.delete(id);
  }

  list(): Subscription[] {
    return [...this.#subscriptions.values()];
  }

  countForMailbox(mailboxId: string): number {
    let count = 0;
    for (const subscription of this.#subscriptions.values()) if (subscription.mailboxId === mailboxId) count++;
    return count;
  }

  /** Turns a committed change into notifications; a move is a deletion from one calendar and a creation in the other. */
  onChange(change: ItemChange): void {
    const { item } = change;
    const previous = item.previous;
    if (change.changeType === "updated" && previous && previous.calendarId !== item.calendarId) {
      this.#notifyCalendar(change.mailboxId, previous.calendarId, "deleted", previous, undefined);
      this.#notifyCalendar(change.mailboxId, item.calendarId, "created", item, undefined);
      return;
    }
    this.#notifyCalendar(change.mailboxId, item.calendarId, change.changeType, item, change.originalStart);
  }

  #notifyCalendar(
    mailboxId: string,
    calendarId: string,
    changeType: ChangeType,
    item: StoredItem,
    originalStart: number | undefined,
  ): void {
    const now = Date.now();
    for (const subscription of this.#subscriptions.values()) {
      if (subscription.mailboxId !== mailboxId || subscription.calendarId !== calendarId) continue;
      if (!subscription.changeTypes.includes(changeType) || subscription.expirationDateTime <= now) continue;
      const itemId = itemIdOf(item, subscription.immutableIds);
      const id = originalStart === undefined ? itemId : occurrenceId(itemId, item.seriesGeneration, originalStart);
      const path = `Users/${mailboxId}/Events/${id}`;
      this.notifier.notify(subscription.notificationUrl, {
        subscriptionId: subscription.id,
        payload: {
          id: randomUUID(),
          subscriptionId: subscription.id,
          subscriptionExpirationDateTime: formatUtcTimestamp(subscription.expirationDateTime),
          changeType,
          resource: path,
          resourceData: {
            "@odata.type": "#Microsoft.Graph.Event",
            "@odata.id": path,
            "@odata.etag": `W/"${item.changeKey}"`,
            id,
          },
          clientState: subscription.clientState,
          tenantId: subscription.tenantId,
        },
      });
    }
  }

  /** Sends a lifecycle event; subscriptionRemoved also removes the subscription, as Graph does. */
  sendLifecycle(subscription: Subscription, lifecycleEvent: LifecycleEvent): void {
    if (lifecycleEvent === "subscriptionRemoved") this.#subscriptions.delete(subscription.id);
    if (!subscription.lifecycleNotificationUrl) return;
    this.notifier.notifyLifecycle(subscription.lifecycleNotificationUrl, {
      subscriptionId: subscription.id,
      payload: {
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: formatUtcTimestamp(subscription.expirationDateTime),
        tenantId: subscription.tenantId,
        clientState: subscription.clientState,
        lifecycleEvent,
      },
    });
  }

  /** Notifications given up on: the subscriptions that lost them are told to resync. */
  onDropped(subscriptionIds: string[]): void {
    for (const id of new Set(subscriptionIds)) {
      const subscription = this.#subscriptions.get(id);
      if (subscription) this.sendLifecycle(subscription, "missed");
    }
  }

  /** Expired subscriptions disappear silently; those about to expire get reauthorizationRequired at a bounded rate. */
  checkLifecycles(now = Date.now()): void {
    const options = this.options();
    for (const subscription of [...this.#subscriptions.values()]) {
      if (subscription.expirationDateTime <= now) {
        this.#subscriptions.delete(subscription.id);
        continue;
      }
      const nearExpiry = subscription.expirationDateTime - now <= options.reauthorizationLeadMs;
      const last = subscription.lastReauthorizationNoticeAt;
      if (nearExpiry && (last === undefined || now - last >= options.reauthorizationEveryMs)) {
        subscription.lastReauthorizationNoticeAt = now;
        this.sendLifecycle(subscription, "reauthorizationRequired");
      }
    }
  }

  snapshot(): Subscription[] {
    return this.list();
  }

  restore(subscriptions: Subscription[]): void {
    this.#subscriptions.clear();
    for (const subscription of subscriptions) this.#subscriptions.set(subscription.id, { ...subscription });
  }

  reset(): void {
    this.#subscriptions.clear();
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
