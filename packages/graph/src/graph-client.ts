import { Client, GraphError } from "@microsoft/microsoft-graph-client";

export interface GraphClientOptions {
  /** Graph's origin: `https://graph.microsoft.com`, or the sandbox's `https://127.0.0.1:{port}`. */
  origin: string;
  /** A valid access token for the mailbox; called before every request. */
  accessToken: () => Promise<string>;
}

/**
 * The Graph SDK client on a given origin. The SDK attaches the bearer token only over HTTPS to Graph's own host or
 * to `customHosts`, so a non-Microsoft origin (the sandbox) is listed there.
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const origin = new URL(options.origin);
  return Client.init({
    baseUrl: `${origin.origin}/`,
    defaultVersion: "v1.0",
    customHosts: origin.hostname === "graph.microsoft.com" ? undefined : new Set([origin.hostname]),
    authProvider: (done) => {
      options.accessToken().then(
        (token) => done(null, token),
        (error: unknown) => done(error, null),
      );
    },
  });
}

/** Graph's status of a failed call, when it was Graph that answered. */
export function graphStatusOf(error: unknown): number | undefined {
  return error instanceof GraphError ? error.statusCode : undefined;
}

/** Graph's answer to a DELETE of something already gone: 404, 410, or 403 for cancelled meetings (seen in Odoo). */
export function isAlreadyGone(error: unknown): boolean {
  const status = graphStatusOf(error);
  return status === 404 || status === 410 || status === 403;
}
