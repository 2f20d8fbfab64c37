import type { Directory, DirectoryUser } from "../directory";
import { MailboxStore, type ItemChange, type MailboxLimits, type MailboxSnapshot } from "./mailbox-store";

export interface GraphStoreSnapshot {
  version: 1;
  mailboxes: Record<string, MailboxSnapshot>;
}

/** Every mailbox's calendars and events, created on first use for each Directory user. */
export class GraphStore {
  readonly #mailboxes = new Map<string, MailboxStore>();
  readonly #listeners = new Set<(change: ItemChange) => void>();

  constructor(
    private readonly directory: Directory,
    private readonly limits: () => MailboxLimits,
  ) {}

  onChange(listener: (change: ItemChange) => void): void {
    this.#listeners.add(listener);
  }

  mailbox(user: DirectoryUser): MailboxStore {
    let mailbox = this.#mailboxes.get(user.id);
    if (!mailbox) {
      mailbox = new MailboxStore(user, this.limits, (change) => {
        for (const listener of this.#listeners) listener(change);
      });
      this.#mailboxes.set(user.id, mailbox);
    }
    return mailbox;
  }

  /** The mailbox of a Directory user, by id or user principal name. */
  find(idOrUpn: string): MailboxStore | undefined {
    const user = this.directory.find(idOrUpn) ?? this.directory.findByUserPrincipalName(idOrUpn);
    return user ? this.mailbox(user) : undefined;
  }

  /** Mailboxes of every Directory user, creating the empty ones. */
  all(): MailboxStore[] {
    return this.directory.list().map((user) => this.mailbox(user));
  }

  reset(): void {
    this.#mailboxes.clear();
  }

  snapshot(): GraphStoreSnapshot {
    const mailboxes: Record<string, MailboxSnapshot> = {};
    for (const [id, mailbox] of this.#mailboxes) mailboxes[id] = mailbox.snapshot();
    return { version: 1, mailboxes };
  }

  restore(snapshot: GraphStoreSnapshot): void {
    this.#mailboxes.clear();
    for (const [id, saved] of Object.entries(snapshot.mailboxes)) {
      const user = this.directory.find(id);
      if (user) this.mailbox(user).restore(saved);
    }
  }
}
