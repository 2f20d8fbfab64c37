import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webRoutes } from "./web";

const html = { accept: "text/html,application/xhtml+xml" };

/** The web routes behind a JSON 404, as the app mounts them. */
function appServing(distDir: string) {
  return new Hono().route("/", webRoutes(distDir)).notFound((c) => c.json({ error: { code: "ROUTE_NOT_FOUND" } }, 404));
}

describe("the web app's routes", () => {
  let distDir: string;
  beforeAll(async () => {
    distDir = await mkdtemp(join(tmpdir(), "agenda-web-dist-"));
    await mkdir(join(distDir, "assets"));
    await writeFile(join(distDir, "index.html"), "<!doctype html><title>Agenda</title>");
    await writeFile(join(distDir, "assets", "index-abc123.js"), `console.log(${JSON.stringify("x".repeat(4096))});`);
  });
  afterAll(() => rm(distDir, { recursive: true, force: true }));

  it("answers every page a browser asks for with index.html, never cached", async () => {
    for (const path of ["/", "/agenda", "/agenda/settings", "/calendar/callback/outlook?code=a&state=b"]) {
      const response = await appServing(distDir).request(path, { headers: html });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("<title>Agenda</title>");
      expect(response.headers.get("cache-control")).toBe("no-cache");
    }
  });

  it("serves built assets for a year, gzipped when the browser takes it", async () => {
    const response = await appServing(distDir).request("/assets/index-abc123.js", {
      headers: { "accept-encoding": "gzip" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/javascript/);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("content-encoding")).toBe("gzip");
  });

  it("leaves the server's own paths, unknown assets and non-browser clients to the JSON 404", async () => {
    const app = appServing(distDir);
    for (const path of ["/api/nothing-here", "/trpc/nothing", "/demo", "/healthz", "/assets/missing.js"]) {
      expect((await app.request(path, { headers: html })).status, path).toBe(404);
    }
    const apiClient = await app.request("/agenda", { headers: { accept: "application/json" } });
    expect(apiClient.status).toBe(404);
    expect(await apiClient.json()).toEqual({ error: { code: "ROUTE_NOT_FOUND" } });
  });

  it("serves nothing until the app is built", async () => {
    expect((await appServing(join(distDir, "not-built")).request("/agenda", { headers: html })).status).toBe(404);
  });
});
