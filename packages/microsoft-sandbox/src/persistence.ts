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

async function readIfSaved(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The saved state at `file`, or undefined when there is none yet. A corrupt file is an error, never silently dropped. */
export async function loadState(file: string): Promise<SavedState | undefined> {
  const text = await readIfSaved(file);
  if (text === undefined) return undefined;
  const parsed = savedStateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a saved sandbox state: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

const portSchema = z.coerce.number().int().min(1).max(65_535);

/** The port kept at `file`, or undefined before the first start; anything but a port is an error, as for the state. */
export async function loadKeptPort(file: string): Promise<number | undefined> {
  const text = await readIfSaved(file);
  if (text === undefined) return undefined;
  const parsed = portSchema.safeParse(text.trim());
  if (!parsed.success) throw new Error(`${file} does not hold a port number: ${JSON.stringify(text.slice(0, 40))}`);
  return parsed.data;
}

/** Writes through a temporary file and a rename, so a crash mid-write leaves the previous content intact. */
export async function saveAtomically(file: string, serialized: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, serialized, { mode: 0o600 });
  await rename(temporary, file);
}
