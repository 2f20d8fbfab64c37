import { randomUUID } from "node:crypto";
import { GraphError } from "../errors";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Graph only calls HTTPS endpoints; the sandbox also accepts plain http on loopback when allowed (tests, local demo). */
export function checkNotificationUrl(url: string, member: string, allowHttpLoopback: boolean): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GraphError(400, "InvalidRequest", `The ${member} '${url}' is not a valid URL.`);
  }
  const loopbackHttp = parsed.protocol === "http:" && allowHttpLoopback && LOOPBACK.has(parsed.hostname);
  if (parsed.protocol !== "https:" && !loopbackHttp)
    throw new GraphError(400, "InvalidRequest", `The ${member} must be an HTTPS URL.`);
}

/**
 * The validation handshake: POST {url}?validationToken=… (text/plain); the endpoint must answer 200,
 * text/plain, with the URL-decoded token as the body, within the timeout. Otherwise no subscription.
 */
export async function validateEndpoint(url: string, timeoutMs: number): Promise<void> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  const target = new URL(url);
  target.searchParams.append("validationToken", token);
  let response: Response;
  try {
    response = await fetch(target, {
      method: "POST",
      headers: { "Content-Type": "text/plain; charset=utf-8" },
      body: "",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    throw new GraphError(
      400,
      "InvalidRequest",
      timedOut
        ? "Subscription validation request timed out."
        : "Subscription validation request failed. Notification endpoint is not reachable.",
    );
  }
  const body = await response.text();
  if (response.status !== 200)
    throw new GraphError(
      400,
      "InvalidRequest",
      `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request (got ${response.status}).`,
    );
  if (!(response.headers.get("content-type") ?? "").toLowerCase().startsWith("text/plain")) {
    throw new GraphError(
      400,
      "InvalidRequest",
      "Subscription validation request failed. Response must have Content-Type text/plain.",
    );
  }
  if (body !== token)
    throw new GraphError(
      400,
      "InvalidRequest",
      "Subscription validation request failed. Response must exactly match validationToken query parameter.",
    );
}
