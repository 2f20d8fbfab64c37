import { randomUUID } from "node:crypto";

/** OAuth error values of the v2.0 endpoints (v2-oauth2-auth-code-flow.md, "Error codes"). */
export type OAuthError =
  | "invalid_request"
  | "invalid_grant"
  | "invalid_client"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "unsupported_response_type"
  | "invalid_scope"
  | "invalid_resource"
  | "invalid_tenant"
  | "access_denied"
  | "interaction_required"
  | "login_required"
  | "consent_required";

/** An identity-platform failure as Microsoft reports it: an OAuth error plus an AADSTS code and its message. */
export class AadstsError extends Error {
  constructor(
    readonly error: OAuthError,
    readonly aadsts: number,
    readonly description: string,
    /** Microsoft adds `suberror` when a token is dead for good, e.g. `bad_token` on AADSTS700082. */
    readonly suberror?: string,
  ) {
    super(`AADSTS${aadsts}: ${description}`);
  }

  /** HTTP status of the token endpoint for this error: 401 for client authentication failures, else 400. */
  get status(): 400 | 401 {
    return this.error === "invalid_client" ? 401 : 400;
  }
}

/** Microsoft's "2021-10-18 15:18:52Z" timestamp format of error bodies. */
export function aadTimestamp(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;
}

/** Microsoft's seven-digit "2021-07-19T14:01:41.1468970Z" instant, as quoted in AADSTS messages. */
export function aadInstant(epochMs: number): string {
  return new Date(epochMs).toISOString().replace("Z", "0000Z");
}

/** A .NET TimeSpan rendering ("90.00:00:00"), as in AADSTS700082's "was inactive for". */
export function aadTimeSpan(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const rest = seconds % 86_400;
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${days}.${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
}

export interface AadstsErrorBody {
  error: OAuthError;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
}

/**
 * The JSON body of a token-endpoint error. The correlation id echoes the client's `client-request-id`
 * (MSAL sends one) the way Microsoft does, so a product can tie its logs to the sandbox's.
 */
export function errorBody(failure: AadstsError, correlationId: string | undefined): AadstsErrorBody {
  const now = aadTimestamp();
  const traceId = randomUUID();
  const correlation = correlationId ?? randomUUID();
  return {
    error: failure.error,
    error_description: `${failure.message} Trace ID: ${traceId} Correlation ID: ${correlation} Timestamp: ${now}`,
    error_codes: [failure.aadsts],
    timestamp: now,
    trace_id: traceId,
    correlation_id: correlation,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.aadsts}`,
    ...(failure.suberror ? { suberror: failure.suberror } : {}),
  };
}

export const missingParameter = (name: string) =>
  new AadstsError("invalid_request", 900144, `The request body must contain the following parameter: '${name}'.`);
