import type { Database } from "@agenda/db/client";
import { ensureUser, type User } from "@agenda/domain/users";
import { signInThroughAuthorizePage, type Sandbox } from "@agenda/microsoft-sandbox";
import { TEST_APP, TEST_REDIRECT_URI } from "@agenda/testing/sandbox";
import type { IntegrationView } from "../connection/integrations";
import { beginOutlookConnection, completeOutlookConnection } from "../connection/outlook-connection";
import { createOutlookServices } from "../connection/outlook-config";
import type { OutlookServices } from "../connection/outlook-services";
import { generateVaultKey, parseVaultKey } from "../connection/token-vault";

/** The vault key test services seal tokens with; a worker process under test is given the same one. */
export const TEST_VAULT_KEY = generateVaultKey("tests");
const vaultKey = parseVaultKey(TEST_VAULT_KEY);

/** OutlookServices on a test sandbox (only its URL is needed: it may run in another thread), built as the server builds them. */
export function testOutlookServices(db: Database, sandbox: Pick<Sandbox, "url">): OutlookServices {
  return createOutlookServices(db, {
    clientId: TEST_APP.clientId,
    clientSecret: TEST_APP.secrets[0] ?? "",
    redirectUri: TEST_REDIRECT_URI,
    tenant: "common",
    authorityHost: sandbox.url,
    graphOrigin: sandbox.url,
    vaultKey,
    formerVaultKeys: [],
  });
}

/** The environment a server or worker process under test needs to talk to the sandbox as `testOutlookServices` does. */
export function testOutlookEnvironment(sandbox: Pick<Sandbox, "url">): Record<string, string> {
  return {
    OUTLOOK_CLIENT_ID: TEST_APP.clientId,
    OUTLOOK_CLIENT_SECRET: TEST_APP.secrets[0] ?? "",
    OUTLOOK_REDIRECT_URI: TEST_REDIRECT_URI,
    OUTLOOK_AUTHORITY_HOST: sandbox.url,
    GRAPH_ORIGIN: sandbox.url,
    TOKEN_ENCRYPTION_KEY: TEST_VAULT_KEY,
  };
}

/** A platform user with Outlook connected to the given sandbox mailbox, through the real sign-in flow. */
export async function connectTestUser(
  services: OutlookServices,
  person: { name: string; mailbox: string },
): Promise<{ user: User; integration: IntegrationView }> {
  const user = await ensureUser(services.db, {
    platformUserId: `test-${person.mailbox}`,
    email: person.mailbox,
    name: person.name,
    role: "learner",
  });
  const { url } = await beginOutlookConnection(services, user);
  const { response } = await signInThroughAuthorizePage(url, { userPrincipalName: person.mailbox });
  const integration = await completeOutlookConnection(services, user.id, {
    state: response.get("state") ?? "",
    code: response.get("code") ?? "",
  });
  return { user, integration };
}
