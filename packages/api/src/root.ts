import { auditLogRouter } from "./routers/audit-log";
import { demoRouter } from "./routers/demo";
import { eventsRouter } from "./routers/events";
import { feedsRouter } from "./routers/feeds";
import { formationsRouter } from "./routers/formations";
import { integrationsRouter } from "./routers/integrations";
import { platformSettingsRouter } from "./routers/platform-settings";
import { serviceTokensRouter } from "./routers/service-tokens";
import { syncRouter } from "./routers/sync";
import { usersRouter } from "./routers/users";
import { authedProcedure, createCallerFactory, router } from "./trpc";

export const appRouter = router({
  /** Who the API sees: the signed-in user, or the service token's name and scopes. */
  me: authedProcedure.query(({ ctx }) =>
    ctx.caller.kind === "user"
      ? {
          kind: "user" as const,
          id: ctx.caller.user.id,
          email: ctx.caller.user.email,
          name: ctx.caller.user.name,
          role: ctx.caller.user.role,
          locale: ctx.caller.user.locale,
          timeZone: ctx.caller.user.timeZone,
        }
      : {
          kind: "service" as const,
          id: ctx.caller.serviceToken.id,
          name: ctx.caller.serviceToken.name,
          scopes: ctx.caller.serviceToken.scopes,
        },
  ),
  events: eventsRouter,
  feeds: feedsRouter,
  formations: formationsRouter,
  integrations: integrationsRouter,
  sync: syncRouter,
  users: usersRouter,
  auditLog: auditLogRouter,
  serviceTokens: serviceTokensRouter,
  platformSettings: platformSettingsRouter,
  demo: demoRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
