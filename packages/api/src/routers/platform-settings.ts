import {
  changePlatformSettings,
  changePlatformSettingsInput,
  readPlatformSettings,
} from "@agenda/domain/platform-settings";
import { adminProcedure, router } from "../trpc";

/** The settings administrators choose for the whole platform. */
export const platformSettingsRouter = router({
  get: adminProcedure.query(({ ctx }) => readPlatformSettings(ctx.db)),
  /** The change, its audit entry and the exports it calls for are written in one transaction. */
  update: adminProcedure.input(changePlatformSettingsInput).mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const { before, after } = await changePlatformSettings(tx, ctx.viewer, input);
      if (before.cancelledFormationsInOutlook !== after.cancelledFormationsInOutlook)
        await ctx.sync?.engine.cancelledFormationsSettingChanged(tx);
      return after;
    }),
  ),
});
