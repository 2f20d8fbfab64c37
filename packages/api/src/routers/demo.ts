import { z } from "zod";
import { ApiError, publicProcedure, router } from "../trpc";

/** Demo sign-in: issues session tokens for the seeded demo users. Refused outside demo mode. */
export const demoRouter = router({
  signIn: publicProcedure.input(z.object({ email: z.email() })).mutation(async ({ ctx, input }) => {
    if (!ctx.demo) throw new ApiError("DEMO_DISABLED", ctx.locale);
    const session = await ctx.demo.signIn(input.email);
    if (!session) throw new ApiError("DEMO_USER_UNKNOWN", ctx.locale, { email: input.email });
    return {
      token: session.token,
      user: { email: session.user.email, name: session.user.name, role: session.user.role },
    };
  }),
});
