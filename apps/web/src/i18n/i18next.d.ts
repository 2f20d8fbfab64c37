import type { fr } from "./fr";

// Keys given to `t` are checked against the French resources.
declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof fr };
  }
}
