import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { notificationEnvironment } from "@agenda/sync/notifications/notification-endpoints";
import { outlookEnvironment } from "@agenda/sync/outlook-config";
import { z } from "zod";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));

const booleanFlag = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");
const optionalUrl = z.url({ protocol: /^https?$/ }).optional();


const environment = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    HOST: z.string().min(1).default("127.0.0.1"),
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
    /** Port of the Microsoft sandbox in demo mode (0: a free port). */
    SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(0),
    /** Where the sandbox's local CA lives; NODE_EXTRA_CA_CERTS must name its ca.pem. */
    SANDBOX_TLS_DIR: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    const demo = env.DEMO_MODE ?? (!env.OUTLOOK_CLIENT_ID && env.NODE_ENV !== "production");
    if (!demo && !env.PLATFORM_JWT_SECRET && !env.PLATFORM_JWKS_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["PLATFORM_JWT_SECRET"],
        message: "outside demo mode, set PLATFORM_JWT_SECRET or PLATFORM_JWKS_URL so platform session tokens can be verified",
      });
    }
    if (env.PLATFORM_JWT_SECRET && env.PLATFORM_JWKS_URL) {
      ctx.addIssue({ code: "custom", path: ["PLATFORM_JWKS_URL"], message: "set PLATFORM_JWT_SECRET or PLATFORM_JWKS_URL, not both" });
    }
    if (env.OUTLOOK_CLIENT_ID) {
      for (const name of ["OUTLOOK_CLIENT_SECRET", "OUTLOOK_REDIRECT_URI"] as const) {
        if (!env[name]) ctx.addIssue({ code: "custom", path: [name], message: "required once OUTLOOK_CLIENT_ID is set" });
      }
    }
    if (!demo && !env.TOKEN_ENCRYPTION_KEY) {
      ctx.addIssue({ code: "custom", path: ["TOKEN_ENCRYPTION_KEY"], message: "required outside demo mode: Microsoft tokens are stored encrypted with it" });
    }
    if (!demo && !env.OUTLOOK_CLIENT_ID) {
      ctx.addIssue({ code: "custom", path: ["OUTLOOK_CLIENT_ID"], message: "required outside demo mode (demo mode uses the Microsoft sandbox)" });
    }
    if (demo && env.NODE_ENV === "production") {
      ctx.addIssue({ code: "custom", path: ["DEMO_MODE"], message: "demo mode cannot run with NODE_ENV=production" });
    }
  })
  .transform((env) => ({
    ...env,
    demoMode: env.DEMO_MODE ?? (!env.OUTLOOK_CLIENT_ID && env.NODE_ENV !== "production"),
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
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const result = environment.safeParse(present);
  if (!result.success) throw new InvalidEnvironmentError(result.error.issues);
  return result.data;
}
