import { parseArgs } from "node:util";
import { z } from "zod";
import { DEMO_USERS } from "./demo-users";
import { DEMO_CLIENT } from "./identity";
import { DEFAULT_DATA_DIR, startSandbox } from "./sandbox";
import { DEFAULT_TLS_DIR } from "./tls";

const USAGE = `Usage: npm run sandbox -- [options]

Starts the Microsoft sandbox (identity platform + Graph calendar API) on https://127.0.0.1.
Every option can also be set through the environment variable in brackets.

  --port <n>                     TCP port, 0 for a free one (SANDBOX_PORT, default 8443)
  --data-dir <dir>               where the state is saved (SANDBOX_DATA_DIR, default ${DEFAULT_DATA_DIR})
  --tls-dir <dir>                where the CA and certificate live (SANDBOX_TLS_DIR, default ${DEFAULT_TLS_DIR})
  --no-persist                   keep state in memory only (SANDBOX_PERSIST=false)
  --no-auto-consent              make prompt=none need a prior consent (SANDBOX_AUTO_CONSENT=false)
  --no-seed                      do not add the demo mailboxes (SANDBOX_SEED=false)
  --access-token-lifetime <s>    access-token lifetime in seconds (SANDBOX_ACCESS_TOKEN_LIFETIME, default 3599)
  --redirect-uri <uri>           a redirect URI for the demo app, repeatable (SANDBOX_REDIRECT_URIS, comma-separated)
  --help                         this text`;

const booleanText = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");

const settingsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535),
  dataDir: z.string().min(1),
  tlsDir: z.string().min(1),
  persist: z.boolean(),
  autoConsent: z.boolean(),
  seed: z.boolean(),
  accessTokenLifetimeSeconds: z.coerce.number().int().min(1).max(86_400).optional(),
  redirectUris: z.array(z.url()),
});

function readSettings(argv: string[], env: NodeJS.ProcessEnv) {
  const { values } = parseArgs({
    args: argv,
    allowNegative: true,
    options: {
      port: { type: "string" },
      "data-dir": { type: "string" },
      "tls-dir": { type: "string" },
      persist: { type: "boolean" },
      "auto-consent": { type: "boolean" },
      seed: { type: "boolean" },
      "access-token-lifetime": { type: "string" },
      "redirect-uri": { type: "string", multiple: true },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const flag = (value: boolean | undefined, variable: string | undefined) =>
    value ?? (variable === undefined ? true : booleanText.parse(variable));
  return settingsSchema.parse({
    port: values.port ?? env.SANDBOX_PORT ?? 8443,
    dataDir: values["data-dir"] ?? env.SANDBOX_DATA_DIR ?? DEFAULT_DATA_DIR,
    tlsDir: values["tls-dir"] ?? env.SANDBOX_TLS_DIR ?? DEFAULT_TLS_DIR,
    persist: flag(values.persist, env.SANDBOX_PERSIST),
    autoConsent: flag(values["auto-consent"], env.SANDBOX_AUTO_CONSENT),
    seed: flag(values.seed, env.SANDBOX_SEED),
    accessTokenLifetimeSeconds: values["access-token-lifetime"] ?? env.SANDBOX_ACCESS_TOKEN_LIFETIME,
    redirectUris: values["redirect-uri"] ?? env.SANDBOX_REDIRECT_URIS?.split(",").filter(Boolean) ?? [],
  });
}

async function main(): Promise<void> {
  let settings: ReturnType<typeof readSettings>;
  try {
    settings = readSettings(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(error instanceof z.ZodError ? z.prettifyError(error) : String(error));
    console.error(`\n${USAGE}`);
    process.exit(2);
  }
  const demoClient = { ...DEMO_CLIENT, redirectUris: [...DEMO_CLIENT.redirectUris, ...settings.redirectUris] };
  const sandbox = await startSandbox({
    port: settings.port,
    dataDir: settings.dataDir,
    tlsDir: settings.tlsDir,
    persist: settings.persist,
    users: settings.seed ? [...DEMO_USERS] : [],
    identity: {
      clients: [demoClient],
      autoConsent: settings.autoConsent,
      ...(settings.accessTokenLifetimeSeconds
        ? { accessTokenLifetimeSeconds: settings.accessTokenLifetimeSeconds }
        : {}),
    },
  });

  const mailboxes = sandbox.directory.list().map((user) => user.userPrincipalName);
  console.log(`Microsoft sandbox listening on ${sandbox.url}

  Authority (MSAL)   ${sandbox.authority("common")}   with knownAuthorities: ["${sandbox.knownAuthority}"]
  Graph base URL     ${sandbox.graphBaseUrl}   with customHosts: ["127.0.0.1"]
  Admin page         ${sandbox.url}/admin
  Identity admin API ${sandbox.url}/admin/api/identity
  Demo app           client id ${demoClient.clientId} (its secret is in the package README)
                     redirect URIs ${demoClient.redirectUris.join(", ")}
  Mailboxes          ${mailboxes.length > 0 ? mailboxes.join(", ") : "none yet (add some through the admin API)"}
  Auto-consent       ${settings.autoConsent ? "on: prompt=none + login_hint signs in at once" : "off"}
  State              ${settings.persist ? `saved under ${settings.dataDir}` : "in memory only"}
  CA certificate     ${sandbox.caCertPath}

Trust the CA in the processes that call the sandbox:
  export NODE_EXTRA_CA_CERTS="${sandbox.caCertPath}"
`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`\n${signal}: stopping the Microsoft sandbox${settings.persist ? " and saving its state" : ""}...`);
    sandbox.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("The sandbox did not stop cleanly:", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error("The Microsoft sandbox could not start:", error);
  process.exit(1);
});
