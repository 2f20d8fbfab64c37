import {
  listAllIntegrations,
  listIntegrations,
  listOutlookCalendars,
  updateOutlookSettings,
  updateOutlookSettingsInput,
} from "@agenda/sync/integrations";
import {
  beginOutlookConnection,
  completeOutlookConnection,
  disconnectOutlook,
  disconnectOutlookInput,
  outlookCallbackInput,
} from "@agenda/sync/outlook-connection";
import { adminProcedure, outlookProcedure, router, userProcedure } from "../trpc";

/** The signed-in user's calendar connections, and every user's for admins. */
export const integrationsRouter = router({
  list: userProcedure.query(({ ctx }) => listIntegrations(ctx.db, ctx.user.id)),
  all: adminProcedure.query(({ ctx }) => listAllIntegrations(ctx.db)),
  outlook: router({
    /** Starts a connection: the Microsoft sign-in URL to send the user to. */
    authUrl: outlookProcedure.mutation(({ ctx }) => beginOutlookConnection(ctx.outlook, ctx.user)),
    /** Finishes it with what Microsoft's redirect carried; the first import (and the subscriptions) follow as a job. */
    callback: outlookProcedure.input(outlookCallbackInput).mutation(async ({ ctx, input }) => {
      const integration = await completeOutlookConnection(ctx.outlook, ctx.user.id, input);
      await ctx.sync?.engine.integrationChanged(ctx.db, integration.id);
      return integration;
    }),
    calendars: outlookProcedure.query(({ ctx }) => listOutlookCalendars(ctx.outlook, ctx.user.id)),
    /**
     * Also re-syncs as a job: newly selected calendars are imported (read whole), subscriptions follow auto-sync and
     * the calendars, formation copies move to a new export calendar (or go, when export is turned off and asked).
     */
    updateSettings: outlookProcedure.input(updateOutlookSettingsInput).mutation(async ({ ctx, input }) => {
      const integration = await updateOutlookSettings(ctx.outlook, ctx.user.id, input);
      await ctx.sync?.engine.settingsChanged(ctx.db, integration.id, integration.cleanup);
      return integration;
    }),
    disconnect: outlookProcedure
      .input(disconnectOutlookInput)
      .mutation(({ ctx, input }) => disconnectOutlook(ctx.outlook, ctx.user.id, input)),
  }),
});
