import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import type { DirectoryUser } from "./directory";

/** Everything a sandbox run keeps across restarts, in one JSON file under the data directory. */
export interface SavedState {
  version: 1;
  directory: DirectoryUser[];
  /** The identity platform's private signing key: tokens and refresh tokens issued before a restart stay valid. */
  signingKey: Record<string, unknown>;
  identity: unknown;
  graph: unknown;
}

const directoryUserSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  userPrincipalName: z.string(),
  displayName: z.string(),
  mail: z.string().nullable(),
  timeZone: z.string(),
});

const savedStateSchema = z.object({
  version: z.literal(1),
  directory: z.array(directoryUserSchema),
  signingKey: z.record(z.string(), z.unknown()),
  identity: z.unknown(),
  graph: z.unknown(),
});

/** The saved state at `file`, or undefined when there is none yet. A corrupt file is an error, never silently dropped. */
export async function loadState(file: string): Promise<SavedState | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = savedStateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a saved sandbox state: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Writes through a temporary file and a rename, so a crash mid-write leaves the previous state intact. */
export async function saveState(file: string, serialized: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, serialized, { mode: 0o600 });
  await rename(temporary, file);
}
