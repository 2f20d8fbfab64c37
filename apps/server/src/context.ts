import { randomUUID } from "node:crypto";
import { localeFromAcceptLanguage, type Authenticator, type Context, type DemoMode } from "@agenda/api";
import type { Database } from "@agenda/db/client";
import type { OutlookServices } from "@agenda/sync/outlook-services";
import type { SyncEngine } from "@agenda/sync/sync-engine";
import type { Context as HonoContext } from "hono";

export interface AppDependencies {
  db: Database;
  authenticator: Authenticator;
  demo: DemoMode | null;
  outlook: OutlookServices | null;
  sync: SyncEngine | null;
}

const REQUEST_ID = /^[\w.-]{1,128}$/;

/** The caller's request id when it sent a sane one (for tracing across apps), a fresh one otherwise. */
export function requestIdOf(c: HonoContext): string {
  const given = c.req.header("x-request-id");
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Who is calling, in which language: built once per request, shared by the tRPC and REST doors. */
export async function createRequestContext(deps: AppDependencies, c: HonoContext, requestId: string): Promise<Context> {
  const authenticated = await deps.authenticator.authenticate(deps.db, c.req.header("authorization"));
  const caller = authenticated === "TOKEN_INVALID" ? null : authenticated;
  const locale = caller?.kind === "user" ? caller.user.locale : localeFromAcceptLanguage(c.req.header("accept-language"));
  return {
    db: deps.db,
    caller,
    authFailure: authenticated === "TOKEN_INVALID" ? authenticated : null,
    locale,
    requestId,
    demo: deps.demo,
    outlook: deps.outlook,
    sync: deps.sync,
  };
}
