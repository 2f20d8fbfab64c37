import "i18next";
import type { Messages } from "./fr";

declare module "i18next" {
  interface CustomTypeOptions {
    resources: { translation: Messages };
  }
}
