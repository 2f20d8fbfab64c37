/** Every failure the domain reports to callers; the API layer turns each into a typed, translated error. */
export type DomainErrorCode =
  | "EVENT_NOT_FOUND"
  | "FORMATION_NOT_FOUND"
  | "EVENT_READ_ONLY"
  | "VERSION_CONFLICT"
  | "FORBIDDEN"
  | "TRAINER_ONLY_OWN_FORMATIONS"
  | "INVALID_INPUT";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = "DomainError";
  }
}
