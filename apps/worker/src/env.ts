import { notificationEnvironment } from "@agenda/sync/notifications/notification-endpoints";
import { outlookEnvironment } from "@agenda/sync/outlook-config";
import { z } from "zod";

// A worker syncs mailboxes with the same Azure app and key as the server: these are required here.
const environment = z.object({
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
});

export type WorkerEnv = z.output<typeof environment>;

/** Parses the worker's environment once, at boot; the error names every variable that is missing or wrong. */
export function parseWorkerEnv(source: Record<string, string | undefined>): WorkerEnv {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const result = environment.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.path.join(".") || "environment"}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}\nSee .env.example for every variable.`);
  }
  return result.data;
}
