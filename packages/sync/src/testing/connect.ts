import type { Database } from "@agenda/db/client";
import { ensureUser, type User } from "@agenda/domain/users";
import { MicrosoftIdentity } from "@agenda/graph/microsoft-identity";
import { signInThroughAuthorizePage, type Sandbox } from "@agenda/microsoft-sandbox";
import { TEST_APP, TEST_REDIRECT_URI } from "@agenda/testing/sandbox";
import type { IntegrationView } from "../integrations";
import { beginOutlookConnection, completeOutlookConnection } from "../outlook-connection";
import { OutlookServices } from "../outlook-services";
import { createTokenVault, generateVaultKey, parseVaultKey } from "../token-vault";

const vault = createTokenVault(parseVaultKey(generateVaultKey("tests")));

/** OutlookServices on a test sandbox, as the server builds them on Microsoft. */
export function testOutlookServices(db: Database, sandbox: Sandbox): OutlookServices {
  const identity = new MicrosoftIdentity({
    clientId: TEST_APP.clientId,
    clientSecret: TEST_APP.secrets[0] ?? "",
    authority: sandbox.authority(),
    knownAuthorities: [sandbox.knownAuthority],
    redirectUri: TEST_REDIRECT_URI,
  });
  return new OutlookServices(db, identity, vault, sandbox.url);
}

/** A platform user with Outlook connected to the given sandbox mailbox, through the real sign-in flow. */
export async function connectTestUser(
  services: OutlookServices,
  person: { name: string; mailbox: string },
): Promise<{ user: User; integration: IntegrationView }> {
  const user = await ensureUser(services.db, { platformUserId: `test-${person.mailbox}`, email: person.mailbox, name: person.name });
  const { url } = await beginOutlookConnection(services, user);
  const { response } = await signInThroughAuthorizePage(url, { userPrincipalName: person.mailbox });
  const integration = await completeOutlookConnection(services, user.id, { state: response.get("state") ?? "", code: response.get("code") ?? "" });
  return { user, integration };
}
