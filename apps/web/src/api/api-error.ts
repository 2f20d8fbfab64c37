import { TRPCClientError } from "@trpc/client";

interface AgendaErrorData {
  appCode?: string;
  httpStatus?: number;
}

function errorData(error: unknown): AgendaErrorData | undefined {
  return error instanceof TRPCClientError ? (error.data as AgendaErrorData | undefined) : undefined;
}

/** The API's stable code for a failure (`EVENT_NOT_FOUND`, `TOKEN_INVALID`…), when the API answered at all. */
export function apiErrorCode(error: unknown): string | undefined {
  return errorData(error)?.appCode;
}

/** Answers that mean the session is gone, was never valid, or its person no longer has access. */
const SIGNED_OUT = new Set([
  "TOKEN_INVALID",
  "UNAUTHENTICATED",
  "SESSION_EXPIRED",
  "SESSION_LIFETIME_INVALID",
  "USER_DEACTIVATED",
]);

/** The session is gone or was never valid: the person must sign in again. */
export function isAuthFailure(error: unknown): boolean {
  return SIGNED_OUT.has(apiErrorCode(error) ?? "");
}

/** 4xx answers are final: asking again gives the same answer. */
export function isClientError(error: unknown): boolean {
  const status = errorData(error)?.httpStatus;
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * What to tell the person: the API's own message, already in their language with its hints, when the API
 * answered; otherwise which of the interface's messages fits.
 */
export function apiErrorMessage(
  error: unknown,
): { message: string } | { key: "errors.unreachable" | "errors.unexpected" } {
  if (apiErrorCode(error) && error instanceof Error) return { message: error.message };
  if (error instanceof TRPCClientError && error.cause instanceof TypeError) return { key: "errors.unreachable" };
  return { key: "errors.unexpected" };
}
