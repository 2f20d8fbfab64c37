import { isIP } from "node:net";
import { z } from "zod";

/** Where Microsoft posts change notifications and lifecycle events, under the backend's public URL. */
export const NOTIFICATION_PATHS = {
  notifications: "/api/calendar/outlook/notifications",
  lifecycle: "/api/calendar/outlook/lifecycle",
} as const;

/**
 * The environment variables about how changes reach this deployment, shared by the server and the workers (the
 * workers create the subscriptions, so they must know the server's public URL too).
 */
export const notificationEnvironment = {
  /** The backend's public URL, as Microsoft reaches it. */
  BACKEND_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Where Microsoft delivers notifications when it is not BACKEND_URL (a tunnel, a separate ingress). */
  OUTLOOK_NOTIFICATION_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** How often an integration without change notifications is imported by delta, in seconds. */
  SYNC_POLL_INTERVAL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(300),
};

export interface NotificationEndpoints {
  notificationUrl: string;
  lifecycleNotificationUrl: string;
}

const PRIVATE_IPV4 = [
  /^10\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^169\.254\./,
  /^0\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
];

const bare = (hostname: string): string => hostname.replace(/^\[|\]$/g, "").toLowerCase();

/** This machine: `localhost`, 127.0.0.0/8, ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = bare(hostname);
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\./.test(host);
}

/** Hosts nobody outside this machine or network can reach: loopback, private and link-local addresses. */
export function isLocalHost(hostname: string): boolean {
  if (isLoopbackHost(hostname)) return true;
  const host = bare(hostname);
  const version = isIP(host);
  if (version === 4) return PRIVATE_IPV4.some((range) => range.test(host));
  return version === 6 && (host === "::" || /^f[cd]/.test(host) || /^fe[89ab]/.test(host));
}

/**
 * Whether Graph at `graphOrigin` can deliver notifications to `publicUrl`. Microsoft only calls public HTTPS URLs;
 * a Graph on this machine (the sandbox) also calls plain http on loopback.
 */
export function canReceiveNotifications(graphOrigin: string, publicUrl: string): boolean {
  const target = new URL(publicUrl);
  if (isLoopbackHost(new URL(graphOrigin).hostname))
    return target.protocol === "https:" || (target.protocol === "http:" && isLoopbackHost(target.hostname));
  return target.protocol === "https:" && !isLocalHost(target.hostname);
}

/** The webhook URLs to subscribe with, or null when Graph cannot reach this deployment (it then polls). */
export function notificationEndpoints(
  graphOrigin: string,
  publicUrl: string | undefined,
): NotificationEndpoints | null {
  if (!publicUrl || !canReceiveNotifications(graphOrigin, publicUrl)) return null;
  const base = publicUrl.replace(/\/+$/, "");
  return {
    notificationUrl: `${base}${NOTIFICATION_PATHS.notifications}`,
    lifecycleNotificationUrl: `${base}${NOTIFICATION_PATHS.lifecycle}`,
  };
}

/** Where notifications go, and how long subscriptions live. */
export interface SubscriptionSettings extends NotificationEndpoints {
  /**
   * Lifetime asked for. Outlook's maximum is 4,230 minutes in Microsoft's docs snapshot and 10,080 in later sources,
   * and a request beyond it fails: the default stays under the lower one.
   */
  lifetimeMinutes: number;
  /** Subscriptions expiring sooner than this are renewed (maintenance looks every minute). */
  renewBeforeMinutes: number;
}

export const DEFAULT_SUBSCRIPTION_TIMING = { lifetimeMinutes: 4_200, renewBeforeMinutes: 24 * 60 } as const;

/** Subscription settings for a deployment whose public URL is `publicUrl`; null when Graph cannot reach it. */
export function subscriptionSettingsFor(
  graphOrigin: string,
  publicUrl: string | undefined,
): SubscriptionSettings | null {
  const endpoints = notificationEndpoints(graphOrigin, publicUrl);
  return endpoints && { ...endpoints, ...DEFAULT_SUBSCRIPTION_TIMING };
}
