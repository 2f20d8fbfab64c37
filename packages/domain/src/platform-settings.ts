import type { DatabaseOrTransaction } from "@agenda/db/client";
import { platformSettings } from "@agenda/db/schema";
import { z } from "zod";
import { actorOf, recordAudit } from "./audit";
import type { Viewer } from "./viewer";

/** What becomes of a cancelled formation's Outlook copies: kept and marked cancelled (the default), or deleted. */
export const CANCELLED_FORMATIONS_IN_OUTLOOK = ["mark", "delete"] as const;
export type CancelledFormationsInOutlook = (typeof CANCELLED_FORMATIONS_IN_OUTLOOK)[number];

export interface PlatformSettings {
  cancelledFormationsInOutlook: CancelledFormationsInOutlook;
}

const DEFAULT_PLATFORM_SETTINGS: PlatformSettings = { cancelledFormationsInOutlook: "mark" };

export const changePlatformSettingsInput = z
  .object({ cancelledFormationsInOutlook: z.enum(CANCELLED_FORMATIONS_IN_OUTLOOK) })
  .strict();
export type ChangePlatformSettingsInput = z.output<typeof changePlatformSettingsInput>;

/** The settings admins chose for everyone, or the defaults while none was chosen. */
export async function readPlatformSettings(db: DatabaseOrTransaction): Promise<PlatformSettings> {
  const [row] = await db
    .select({ cancelledFormationsInOutlook: platformSettings.cancelledFormationsInOutlook })
    .from(platformSettings);
  return row ?? DEFAULT_PLATFORM_SETTINGS;
}

/**
 * An admin changes the platform's settings; the change is audited. Returns the settings before and after, so the
 * caller re-exports what a change alters (`before` equal to `after`: nothing changed, nothing recorded).
 */
export async function changePlatformSettings(
  tx: DatabaseOrTransaction,
  actor: Viewer,
  input: ChangePlatformSettingsInput,
): Promise<{ before: PlatformSettings; after: PlatformSettings }> {
  const before = await readPlatformSettings(tx);
  const after: PlatformSettings = { cancelledFormationsInOutlook: input.cancelledFormationsInOutlook };
  if (before.cancelledFormationsInOutlook === after.cancelledFormationsInOutlook) return { before, after };
  await tx
    .insert(platformSettings)
    .values({ singleton: true, ...after })
    .onConflictDoUpdate({ target: platformSettings.singleton, set: { ...after, updatedAt: new Date() } });
  await recordAudit(tx, {
    ...actorOf(actor),
    action: "admin.platform_settings_changed",
    outcome: "success",
    detail: { before, after },
  });
  return { before, after };
}
