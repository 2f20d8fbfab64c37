import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AppRouter } from "@agenda/api";
import { DEFAULT_TLS_DIR, ensureSandboxCertificates, signInThroughAuthorizePage } from "@agenda/microsoft-sandbox";
import { startServerProcess } from "@agenda/testing/server-process";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("the server with a TLS certificate", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "agenda-https-test-"));
    await chmod(dir, 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  // The origin the committed add-in manifest names (https://localhost:3000) served by the product itself, as
  // sideloading needs it, and the demo still whole there: Outlook connects back to that origin.
  it(
    "speaks HTTPS on localhost, serves the add-in there, and connects Outlook back to that origin",
    { timeout: 90_000 },
    async () => {
      // The sandbox's localhost certificate: its CA is the one this test process already trusts (NODE_EXTRA_CA_CERTS).
      const certificates = await ensureSandboxCertificates(DEFAULT_TLS_DIR);
      const server = await startServerProcess({
        DATA_DIR: dir,
        DEMO_MODE: "true",
        DATABASE_URL: "",
        TLS_CERT_FILE: certificates.certPath,
        TLS_KEY_FILE: certificates.keyPath,
      });
      try {
        expect(server.url).toMatch(/^https:\/\/localhost:\d+$/);
        const addinConfig = await fetch(`${server.url}/addin/config.json`);
        expect([addinConfig.status, addinConfig.headers.get("cache-control")]).toEqual([200, "no-cache"]);
        expect(addinConfig.headers.get("strict-transport-security")).toMatch(/max-age=/);
        expect((await fetch(`${server.url}/addin/office/office.js`)).status).toBe(200);
        await expect(fetch(`${server.url.replace("https:", "http:")}/healthz`)).rejects.toThrow();

        const signIn = await fetch(`${server.url}/api/demo/sign-in`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "lea.martin@formation.demo" }),
        });
        const { token } = (await signIn.json()) as { token: string };
        const api = createTRPCClient<AppRouter>({
          links: [httpLink({ url: `${server.url}/trpc`, headers: { authorization: `Bearer ${token}` } })],
        });
        const { url } = await api.integrations.outlook.authUrl.mutate();
        const { redirectUri, response } = await signInThroughAuthorizePage(url, {
          userPrincipalName: "lea.martin@formation.demo",
        });
        expect(redirectUri).toBe(`${server.url}/calendar/callback/outlook`);
        const connected = await api.integrations.outlook.callback.mutate({
          state: response.get("state") ?? "",
          code: response.get("code") ?? "",
        });
        expect(connected.account).toMatchObject({ email: "lea.martin@formation.demo" });
      } finally {
        await server.stop();
      }
    },
  );
});
