import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";

/**
 * Where Outlook shows the add-in's task pane in a frame: Outlook on the web (work and personal accounts) and the new
 * Outlook for Windows, which is Outlook on the web in a shell. Classic Outlook for Windows and Outlook for Mac open
 * the pane in a web view of their own, not in a frame, so they need no entry here.
 */
export const OUTLOOK_FRAME_ANCESTORS = [
  "https://outlook.office.com",
  "https://outlook.office365.com",
  "https://*.outlook.com",
  "https://outlook.live.com",
];

/** Microsoft's sign-in origin: where the add-in's sign-in dialog talks to unless another authority is configured. */
const MICROSOFT_LOGIN_ORIGIN = "https://login.microsoftonline.com";

/**
 * Scripts only from this server. Styles also inline: FullCalendar and Fluent UI inject `<style>` elements and React
 * sets `style` attributes; a style cannot run code, a script can.
 */
const BASE_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

export interface SecurityOptions {
  /** Sends Strict-Transport-Security: the deployment is served over HTTPS (production). */
  hsts: boolean;
  /** Where the add-in pages load office.js from (OFFICE_JS_URL's origin), when not from this server. */
  officeJsOrigin?: string | undefined;
  /**
   * The origin of the authority the add-in signs in with (a national cloud, or the Microsoft sandbox in demo mode):
   * its sign-in dialog reads the authority's metadata and redeems its code there. Microsoft's when unset.
   */
  authorityOrigin?: string | undefined;
}

/**
 * Security headers on every answer. The web agenda and the API can be framed by nobody; the add-in pages
 * (`/addin/*`) by Outlook only. The demo sign-in page (demo mode only, never in production) keeps its inline script.
 */
export function securityHeaders(options: SecurityOptions): MiddlewareHandler {
  const common = {
    strictTransportSecurity: options.hsts ? "max-age=31536000; includeSubDomains" : false,
    referrerPolicy: "strict-origin-when-cross-origin",
    xContentTypeOptions: "nosniff",
  } as const;
  const agenda = secureHeaders({
    ...common,
    xFrameOptions: "DENY",
    contentSecurityPolicy: { ...BASE_POLICY, frameAncestors: ["'none'"] },
  });
  const addin = secureHeaders({
    ...common,
    // X-Frame-Options cannot name several origins: frame-ancestors says who may frame these pages.
    xFrameOptions: false,
    // Office's dialog API relates the pane and its dialog windows: a strict opener policy would cut them apart.
    crossOriginOpenerPolicy: false,
    contentSecurityPolicy: {
      ...BASE_POLICY,
      // office.js loads its host scripts from beside itself.
      scriptSrc: ["'self'", ...(options.officeJsOrigin ? [options.officeJsOrigin] : [])],
      connectSrc: ["'self'", options.authorityOrigin ?? MICROSOFT_LOGIN_ORIGIN],
      frameAncestors: ["'self'", ...OUTLOOK_FRAME_ANCESTORS],
    },
  });
  const demo = secureHeaders({
    ...common,
    xFrameOptions: "DENY",
    contentSecurityPolicy: { ...BASE_POLICY, scriptSrc: ["'self'", "'unsafe-inline'"], frameAncestors: ["'none'"] },
  });
  return (c, next) => {
    const { path } = c.req;
    if (path === "/addin" || path.startsWith("/addin/")) return addin(c, next);
    if (path === "/demo" || path.startsWith("/demo/")) return demo(c, next);
    return agenda(c, next);
  };
}

/**
 * CORS for /api and /trpc: browsers on the listed origins may call the API (preflight answered here, before
 * authentication). Callers authenticate with a bearer token, never a cookie, so no credentials are allowed.
 */
export function apiCors(allowedOrigins: readonly string[]): MiddlewareHandler {
  const anyOrigin = allowedOrigins.includes("*");
  return cors({
    origin: (origin) => (anyOrigin ? "*" : allowedOrigins.includes(origin) ? origin : null),
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    exposeHeaders: ["x-request-id", "retry-after"],
    maxAge: 600,
  });
}
