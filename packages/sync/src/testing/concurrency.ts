import { createDatabase } from "@agenda/db/client";
import { withIntegrationLock } from "../runs/sync-run";

/**
 * Takes an integration's lock from a pool of its own, as another process syncing that mailbox would, and holds it
 * until the returned function is called; that function resolves once the lock is released.
 */
export async function holdIntegrationLockElsewhere(
  databaseUrl: string,
  integrationId: string,
): Promise<() => Promise<void>> {
  const elsewhere = createDatabase(databaseUrl, { max: 2 });
  let locked = () => {};
  let release = () => {};
  const held = new Promise<void>((resolve) => (locked = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const holding = withIntegrationLock(elsewhere.db, integrationId, () => {
    locked();
    return released;
  });
  await held;
  return async () => {
    release();
    await holding;
    await elsewhere.close();
  };
}

/** `promise`, or a failure once `ms` have passed: work stuck behind other work fails its test instead of hanging it. */
export async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
