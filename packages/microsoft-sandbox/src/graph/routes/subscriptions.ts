import { randomUUID } from "node:crypto";
import type { Hono } from "hono";
import { z } from "zod";
import { SCOPES, requireScope } from "../auth";
import { graphJson, jsonBody, odataContext, type GraphContext, type GraphEnv, type GraphRuntime } from "../context";
import { GraphError, badRequest } from "../errors";
import {
  renderSubscription,
  subscriptionCalendar,
  type ChangeType,
  type Subscription,
  type SubscriptionRegistry,
} from "../subscriptions/subscriptions";
import { checkNotificationUrl, validateEndpoint } from "../subscriptions/validation";

const createSchema = z.object({
  changeType: z.string().min(1),
  notificationUrl: z.string().min(1),
  resource: z.string().min(1),
  expirationDateTime: z.string().min(1),
  clientState: z.string().nullable().optional(),
  lifecycleNotificationUrl: z.string().nullable().optional(),
  latestSupportedTlsVersion: z.string().optional(),
  includeResourceData: z.boolean().optional(),
  encryptionCertificate: z.string().optional(),
  encryptionCertificateId: z.string().optional(),
});
const renewSchema = z.object({ expirationDateTime: z.string().min(1) });

function parseChangeTypes(value: string): ChangeType[] {
  const types = value.split(",").map((type) => type.trim());
  for (const type of types) {
    if (type !== "created" && type !== "updated" && type !== "deleted")
      throw badRequest(`The changeType '${type}' is not valid; use created, updated and/or deleted.`);
  }
  return types as ChangeType[];
}

/** Expiration must be in the future and within the maximum lifetime; beyond it Graph fails with 400. */
function parseExpiration(value: string, maxLifetimeMinutes: number, operation: "Create" | "Update"): number {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw badRequest(`The expirationDateTime '${value}' is not a valid date.`);
  if (at <= Date.now()) throw new GraphError(400, "InvalidRequest", "Subscription expiration must be in the future.");
  if (at > Date.now() + maxLifetimeMinutes * 60_000) {
    throw new GraphError(
      400,
      "ExtensionError",
      `Operation: ${operation}; Exception: [Status Code: BadRequest; Reason: Subscription expiration can only be ${maxLifetimeMinutes} minutes in the future.]`,
    );
  }
  return at;
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`Invalid subscription: '${issue?.path.join(".") ?? "body"}' ${issue?.message ?? "is invalid"}.`);
  }
  return parsed.data;
}

/** Subscriptions are visible only to the app and user that created them. */
function ownSubscription(c: GraphContext, registry: SubscriptionRegistry): Subscription {
  const subscription = registry.get(c.req.param("subscriptionId") ?? "");
  const claims = c.get("claims");
  if (!subscription || subscription.applicationId !== claims.azp || subscription.creatorId !== claims.oid) {
    throw new GraphError(404, "ResourceNotFound", "The object was not found.");
  }
  return subscription;
}

const respond = (
  c: GraphContext,
  runtime: GraphRuntime,
  subscription: Subscription,
  status: 200 | 201 = 200,
): Response =>
  graphJson(
    c,
    { "@odata.context": odataContext(runtime, "subscriptions/$entity"), ...renderSubscription(subscription) },
    status,
  );

export function registerSubscriptionRoutes(
  app: Hono<GraphEnv>,
  runtime: GraphRuntime,
  registry: SubscriptionRegistry,
): void {
  const enforce = (): boolean => runtime.options().enforceScopes;

  app.post("/subscriptions", async (c) => {
    requireScope(c, enforce(), SCOPES.readCalendars);
    const input = parseBody(createSchema, await jsonBody(c));
    const options = runtime.options().subscriptions;
    const mailbox = c.get("mailbox");
    const claims = c.get("claims");
    const changeTypes = parseChangeTypes(input.changeType);
    const calendarId = subscriptionCalendar(input.resource, mailbox, runtime.directory);
    const expirationDateTime = parseExpiration(input.expirationDateTime, options.maxLifetimeMinutes, "Create");
    if (input.clientState && input.clientState.length > 128)
      throw badRequest("The clientState must be at most 128 characters long.");
    if (input.includeResourceData) {
      throw badRequest(
        input.encryptionCertificate
          ? "Notifications with resource data are not supported by the sandbox."
          : "An encryptionCertificate is required when includeResourceData is true.",
      );
    }
    checkNotificationUrl(input.notificationUrl, "notificationUrl", options.allowHttpLoopback);
    if (input.lifecycleNotificationUrl)
      checkNotificationUrl(input.lifecycleNotificationUrl, "lifecycleNotificationUrl", options.allowHttpLoopback);
    if (registry.countForMailbox(mailbox.owner.id) >= options.maxPerMailbox) {
      throw new GraphError(
        403,
        "ExtensionError",
        "Operation: Create; Exception: [Status Code: Forbidden; Reason: The mailbox has reached its maximum number of subscriptions.]",
      );
    }
    await validateEndpoint(input.notificationUrl, options.validationTimeoutMs);
    if (input.lifecycleNotificationUrl)
      await validateEndpoint(input.lifecycleNotificationUrl, options.validationTimeoutMs);
    const subscription: Subscription = {
      id: randomUUID(),
      resource: input.resource,
      changeType: changeTypes.join(","),
      changeTypes,
      clientState: input.clientState ?? null,
      notificationUrl: input.notificationUrl,
      lifecycleNotificationUrl: input.lifecycleNotificationUrl ?? null,
      expirationDateTime,
      applicationId: claims.azp,
      creatorId: claims.oid,
      mailboxId: mailbox.owner.id,
      tenantId: claims.tid,
      calendarId,
      immutableIds: c.get("preferences").immutableIds,
      latestSupportedTlsVersion: input.latestSupportedTlsVersion ?? "v1_2",
      lastReauthorizationNoticeAt: undefined,
    };
    registry.add(subscription);
    return respond(c, runtime, subscription, 201);
  });

  app.get("/subscriptions", (c) => {
    const claims = c.get("claims");
    const own = registry.list().filter((s) => s.applicationId === claims.azp && s.creatorId === claims.oid);
    return graphJson(c, {
      "@odata.context": odataContext(runtime, "subscriptions"),
      value: own.map(renderSubscription),
    });
  });

  app.get("/subscriptions/:subscriptionId", (c) => respond(c, runtime, ownSubscription(c, registry)));

  app.patch("/subscriptions/:subscriptionId", async (c) => {
    const subscription = ownSubscription(c, registry);
    const input = parseBody(renewSchema, await jsonBody(c));
    subscription.expirationDateTime = parseExpiration(
      input.expirationDateTime,
      runtime.options().subscriptions.maxLifetimeMinutes,
      "Update",
    );
    subscription.lastReauthorizationNoticeAt = undefined;
    return respond(c, runtime, subscription);
  });

  app.post("/subscriptions/:subscriptionId/reauthorize", (c) => {
    const subscription = ownSubscription(c, registry);
    // Reauthorized: quiet until the next reminder is due, as if the notice had just been sent.
    subscription.lastReauthorizationNoticeAt = Date.now();
    return c.body(null, 204);
  });

  app.delete("/subscriptions/:subscriptionId", (c) => {
    registry.remove(ownSubscription(c, registry).id);
    return c.body(null, 204);
  });
}
