import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type MiddlewareHandler } from "hono";
import { compress } from "hono/compress";

/** Where `npm run build -w @agenda/outlook-addin` puts the taskpane. */
export const ADDIN_DIST_DIR = fileURLToPath(new URL("../../../outlook-addin/dist", import.meta.url));

/** The `@microsoft/office-js` dist tree: office.js loads its host scripts and strings from beside itself. */
export const OFFICE_JS_DIST_DIR = join(
  dirname(
    createRequire(fileURLToPath(new URL("../../../outlook-addin/package.json", import.meta.url))).resolve(
      "@microsoft/office-js/package.json",
    ),
  ),
  "dist",
);

/** Where taskpane.html loads office.js from when the server serves it itself. */
const LOCAL_OFFICE_JS = "/addin/office/office.js";

export interface AddinOptions {
  /** Demo mode: the taskpane signs in with the demo sign-in instead of Microsoft. */
  demo: boolean;
  /** The Entra app the taskpane signs in with through NAA; null when none is configured. */
  auth: { clientId: string; authority: string; apiScope: string } | null;
  /** Microsoft's CDN office.js (OFFICE_JS_URL); unset, the server serves `@microsoft/office-js` itself. */
  officeJsUrl?: string | undefined;
  distDir?: string;
  officeJsDir?: string;
}

/** The add-in's pages: the taskpane, and the sign-in dialog Office opens where it offers no nested app authentication. */
const ADDIN_PAGES = ["taskpane.html", "sign-in.html"] as const;

/**
 * The Outlook add-in under /addin/: its configuration, office.js, and the built pages. The pages are never cached
 * (Outlook's web views hold on to them otherwise) and name their assets after their content, which are cached for good.
 */
export function addinRoutes(options: AddinOptions) {
  const distDir = options.distDir ?? ADDIN_DIST_DIR;
  const assets = serveStatic({ root: distDir, rewriteRequestPath: (path) => path.replace(/^\/addin/, "") });
  // The package's files change only with its version, which changes the dist tree as a whole: a day of caching.
  const officeJs = serveStatic({
    root: options.officeJsDir ?? OFFICE_JS_DIST_DIR,
    rewriteRequestPath: (path) => path.replace(/^\/addin\/office/, ""),
  });
  const pages = new Map<string, Promise<string>>();
  const builtPage = (name: string): Promise<string> | undefined => {
    const file = join(distDir, name);
    if (!pages.has(name) && existsSync(file)) {
      pages.set(
        name,
        readFile(file, "utf8").then((html) =>
          options.officeJsUrl ? html.replace(`src="${LOCAL_OFFICE_JS}"`, `src="${options.officeJsUrl}"`) : html,
        ),
      );
    }
    return pages.get(name);
  };
  const cached =
    (policy: string): MiddlewareHandler =>
    async (c, next) => {
      await next();
      if (c.res.ok) c.header("cache-control", policy);
    };

  const routes = new Hono()
    .get("/config.json", (c) => {
      c.header("cache-control", "no-cache");
      const { auth } = options;
      return c.json({
        demo: options.demo,
        clientId: auth?.clientId ?? null,
        authority: auth?.authority ?? null,
        apiScope: auth?.apiScope ?? null,
      });
    })
    .get("/assets/*", cached("public, max-age=31536000, immutable"), compress(), assets);
  for (const name of ADDIN_PAGES) {
    routes.get(`/${name}`, async (c) => {
      const html = await builtPage(name);
      if (!html) return c.notFound();
      c.header("cache-control", "no-cache");
      return c.html(html);
    });
  }
  if (!options.officeJsUrl) routes.get("/office/*", cached("public, max-age=86400"), compress(), officeJs);
  return routes;
}
