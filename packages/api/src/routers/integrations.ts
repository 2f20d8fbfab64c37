import {
  disconnectIntegrationForUser,
  disconnectIntegrationForUserInput,
  listIntegrationRuns,
  listIntegrationRunsInput,
  resyncIntegration,
  resyncIntegrationInput,
} from "@agenda/sync/integration-administration";
import {
  listAllIntegrations,
  listAllIntegrationsInput,
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
import { ApiError, adminProcedure, outlookProcedure, router, userProcedure } from "../trpc";

/** The signed-in user's calendar connections, and every user's for admins. */
export const integrationsRouter = router({
  list: userProcedure.query(({ ctx }) => listIntegrations(ctx.db, ctx.user.id)),
  /** Every user's integration for admins, with what needs their attention (`needsAttention`: those only). */
  all: adminProcedure.input(listAllIntegrationsInput).query(({ ctx, input }) => listAllIntegrations(ctx.db, input)),
  /** An integration's latest runs, their counts, issues and errors, for admins. */
  runs: adminProcedure.input(listIntegrationRunsInput).query(({ ctx, input }) => listIntegrationRuns(ctx.db, input)),
  /** Admins: an import of that integration now, as a job; `full` reads every calendar again (cursors dropped). */
  resync: adminProcedure.input(resyncIntegrationInput).mutation(({ ctx, input }) => {
    if (!ctx.sync) throw new ApiError("OUTLOOK_UNAVAILABLE", ctx.locale);
    return resyncIntegration(ctx.db, ctx.sync.queue, ctx.viewer, input);
  }),
  /** Admins: disconnects a user's Outlook for them, as their own disconnection does; the user is shown the reason. */
  disconnectForUser: adminProcedure.input(disconnectIntegrationForUserInput).mutation(({ ctx, input }) => {
    if (!ctx.outlook) throw new ApiError("OUTLOOK_UNAVAILABLE", ctx.locale);
    return disconnectIntegrationForUser(ctx.outlook, ctx.user.id, input);
  }),
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
