import { z } from "zod";
import { httpsUrlOrNull } from "./links";

/** A link an input may carry: only what `httpsUrlOrNull` keeps (kept apart from it so browsers need not bundle zod). */
export const httpsUrl = z
  .string()
  .max(2048)
  .refine((value) => httpsUrlOrNull(value) !== null, { message: "httpsOnly" });
