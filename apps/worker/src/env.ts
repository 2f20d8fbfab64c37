import {
  deploymentEnvironment,
  presentVariables,
  productionUrlIssues,
  withSecretFiles,
} from "@agenda/sync/deployment-env";
import { notificationEnvironment } from "@agenda/sync/notification-endpoints";
import { outlookEnvironment } from "@agenda/sync/outlook-config";
import { z } from "zod";

// A worker syncs mailboxes with the same Azure app and key as the server: these are required here.
const environment = z
  .object({
    ...deploymentEnvironment,
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
    ...outlookEnvironment,
    OUTLOOK_CLIENT_ID: outlookEnvironment.OUTLOOK_CLIENT_ID.unwrap(),
    OUTLOOK_CLIENT_SECRET: outlookEnvironment.OUTLOOK_CLIENT_SECRET.unwrap(),
    OUTLOOK_REDIRECT_URI: outlookEnvironment.OUTLOOK_REDIRECT_URI.unwrap(),
    TOKEN_ENCRYPTION_KEY: outlookEnvironment.TOKEN_ENCRYPTION_KEY.unwrap(),
    /**
     * BACKEND_URL (or OUTLOOK_NOTIFICATION_URL): the server's public URL, which the workers subscribe Outlook's change
     * notifications to. Without it, or when Microsoft cannot reach it, the workers poll Outlook instead.
     */
    ...notificationEnvironment,
    /** Where people open the platform's agenda: exported formations link back there. */
    PLATFORM_URL: z.url({ protocol: /^https?$/ }),
    /** How often idle workers look for jobs, in seconds. */
    SYNC_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
    /** Port of the worker's /healthz, /readyz and /metrics (0: a free port); unset, the worker serves no HTTP. */
    METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
    /** Interface METRICS_PORT listens on (0.0.0.0 in a container). */
    METRICS_HOST: z.string().min(1).default("127.0.0.1"),
    /** When set, /metrics also asks for this bearer token on the worker's port. */
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    /** On SIGTERM, how long running syncs may finish before they are handed back to the queue for another worker. */
    SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(30),
  })
  // Checked even when variables are missing, so the refusal names every problem at once.
  .superRefine(
    (env, ctx) => {
      if (env.NODE_ENV !== "production") return;
      for (const { variable, message } of productionUrlIssues(env))
        ctx.addIssue({ code: "custom", path: [variable], message });
    },
    { when: () => true },
  );

export type WorkerEnv = z.output<typeof environment>;

/** Parses the worker's environment once, at boot; the error names every variable that is missing or wrong. */
export function parseWorkerEnv(source: Record<string, string | undefined>): WorkerEnv {
  const result = environment.safeParse(presentVariables(withSecretFiles(source)));
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.path.join(".") || "environment"}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}\nSee .env.example for every variable.`);
  }
  return result.data;
}
