import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_AUDIT_RETENTION_DAYS } from "@agenda/domain/audit";
import {
  deploymentEnvironment,
  presentVariables,
  productionUrlIssues,
  SECRET_VARIABLES,
  withSecretFiles,
} from "@agenda/sync/deployment-env";
import { isLoopbackHost, notificationEnvironment } from "@agenda/sync/notification-endpoints";
import { outlookEnvironment } from "@agenda/sync/outlook-config";
import { z } from "zod";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));

const booleanFlag = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");
const optionalUrl = z.url({ protocol: /^https?$/ }).optional();

/** Demo mode unless DEMO_MODE says otherwise: on when no Azure app is configured, outside production. */
function demoModeOf(env: {
  DEMO_MODE?: boolean | undefined;
  OUTLOOK_CLIENT_ID?: string | undefined;
  NODE_ENV: string;
}): boolean {
  return env.DEMO_MODE ?? (!env.OUTLOOK_CLIENT_ID && env.NODE_ENV !== "production");
}

const environment = z
  .object({
    ...deploymentEnvironment,
    /**
     * Origins of other web apps allowed to call /api and /trpc from a browser (CORS), comma-separated. Unset: only
     * pages this server serves. `*` (any origin) is refused in production.
     */
    ALLOWED_ORIGINS: z
      .string()
      .default("")
      .transform((list) =>
        list
          .split(",")
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z.union([z.literal("*"), z.url({ protocol: /^https?$/ }).transform((origin) => new URL(origin).origin)]),
        ),
      ),
    /** Interface the server listens on; demo mode turns itself on only on a loopback one (127.0.0.0/8, ::1, localhost). */
    HOST: z.string().min(1).default("127.0.0.1"),
    /**
     * PEM certificate and key: the server then speaks HTTPS itself, e.g. on https://localhost:3000 with the
     * certificate `npx office-addin-dev-certs install` makes, the origin the committed add-in manifest names. Usually
     * given as files (TLS_CERT_FILE, TLS_KEY_FILE). Unset: plain HTTP, TLS ends at a proxy in front.
     */
    TLS_CERT: z.string().includes("-----BEGIN CERTIFICATE-----", { message: "must be a PEM certificate" }).optional(),
    TLS_KEY: z
      .string()
      .regex(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "must be a PEM private key")
      .optional(),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    DATA_DIR: z.string().min(1).default(resolve(repositoryRoot, ".data")),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    DEMO_MODE: booleanFlag.optional(),
    PLATFORM_JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    PLATFORM_JWKS_URL: optionalUrl,
    PLATFORM_JWT_ISSUER: z.string().min(1).optional(),
    PLATFORM_JWT_AUDIENCE: z.string().min(1).optional(),
    ...outlookEnvironment,
    ...notificationEnvironment,
    /** Where people open the platform's agenda: exported formations link back there. Default: this server. */
    PLATFORM_URL: optionalUrl,
    /** Whether this process takes sync jobs; false when separate workers (apps/worker) do. */
    SYNC_WORKER: booleanFlag.default(true),
    /**
     * Port of the Microsoft sandbox in demo mode (0: a free one). Unset: the port of its previous start, kept under
     * DATA_DIR/sandbox (a free one the first time): Outlook accounts connected to the sandbox are bound to its address
     * and must be connected again when it changes.
     */
    SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
    /** Where the sandbox's local CA lives; NODE_EXTRA_CA_CERTS must name its ca.pem. */
    SANDBOX_TLS_DIR: z.string().min(1).optional(),
    /**
     * The Application ID URI the Azure app exposes its `access_as_user` scope under, for the Outlook add-in's tokens;
     * default `api://<OUTLOOK_CLIENT_ID>`.
     */
    OUTLOOK_API_AUDIENCE: z
      .string()
      .regex(/^(api|https):\/\/\S+$/, "must be an Application ID URI such as api://<client id>")
      .optional(),
    /**
     * Where the Outlook add-in loads office.js: Microsoft's CDN (https://appsforoffice.microsoft.com/lib/1/hosted/office.js).
     * Unset (demo mode, offline deployments): the server serves `@microsoft/office-js` itself under /addin/office/.
     */
    OFFICE_JS_URL: z.url({ protocol: /^https$/ }).optional(),
    /** Bearer token Prometheus sends to /metrics; unset, /metrics refuses every scrape. */
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    /** API calls one signed-in person may make per minute, every server process together (a batch counts each call). */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /** API calls one service token may make per minute, every server process together. */
    RATE_LIMIT_SERVICE_PER_MINUTE: z.coerce.number().int().min(1).default(3000),
    /** Requests without valid credentials one client address may make per minute. */
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: z.coerce.number().int().min(1).default(300),
    /** Webhook posts carrying nothing Microsoft sent one client address may make per minute (genuine ones never count). */
    RATE_LIMIT_WEBHOOK_REJECTED_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    /**
     * Polls of one private calendar feed per minute, whoever polls it. Calendar apps poll every hour or so: a few
     * subscribed devices and a person opening the address stay far under the default, a runaway client does not.
     */
    RATE_LIMIT_FEED_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    /**
     * Whether a proxy in front of the server appends the client's address to X-Forwarded-For: the address budgets are
     * then per client, not per proxy. Only set it when every request comes through such a proxy.
     */
    TRUST_PROXY: booleanFlag.default(false),
    /** Days audit entries are kept; a daily job deletes older ones. */
    AUDIT_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(DEFAULT_AUDIT_RETENTION_DAYS),
    /** The longest a platform session token may live (`exp` after `iat`), in hours; longer or endless ones are refused. */
    PLATFORM_JWT_MAX_LIFETIME_HOURS: z.coerce
      .number()
      .min(0.1)
      .max(24 * 30)
      .default(24),
  })
  .superRefine((env, ctx) => {
    const demo = demoModeOf(env);
    // Demo sign-in makes anyone who reaches the server an admin: off this machine, only someone who asked for it runs that.
    if (demo && env.DEMO_MODE === undefined && !isLoopbackHost(env.HOST)) {
      ctx.addIssue({
        code: "custom",
        path: ["HOST"],
        message:
          `${env.HOST} is not a loopback address, and demo mode (on by default without an Azure app) lets anyone who can reach it sign in as any demo user, the admin included: ` +
          "set DEMO_MODE=true to run demo mode there on purpose, configure the Azure app (OUTLOOK_CLIENT_ID…), or listen on 127.0.0.1",
      });
    }
    if (!demo && !env.PLATFORM_JWT_SECRET && !env.PLATFORM_JWKS_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["PLATFORM_JWT_SECRET"],
        message:
          "outside demo mode, set PLATFORM_JWT_SECRET or PLATFORM_JWKS_URL so platform session tokens can be verified",
      });
    }
    if (Boolean(env.TLS_CERT) !== Boolean(env.TLS_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: [env.TLS_CERT ? "TLS_KEY" : "TLS_CERT"],
        message: "set TLS_CERT and TLS_KEY together (or their _FILE twins)",
      });
    }
    if (env.PLATFORM_JWT_SECRET && env.PLATFORM_JWKS_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["PLATFORM_JWKS_URL"],
        message: "set PLATFORM_JWT_SECRET or PLATFORM_JWKS_URL, not both",
      });
    }
    if (env.OUTLOOK_CLIENT_ID || env.NODE_ENV === "production") {
      for (const name of ["OUTLOOK_CLIENT_SECRET", "OUTLOOK_REDIRECT_URI"] as const) {
        const message = env.OUTLOOK_CLIENT_ID
          ? "required once OUTLOOK_CLIENT_ID is set"
          : "required in production (the Azure app)";
        if (!env[name]) ctx.addIssue({ code: "custom", path: [name], message });
      }
    }
    if (!demo && !env.TOKEN_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["TOKEN_ENCRYPTION_KEY"],
        message: "required outside demo mode: Microsoft tokens are stored encrypted with it",
      });
    }
    if (!demo && !env.OUTLOOK_CLIENT_ID) {
      ctx.addIssue({
        code: "custom",
        path: ["OUTLOOK_CLIENT_ID"],
        message: "required outside demo mode (demo mode uses the Microsoft sandbox)",
      });
    }
    if (demo && env.NODE_ENV === "production") {
      ctx.addIssue({ code: "custom", path: ["DEMO_MODE"], message: "demo mode cannot run with NODE_ENV=production" });
    }
    if (env.NODE_ENV === "production") {
      if (!env.DATABASE_URL)
        ctx.addIssue({
          code: "custom",
          path: ["DATABASE_URL"],
          message: "required in production: the embedded PostgreSQL is for development and demos",
        });
      for (const { variable, message } of productionUrlIssues(env))
        ctx.addIssue({ code: "custom", path: [variable], message });
      if (env.ALLOWED_ORIGINS.includes("*"))
        ctx.addIssue({
          code: "custom",
          path: ["ALLOWED_ORIGINS"],
          message: "cannot be * in production: list the origins",
        });
    }
  })
  .transform((env) => ({
    ...env,
    demoMode: demoModeOf(env),
    repositoryRoot,
  }));

export type Env = z.output<typeof environment>;

export class InvalidEnvironmentError extends Error {
  constructor(issues: z.core.$ZodIssue[]) {
    super(
      `Invalid configuration:\n${issues.map((issue) => `  - ${issue.path.join(".") || "environment"}: ${issue.message}`).join("\n")}\nSee .env.example for every variable.`,
    );
    this.name = "InvalidEnvironmentError";
  }
}

/** Parses the environment once, at boot; the error names every variable that is missing or wrong. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = environment.safeParse(
    presentVariables(withSecretFiles(source, [...SECRET_VARIABLES, "TLS_CERT", "TLS_KEY"])),
  );
  if (!result.success) throw new InvalidEnvironmentError(result.error.issues);
  return result.data;
}
