import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@microsoft/microsoft-graph-client";
import type { User } from "@microsoft/microsoft-graph-types";
import { afterEach, describe, expect, it } from "vitest";
import { suiteOutputCheck } from "./graph/schema/output-check";
import { DEMO_CLIENT, signInThroughAuthorizePage } from "./identity";
import { type Sandbox, startSandbox } from "./sandbox";
import { REDIRECT_URI, msalClient, signInWithMsal } from "./test-support";

const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(options: Parameters<typeof startSandbox>[0]): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  sandbox.graph.observe(suiteOutputCheck.check);
  cleanups.push(() => sandbox.stop());
  return sandbox;
}

async function temporaryDirectory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sandbox-state-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A port nothing listens on, other than `port`. */
async function freePortBesides(port: number): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const free = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return free === port ? freePortBesides(port) : free;
}

/** A refresh token from a plain code flow (MSAL keeps its own out of the app's reach). */
async function refreshTokenFor(sandbox: Sandbox, userPrincipalName: string): Promise<string> {
  const authorize = new URL(`${sandbox.authority()}/oauth2/v2.0/authorize`);
  authorize.search = new URLSearchParams({
    client_id: DEMO_CLIENT.clientId,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: "offline_access Calendars.ReadWrite",
  }).toString();
  const { response } = await signInThroughAuthorizePage(authorize.toString(), { userPrincipalName });
  const token = await fetch(`${sandbox.authority()}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: DEMO_CLIENT.clientId,
      client_secret: DEMO_CLIENT.secrets[0]!,
      code: response.get("code")!,
      redirect_uri: REDIRECT_URI,
    }),
  });
  return String(((await token.json()) as { refresh_token: string }).refresh_token);
}

async function refreshWith(sandbox: Sandbox, refreshToken: string) {
  const response = await fetch(`${sandbox.authority()}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      client_id: DEMO_CLIENT.clientId,
      client_secret: DEMO_CLIENT.secrets[0]!,
      refresh_token: refreshToken,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("startSandbox", () => {
  it("serves one HTTPS origin on 127.0.0.1 with a request-id on every response and the client-request-id echoed", async () => {
    const sandbox = await started({});
    expect(sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.graphBaseUrl).toBe(`${sandbox.url}/v1.0`);
    const response = await fetch(`${sandbox.url}/no/such/endpoint`, { headers: { "client-request-id": "abc-123" } });
    expect(response.status).toBe(404);
    expect(response.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("client-request-id")).toBe("abc-123");
    expect(await response.json()).toMatchObject({ error: { code: "NotFound" } });
  });

  it("serves Graph on the same origin: the real Graph client reads /me with a token from the sandbox's token endpoint", async () => {
    const sandbox = await started({
      users: [{ userPrincipalName: "adele@contoso.example", displayName: "Adele Vance" }],
    });
    const signedIn = await signInWithMsal(msalClient(sandbox), "adele@contoso.example", ["User.Read"]);
    const client = Client.init({
      baseUrl: `${sandbox.url}/`,
      customHosts: new Set(["127.0.0.1"]),
      authProvider: (done) => done(null, signedIn.accessToken),
    });
    const me = (await client.api("/me").get()) as User;
    expect(me).toMatchObject({
      id: signedIn.account!.localAccountId,
      userPrincipalName: "adele@contoso.example",
      displayName: "Adele Vance",
    });
    const anonymous = await fetch(`${sandbox.graphBaseUrl}/me`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("fails to start, with the system's error, when the port is taken", async () => {
    const first = await started({});
    const port = Number(new URL(first.url).port);
    await expect(startSandbox({ port })).rejects.toMatchObject({ code: "EADDRINUSE" });
  });

  it("keeps users, grants, refresh tokens and the signing key across a restart when persisting", async () => {
    const dataDir = await temporaryDirectory();
    const first = await startSandbox({
      persist: true,
      dataDir,
      users: [{ userPrincipalName: "adele@contoso.example" }],
    });
    const signedIn = await signInWithMsal(msalClient(first), "adele@contoso.example");
    const refreshToken = await refreshTokenFor(first, "adele@contoso.example");
    const seeded = await fetch(`${first.url}/admin/api/mailboxes/adele@contoso.example/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        events: [
          {
            subject: "Kept across restarts",
            start: { dateTime: "2030-01-07T09:00:00", timeZone: "UTC" },
            end: { dateTime: "2030-01-07T10:00:00", timeZone: "UTC" },
          },
        ],
      }),
    });
    expect(seeded.status).toBe(201);
    await first.stop();

    const saved = await readFile(join(dataDir, "state.json"), "utf8");
    expect(saved).not.toContain(refreshToken);

    const second = await started({ persist: true, dataDir });
    expect(second.directory.findByUserPrincipalName("adele@contoso.example")?.id).toBe(
      signedIn.account!.localAccountId,
    );
    await expect(second.signing.verifyAccessToken(signedIn.accessToken)).resolves.toMatchObject({
      oid: signedIn.account!.localAccountId,
    });
    const events = await fetch(`${second.graphBaseUrl}/me/events?$select=subject`, {
      headers: { authorization: `Bearer ${signedIn.accessToken}` },
    });
    expect(events.status).toBe(200);
    expect(
      ((await events.json()) as { value: Array<{ subject: string }> }).value.map((event) => event.subject),
    ).toEqual(["Kept across restarts"]);
    const refreshed = await refreshWith(second, refreshToken);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toEqual(expect.any(String));
    expect(second.identity.grants.consents()).toEqual([
      expect.objectContaining({ clientId: DEMO_CLIENT.clientId, userId: signedIn.account!.localAccountId }),
    ]);
  });

  it('listens again on the port of its previous start with port "kept", and says so when another program took it', async () => {
    const dataDir = await temporaryDirectory();
    const first = await startSandbox({ persist: true, dataDir, port: "kept" });
    expect(first.restored).toBe(false);
    await first.stop();

    const second = await started({ persist: true, dataDir, port: "kept" });
    expect(second.url).toBe(first.url);
    expect(second.restored).toBe(true);
    await expect(startSandbox({ persist: true, dataDir, port: "kept" })).rejects.toMatchObject({
      code: "EADDRINUSE",
      port: Number(new URL(first.url).port),
    });
  });

  it("keeps the port it was told last, so that leaving the setting out later stays on it", async () => {
    const dataDir = await temporaryDirectory();
    const first = await startSandbox({ persist: true, dataDir, port: "kept" });
    await first.stop();
    const moved = await startSandbox({
      persist: true,
      dataDir,
      port: await freePortBesides(Number(new URL(first.url).port)),
    });
    await moved.stop();

    const again = await started({ persist: true, dataDir, port: "kept" });
    expect(again.url).toBe(moved.url);
  });

  it("refuses to start on a corrupt state file rather than silently dropping it", async () => {
    const dataDir = await temporaryDirectory();
    await writeFile(join(dataDir, "state.json"), JSON.stringify({ version: 1, directory: "nope" }));
    await expect(startSandbox({ persist: true, dataDir })).rejects.toThrow("is not a saved sandbox state");
  });

  it("starts empty when not persisting", async () => {
    const dataDir = await temporaryDirectory();
    const first = await startSandbox({
      persist: true,
      dataDir,
      users: [{ userPrincipalName: "adele@contoso.example" }],
    });
    await first.stop();
    const second = await started({ dataDir });
    expect(second.directory.list()).toEqual([]);
  });
});
