import { sql } from "drizzle-orm";
import { boolean, check, pgEnum, pgTable, timestamp } from "drizzle-orm/pg-core";

/** What a cancelled formation's Outlook copies become: kept and marked "Annulé : " / "Cancelled: ", or deleted. */
export const cancelledFormationsInOutlook = pgEnum("cancelled_formations_in_outlook", ["mark", "delete"]);

/**
 * Settings the platform's admins choose for everyone, in one row (its key is always true). No row yet: the defaults
 * of the columns.
 */
export const platformSettings = pgTable(
  "platform_settings",
  {
    singleton: boolean().primaryKey().default(true),
    cancelledFormationsInOutlook: cancelledFormationsInOutlook().notNull().default("mark"),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check("platform_settings_single_row", sql`${table.singleton}`)],
);
