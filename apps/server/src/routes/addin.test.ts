import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addinRoutes, type AddinOptions } from "./addin";

const CDN = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";
const AUTH = {
  clientId: "6b1c3a52-9a3e-4c55-8d0e-2f9f8a8d1c11",
  authority: "https://login.microsoftonline.com/common",
  apiScope: "api://6b1c3a52-9a3e-4c55-8d0e-2f9f8a8d1c11/access_as_user",
};

describe("the Outlook add-in's routes", () => {
  let distDir = "";
  const app = (options: Omit<AddinOptions, "distDir">) =>
    new Hono().route("/addin", addinRoutes({ ...options, distDir }));

  beforeAll(async () => {
    distDir = await mkdtemp(join(tmpdir(), "agenda-addin-"));
    await mkdir(join(distDir, "assets"));
    await writeFile(
      join(distDir, "taskpane.html"),
      '<html><head><script src="/addin/office/office.js"></script></head><body></body></html>',
    );
    await writeFile(
      join(distDir, "sign-in.html"),
      '<html><head><script src="/addin/office/office.js"></script></head><body>sign-in</body></html>',
    );
    await writeFile(join(distDir, "assets", "taskpane-abc123.js"), "console.log('taskpane')");
  });
  afterAll(() => rm(distDir, { recursive: true, force: true }));

  it.each(["taskpane.html", "sign-in.html"])(
    "serves the %s page uncached, loading the server's own office.js by default",
    async (page) => {
      const response = await app({ demo: true, auth: null }).request(`/addin/${page}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(await response.text()).toContain('src="/addin/office/office.js"');
    },
  );

  it("points the page at Microsoft's CDN when OFFICE_JS_URL is set, and serves no office.js of its own then", async () => {
    const routes = app({ demo: false, auth: AUTH, officeJsUrl: CDN });
    expect(await (await routes.request("/addin/taskpane.html")).text()).toContain(`src="${CDN}"`);
    expect(await (await routes.request("/addin/sign-in.html")).text()).toContain(`src="${CDN}"`);
    expect((await routes.request("/addin/office/office.js")).status).toBe(404);
  });

  it("serves @microsoft/office-js's dist tree, host scripts included", async () => {
    const routes = app({ demo: true, auth: null });
    const officeJs = await routes.request("/addin/office/office.js");
    expect(officeJs.status).toBe(200);
    expect(await officeJs.text()).toContain("Office");
    expect((await routes.request("/addin/office/outlook-web-16.01.js")).status).toBe(200);
    expect((await routes.request("/addin/office/../../package.json")).status).toBe(404);
  });

  it("caches the content-named assets for good", async () => {
    const response = await app({ demo: true, auth: null }).request("/addin/assets/taskpane-abc123.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await app({ demo: true, auth: null }).request("/addin/assets/missing.js")).status).toBe(404);
  });

  it("tells the taskpane how to sign in: the Microsoft app through NAA, or the demo sign-in", async () => {
    expect(await (await app({ demo: false, auth: AUTH }).request("/addin/config.json")).json()).toEqual({
      demo: false,
      ...AUTH,
    });
    expect(await (await app({ demo: true, auth: null }).request("/addin/config.json")).json()).toEqual({
      demo: true,
      clientId: null,
      authority: null,
      apiScope: null,
    });
  });
});
