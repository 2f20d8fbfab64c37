import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type MiddlewareHandler } from "hono";
import { compress } from "hono/compress";

/** Where `npm run build -w @agenda/web` puts the web app. */
export const WEB_DIST_DIR = fileURLToPath(new URL("../../../web/dist", import.meta.url));

/** Paths the server answers itself: never the web app, so an unknown API route still gets its JSON 404. */
const SERVER_PATHS = /^\/(api|trpc|demo|healthz|feeds)(\/|$)/;

/** Vite names built assets after their content: they never change under the same name. */
const IMMUTABLE_ASSETS = /^\/assets\//;

/**
 * The web app (`apps/web`), built: its files, and index.html for every other page a browser asks for (the app
 * routes in the browser). Nothing is served while the app is not built, and API clients, which do not ask for
 * HTML, keep getting JSON 404s for unknown paths.
 */
export function webRoutes(distDir = WEB_DIST_DIR) {
  const indexFile = join(distDir, "index.html");
  let handlers: { assets: MiddlewareHandler; index: MiddlewareHandler } | undefined;
  // Created on first use: the app may be built after the server started, and serveStatic checks its root once.
  const built = () => {
    if (!handlers && existsSync(indexFile)) {
      handlers = { assets: serveStatic({ root: distDir }), index: serveStatic({ path: indexFile }) };
    }
    return handlers;
  };

  return new Hono().get("*", compress(), async (c, next) => {
    const web = built();
    if (!web || SERVER_PATHS.test(c.req.path)) return next();
    const file = await web.assets(c, async () => {});
    if (file) {
      file.headers.set(
        "cache-control",
        IMMUTABLE_ASSETS.test(c.req.path) ? "public, max-age=31536000, immutable" : "no-cache",
      );
      return file;
    }
    const wantsPage = !c.req.path.startsWith("/assets/") && (c.req.header("accept") ?? "").includes("text/html");
    if (!wantsPage) return next();
    const page = await web.index(c, next);
    page?.headers.set("cache-control", "no-cache");
    return page;
  });
}
