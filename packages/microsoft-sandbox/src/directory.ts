import { randomUUID } from "node:crypto";

/** A Microsoft account the sandbox knows: a mailbox user of one tenant. `id` is the `oid` claim and the Graph user id. */
export interface DirectoryUser {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  /** Graph's `mail` may be null for some accounts; products must fall back to userPrincipalName. */
  mail: string | null;
  /** IANA time zone, reported through /me/mailboxSettings as a Windows name by the Graph side. */
  timeZone: string;
}

export interface NewDirectoryUser {
  userPrincipalName: string;
  displayName?: string;
  mail?: string | null;
  tenantId?: string;
  timeZone?: string;
  id?: string;
}

/** The tenant every sandbox user belongs to unless told otherwise (a fixed GUID so ids survive restarts). */
export const DEFAULT_TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/** The users (mailboxes) of the sandbox, shared by the identity platform and the Graph API. */
export class Directory {
  readonly #byId = new Map<string, DirectoryUser>();

  add(input: NewDirectoryUser): DirectoryUser {
    const existing = this.findByUserPrincipalName(input.userPrincipalName);
    if (existing) return existing;
    const user: DirectoryUser = {
      id: input.id ?? randomUUID(),
      tenantId: input.tenantId ?? DEFAULT_TENANT_ID,
      userPrincipalName: input.userPrincipalName,
      displayName: input.displayName ?? input.userPrincipalName.split("@")[0] ?? input.userPrincipalName,
      mail: input.mail === undefined ? input.userPrincipalName : input.mail,
      timeZone: input.timeZone ?? "Europe/Paris",
    };
    this.#byId.set(user.id, user);
    return user;
  }

  find(id: string): DirectoryUser | undefined {
    return this.#byId.get(id);
  }

  findByUserPrincipalName(upn: string): DirectoryUser | undefined {
    const wanted = upn.toLowerCase();
    for (const user of this.#byId.values()) {
      if (user.userPrincipalName.toLowerCase() === wanted) return user;
    }
    return undefined;
  }

  list(): DirectoryUser[] {
    return [...this.#byId.values()];
  }

  remove(id: string): boolean {
    return this.#byId.delete(id);
  }

  clear(): void {
    this.#byId.clear();
  }

  toJSON(): DirectoryUser[] {
    return this.list();
  }

  static fromJSON(users: DirectoryUser[]): Directory {
    const directory = new Directory();
    for (const user of users) directory.#byId.set(user.id, user);
    return directory;
  }
}
