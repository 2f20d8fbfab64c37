/** Every failure the domain reports to callers; the API layer turns each into a typed, translated error. */
export type DomainErrorCode =
  | "EVENT_NOT_FOUND"
  | "FORMATION_NOT_FOUND"
  | "CONFLICT_NOT_FOUND"
  | "SERVICE_TOKEN_NOT_FOUND"
  | "EVENT_READ_ONLY"
  | "VERSION_CONFLICT"
  | "FORBIDDEN"
  | "TRAINER_ONLY_OWN_FORMATIONS"
  | "INVALID_INPUT"
  | "OAUTH_STATE_INVALID"
  | "OAUTH_STATE_EXPIRED"
  | "OAUTH_STATE_REUSED"
  | "OAUTH_STATE_FOREIGN"
  | "OUTLOOK_CONSENT_DENIED"
  | "OUTLOOK_AUTHORIZATION_FAILED"
  | "OUTLOOK_INVALID_CLIENT"
  | "OUTLOOK_REDIRECT_URI_MISMATCH"
  | "OUTLOOK_CONSENT_REQUIRED"
  | "OUTLOOK_CODE_REJECTED"
  | "OUTLOOK_UNAVAILABLE"
  | "OUTLOOK_UNREACHABLE"
  | "OUTLOOK_NOT_CONNECTED"
  | "OUTLOOK_NEEDS_REAUTH"
  | "OUTLOOK_CALENDAR_UNKNOWN"
  | "FORMATION_NOT_EXPORTABLE"
  | "OUTLOOK_EXPORT_FAILED"
  | "OUTLOOK_ACCOUNT_IN_USE"
  | "SYNC_ALREADY_RUNNING"
  | "USER_NOT_FOUND"
  | "EXTERNAL_ID_FOREIGN"
  | "USER_DEACTIVATED"
  | "CALENDAR_FEED_NOT_FOUND"
  | "FORMATION_SESSION_FOREIGN";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = "DomainError";
  }
}
