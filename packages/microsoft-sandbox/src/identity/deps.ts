import type { Directory } from "../directory";
import type { SigningKeys } from "../signing";
import type { ClientRegistry } from "./clients";
import type { GrantStore } from "./grants";

/** What the identity platform's endpoints share. */
export interface IdentityDeps {
  directory: Directory;
  signing: SigningKeys;
  clients: ClientRegistry;
  grants: GrantStore;
  /** The sandbox's origin, e.g. `https://127.0.0.1:53211`, with no trailing slash. */
  origin(): string;
}
