import type { Database } from "@agenda/db/client";
import { DEMO_USERS } from "@agenda/domain/demo-seed";
import { DEFAULT_TLS_DIR, startSandbox, type RegisteredClient, type Sandbox } from "@agenda/microsoft-sandbox";
import type { Logger } from "@agenda/observability/logger";
import { createOutlookServices } from "@agenda/sync/outlook-config";
import type { OutlookServices } from "@agenda/sync/outlook-services";
import { parseVaultKey } from "@agenda/sync/token-vault";
import { join } from "node:path";
import { addinAuthSettings, type AddinAuthSettings } from "./addin-auth";
import type { DemoSecrets } from "./demo";
import { seedDemoOutlookWeeks } from "./demo-outlook-week";
import type { Env } from "./env";

/** The path of the OAuth callback page of the web agenda, as registered with Microsoft. */
export const OUTLOOK_CALLBACK_PATH = "/calendar/callback/outlook";

/** The Outlook add-in's sign-in dialog page, registered with Microsoft as a single-page-application redirect URI. */
export const ADDIN_SIGN_IN_PATH = "/addin/sign-in.html";

export interface MicrosoftConnection {
  outlook: OutlookServices;
  /** The sandbox this process runs in demo mode. */
  sandbox: Sandbox | null;
  /** The Outlook add-in's Microsoft tokens for this API: issued by Microsoft, or by the sandbox in demo mode. */
  addinAuth: AddinAuthSettings;
  stop(): Promise<void>;
}

/**
 * The demo app's redirect URIs: http loopback ones match on any port, as at Microsoft; any other origin (https with
 * TLS_CERT, for sideloading the add-in, or BACKEND_URL) is registered as it is.
 */
function demoRedirectUris(origin: string, path: string): string[] {
  const loopback = [`http://127.0.0.1${path}`, `http://localhost${path}`];
  return new URL(origin).protocol === "http:" ? loopback : [...loopback, `${origin}${path}`];
}

/** The app registration the sandbox knows the demo product by (the sandbox ignores loopback ports, as Azure does). */
function demoAppRegistration(secret: string, origin: string): RegisteredClient {
  return {
    clientId: "b8a1f6c2-5d3e-4f7a-9c2b-1e0d3a4f5b6c",
    displayName: "Agenda (demo)",
    secrets: [secret],
    redirectUris: demoRedirectUris(origin, OUTLOOK_CALLBACK_PATH),
    // The Outlook add-in's sign-in dialog, where Outlook offers no nested app authentication: a single-page app.
    spaRedirectUris: demoRedirectUris(origin, ADDIN_SIGN_IN_PATH),
    permissions: ["User.Read", "Calendars.ReadWrite"],
  };
}

/** Why the demo cannot start its sandbox, and the ways out, for the person reading the failed start. */
function sandboxPortTaken(port: number, sandboxPort: number | undefined, sandboxDir: string): Error {
  const chosenBy =
    sandboxPort === undefined
      ? `the port the demo's sandbox has listened on since its first start, kept in ${join(sandboxDir, "port")}`
      : `SANDBOX_PORT=${sandboxPort}`;
  return new Error(
    `The Microsoft sandbox cannot listen on 127.0.0.1:${port} (${chosenBy}): another program holds that port — ` +
      `an Agenda started on another data directory, \`npm run sandbox\`, or anything else; \`lsof -nP -iTCP:${port} -sTCP:LISTEN\` names it.\n` +
      `Stop that program and start again, or set SANDBOX_PORT to another port (0: any free one; kept from then on): ` +
      `the Outlook accounts connected to the sandbox are bound to its address and then have to be connected again.`,
  );
}

/**
 * Microsoft for this deployment: the real identity platform and Graph when an Azure app is configured, otherwise
 * the Microsoft sandbox started here (demo mode), with mailboxes for the demo users.
 */
export async function connectMicrosoft(
  env: Env,
  db: Database,
  origin: string,
  demoSecrets: DemoSecrets | undefined,
  logger?: Logger,
): Promise<MicrosoftConnection> {
  const vaultKey =
    env.TOKEN_ENCRYPTION_KEY ?? (demoSecrets ? parseVaultKey(demoSecrets.tokenEncryptionKey) : undefined);
  if (!vaultKey) throw new Error("TOKEN_ENCRYPTION_KEY is required outside demo mode");
  const vault = { vaultKey, formerVaultKeys: env.TOKEN_ENCRYPTION_KEYS ?? [], tenant: env.OUTLOOK_TENANT };

  if (env.OUTLOOK_CLIENT_ID && env.OUTLOOK_CLIENT_SECRET && env.OUTLOOK_REDIRECT_URI) {
    const outlook = createOutlookServices(
      db,
      {
        ...vault,
        clientId: env.OUTLOOK_CLIENT_ID,
        clientSecret: env.OUTLOOK_CLIENT_SECRET,
        redirectUri: env.OUTLOOK_REDIRECT_URI,
        authorityHost: env.OUTLOOK_AUTHORITY_HOST,
        graphOrigin: env.GRAPH_ORIGIN,
      },
      logger,
    );
    const addinAuth = addinAuthSettings({
      clientId: env.OUTLOOK_CLIENT_ID,
      tenant: env.OUTLOOK_TENANT,
      authorityHost: env.OUTLOOK_AUTHORITY_HOST,
      applicationIdUri: env.OUTLOOK_API_AUDIENCE,
    });
    return { outlook, sandbox: null, addinAuth, stop: async () => {} };
  }
  if (!demoSecrets)
    throw new Error("OUTLOOK_CLIENT_ID, OUTLOOK_CLIENT_SECRET and OUTLOOK_REDIRECT_URI are required outside demo mode");

  const app = demoAppRegistration(demoSecrets.outlookClientSecret, origin);
  const sandboxDir = join(env.DATA_DIR, "sandbox");
  const mailboxes = Object.values(DEMO_USERS).map((user) => ({
    userPrincipalName: user.email,
    displayName: user.name,
    timeZone: user.timeZone,
  }));
  const sandbox = await startSandbox({
    // Connected accounts are bound to the sandbox's origin (MSAL keys its token cache by the authority's host:port).
    port: env.SANDBOX_PORT ?? "kept",
    dataDir: sandboxDir,
    tlsDir: env.SANDBOX_TLS_DIR ?? DEFAULT_TLS_DIR,
    persist: true,
    users: mailboxes,
    identity: { clients: [app], autoConsent: true },
  }).catch((error: unknown) => {
    throw (error as NodeJS.ErrnoException).code === "EADDRINUSE"
      ? sandboxPortTaken((error as { port: number }).port, env.SANDBOX_PORT, sandboxDir)
      : error;
  });
  if (!sandbox.restored) await seedDemoOutlookWeeks(sandbox, mailboxes);
  const outlook = createOutlookServices(
    db,
    {
      ...vault,
      clientId: app.clientId,
      clientSecret: demoSecrets.outlookClientSecret,
      redirectUri: `${origin}${OUTLOOK_CALLBACK_PATH}`,
      authorityHost: sandbox.url,
      graphOrigin: sandbox.url,
    },
    logger,
  );
  const addinAuth = addinAuthSettings({
    clientId: app.clientId,
    tenant: env.OUTLOOK_TENANT,
    authorityHost: sandbox.url,
  });
  return { outlook, sandbox, addinAuth, stop: () => sandbox.stop() };
}
