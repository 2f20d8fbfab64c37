import { mkdtempSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAuthenticator, signSessionToken } from "@agenda/api";
import { ensureUser } from "@agenda/domain/users";
import { capturingLogger } from "@agenda/observability/capturing-logger";
import { useTestDatabase } from "@agenda/testing/database";
import { serve } from "@hono/node-server";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app";
import { createDemoMode } from "./demo";

const database = useTestDatabase();
const SECRET = "security-test-secret-long-enough-for-hs256";
const LMS = "https://lms.example.com";
const logs = capturingLogger("info");

let app: ReturnType<typeof createApp>;
let token: string;

beforeAll(async () => {
  const { db } = database();
  const addinDist = mkdtempSync(join(tmpdir(), "agenda-addin-"));
  writeFileSync(join(addinDist, "taskpane.html"), `<!doctype html><script src="/addin/office/office.js"></script>`);
  app = createApp({
    db,
    authenticator: createAuthenticator({ secret: SECRET }),
    demo: createDemoMode(db, SECRET),
    outlook: null,
    sync: null,
    addin: {
      demo: true,
      auth: null,
      distDir: addinDist,
      officeJsUrl: "https://appsforoffice.microsoft.com/lib/1/hosted/office.js",
    },
    security: { allowedOrigins: [LMS], hsts: true },
    logger: logs.logger,
  });
  const ana = await ensureUser(db, {
    platformUserId: "ana-security",
    email: "ana.security@example.test",
    name: "Ana",
    role: "learner",
    locale: "fr",
  });
  token = await signSessionToken(SECRET, ana);
});

const directives = (response: Response) =>
  (response.headers.get("content-security-policy") ?? "").split(";").map((directive) => directive.trim());

describe("security headers", () => {
  it("on an API answer: nobody frames it, scripts from self, HSTS, no sniffing, a referrer policy", async () => {
    const response = await app.request("/api/me", { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(directives(response)).toEqual(
      expect.arrayContaining([
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
      ]),
    );
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  });

  it("on a page and on errors", async () => {
    const page = await app.request("/demo", { headers: { accept: "text/html" } });
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(directives(page)).toContain("frame-ancestors 'none'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const missing = await app.request("/api/nowhere");
    expect(missing.status).toBe(404);
    expect(directives(missing)).toContain("frame-ancestors 'none'");
  });

  it("on add-in pages: Outlook may frame them, office.js may load, nothing else changes", async () => {
    const response = await app.request("/addin/taskpane.html");
    expect(response.status).toBe(200);
    const frameAncestors = directives(response).find((directive) => directive.startsWith("frame-ancestors"));
    expect(frameAncestors).toBe(
      "frame-ancestors 'self' https://outlook.office.com https://outlook.office365.com https://*.outlook.com https://outlook.live.com",
    );
    expect(directives(response)).toContain("script-src 'self' https://appsforoffice.microsoft.com");
    expect(response.headers.get("x-frame-options")).toBeNull();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("on add-in pages: the sign-in dialog may reach the configured authority (the sandbox in demo mode), Microsoft's otherwise", async () => {
    const withAuthority = (authority: string) =>
      createApp({
        db: database().db,
        authenticator: createAuthenticator({ secret: SECRET }),
        demo: null,
        outlook: null,
        sync: null,
        addin: {
          demo: false,
          auth: {
            clientId: "b8a1f6c2-5d3e-4f7a-9c2b-1e0d3a4f5b6c",
            authority,
            apiScope: "api://b8a1f6c2-5d3e-4f7a-9c2b-1e0d3a4f5b6c/access_as_user",
          },
        },
      });
    const sandboxPage = await withAuthority("https://127.0.0.1:8443/common").request("/addin/config.json");
    expect(directives(sandboxPage)).toContain("connect-src 'self' https://127.0.0.1:8443");
    const microsoftPage = await withAuthority("https://login.microsoftonline.com/organizations").request(
      "/addin/sign-in.html",
    );
    expect(directives(microsoftPage)).toContain("connect-src 'self' https://login.microsoftonline.com");
    expect(directives(await app.request("/addin/taskpane.html"))).toContain(
      "connect-src 'self' https://login.microsoftonline.com",
    );
    // The web agenda reaches no authority from the browser.
    expect(directives(await withAuthority("https://127.0.0.1:8443/common").request("/healthz"))).toContain(
      "connect-src 'self'",
    );
  });

  it("sends no HSTS when the deployment is not served over HTTPS", async () => {
    const plain = createApp({
      db: database().db,
      authenticator: createAuthenticator({ secret: SECRET }),
      demo: null,
      outlook: null,
      sync: null,
    });
    const response = await plain.request("/healthz");
    expect(response.headers.get("strict-transport-security")).toBeNull();
    expect(directives(response)).toContain("frame-ancestors 'none'");
  });
});

describe("CORS on /api and /trpc", () => {
  it("lets an allowed origin read answers, and not another one", async () => {
    const allowed = await app.request("/api/me", { headers: { origin: LMS, authorization: `Bearer ${token}` } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe(LMS);
    expect(allowed.headers.get("access-control-expose-headers")).toContain("x-request-id");
    expect(allowed.headers.get("access-control-allow-credentials")).toBeNull();
    const refused = await app.request("/api/me", {
      headers: { origin: "https://evil.example.com", authorization: `Bearer ${token}` },
    });
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers preflights before authentication, for allowed origins only", async () => {
    const preflight = (origin: string) =>
      app.request("/trpc/events.create", {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      });
    const allowed = await preflight(LMS);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(LMS);
    expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
    expect(allowed.headers.get("access-control-allow-headers")).toMatch(/^authorization, ?content-type$/);
    const refused = await preflight("https://evil.example.com");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("request logs", () => {
  it("log each API request with its id, path and status, and never the token it carries", async () => {
    const before = logs.lines.length;
    await app.request("/api/me", { headers: { authorization: `Bearer ${token}`, "x-request-id": "support-42" } });
    // Whatever a client puts in the query string (a stream ticket, a misplaced token): only the path is logged.
    await app.request(
      `/trpc/sync.onStatus?connectionParams=${encodeURIComponent(JSON.stringify({ token }))}&token=${token}`,
    );
    const written = logs.lines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(written).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          msg: "request",
          requestId: "support-42",
          method: "GET",
          path: "/api/me",
          status: 200,
        }),
        expect.objectContaining({ msg: "request", path: "/trpc/sync.onStatus" }),
      ]),
    );
    expect(logs.text()).not.toContain(token);
    expect(logs.text()).not.toContain(SECRET);
    expect(logs.text()).not.toContain("connectionParams");
  });
});

describe("refusals before the body is read", () => {
  it("close the connection, so a client's next request never meets the unread rest of a body", async () => {
    const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const socket = connect(port, "127.0.0.1");
      const answer = new Promise<{ head: string; closed: boolean }>((resolve) => {
        let head = "";
        socket.on("data", (chunk: Buffer) => (head += chunk.toString("latin1")));
        socket.on("close", () => resolve({ head, closed: true }));
        setTimeout(() => resolve({ head, closed: false }), 5_000);
      });
      socket.write(
        `POST /api/calendar/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n`,
      );
      socket.write("x".repeat(64 * 1024));
      const { head, closed } = await answer;
      socket.destroy();
      expect(head).toMatch(/^HTTP\/1\.1 413 /);
      expect(head.toLowerCase()).toContain("connection: close");
      expect(closed).toBe(true);

      // As a keep-alive client meets it: a 2 MB post refused, then more requests through the same agent.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const send = (method: string, path: string, body?: string) =>
        new Promise<number>((resolve, reject) => {
          const call = httpRequest(
            {
              agent,
              host: "127.0.0.1",
              port,
              method,
              path,
              headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            },
            (response) => {
              response.resume();
              response.on("end", () => resolve(response.statusCode ?? 0));
            },
          );
          call.on("error", reject);
          call.end(body);
        });
      try {
        expect(await send("POST", "/api/calendar/events", "x".repeat(2 * 1024 * 1024))).toBe(413);
        for (let request = 0; request < 3; request++) expect(await send("GET", "/api/me")).toBe(200);
      } finally {
        agent.destroy();
      }
    } finally {
      server.close();
    }
  });
});
