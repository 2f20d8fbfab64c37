import { existsSync } from "node:fs";
import { mkdir, open, readFile, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { isProcessAlive } from "@agenda/db/embedded";

export class AlreadyRunningError extends Error {
  constructor(
    readonly pid: number,
    lockFile: string,
  ) {
    super(
      `Agenda is already running (pid ${pid}) on this data directory (${lockFile}). Stop it first (Ctrl-C in its terminal, or kill ${pid}).`,
    );
    this.name = "AlreadyRunningError";
  }
}

/**
 * Makes this process the only Agenda running on a data directory. A lock left by a process that died is taken
 * over. Returns the function that releases it.
 */
export async function acquireProcessLock(lockFile: string): Promise<() => Promise<void>> {
  await mkdir(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        if (existsSync(lockFile) && (await readFile(lockFile, "utf8")) === String(process.pid)) await unlink(lockFile);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(await readFile(lockFile, "utf8").catch(() => ""), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isProcessAlive(owner))
        throw new AlreadyRunningError(owner, lockFile);
      await unlink(lockFile).catch(() => undefined);
    }
  }
  throw new Error(`could not take the lock ${lockFile}`);
}
