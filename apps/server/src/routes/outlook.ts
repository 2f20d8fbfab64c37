import { Hono } from "hono";
import type { RequestVariables } from "../request-variables";
import { jsonBody, throughProcedure, unvalidated } from "./rest";

/** The original spec's REST endpoints for the Outlook connection, answered by the `integrations.*` procedures. */
export const outlookRoutes = new Hono<{ Variables: RequestVariables }>()
  .get("/outlook/auth-url", (c) => throughProcedure(c, (caller) => caller.integrations.outlook.authUrl()))
  .post("/outlook/callback", (c) =>
    throughProcedure(c, async (caller) => {
      const body = (await jsonBody(c)) as Record<string, unknown> | null;
      // Accepts Microsoft's own parameter names too, so a page can forward its query string as it came.
      return caller.integrations.outlook.callback(
        unvalidated({
          state: body?.state,
          code: body?.code,
          error: body?.error,
          errorDescription: body?.errorDescription ?? body?.error_description,
        }),
      );
    }),
  )
  .post("/outlook/import", (c) => throughProcedure(c, (caller) => caller.sync.importNow()))
  .post("/outlook/export-formation", (c) =>
    throughProcedure(c, async (caller) => caller.sync.exportFormation(unvalidated(await jsonBody(c)))),
  )
  .get("/sync/runs", (c) =>
    throughProcedure(c, async (caller) => ({
      runs: await caller.sync.runs(
        unvalidated({ limit: c.req.query("limit") ? Number(c.req.query("limit")) : undefined }),
      ),
    })),
  )
  .get("/outlook/calendars", (c) => throughProcedure(c, (caller) => caller.integrations.outlook.calendars()))
  .get("/integrations", (c) =>
    throughProcedure(c, async (caller) => ({ integrations: await caller.integrations.list() })),
  )
  .put("/integrations/outlook/settings", (c) =>
    throughProcedure(c, async (caller) => caller.integrations.outlook.updateSettings(unvalidated(await jsonBody(c)))),
  )
  .delete("/integrations/outlook", (c) =>
    throughProcedure(c, (caller) =>
      caller.integrations.outlook.disconnect({
        removeExportedFormations: c.req.query("removeExportedFormations") === "true",
      }),
    ),
  );
