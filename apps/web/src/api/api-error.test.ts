import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { apiErrorCode, apiErrorMessage, isAuthFailure, isClientError } from "./api-error";

const answered = (appCode: string, httpStatus: number, message: string) =>
  TRPCClientError.from({ error: { message, code: -32600, data: { appCode, httpStatus } } });

describe("API errors", () => {
  it("keeps the API's translated message and its code", () => {
    const error = answered(
      "VERSION_CONFLICT",
      409,
      "L'événement a été modifié entre-temps : rechargez-le puis réessayez.",
    );
    expect(apiErrorCode(error)).toBe("VERSION_CONFLICT");
    expect(apiErrorMessage(error)).toEqual({
      message: "L'événement a été modifié entre-temps : rechargez-le puis réessayez.",
    });
    expect(isClientError(error)).toBe(true);
    expect(isAuthFailure(error)).toBe(false);
  });

  it("recognises a lost session", () => {
    expect(isAuthFailure(answered("TOKEN_INVALID", 401, "Jeton d'accès invalide"))).toBe(true);
    expect(isAuthFailure(answered("UNAUTHENTICATED", 401, "Authentification requise"))).toBe(true);
  });

  it("says the server is unreachable when the request never got an answer", () => {
    const error = TRPCClientError.from(new TypeError("Failed to fetch"));
    expect(apiErrorMessage(error)).toEqual({ key: "errors.unreachable" });
    expect(isClientError(error)).toBe(false);
  });

  it("falls back to a general message for anything else", () => {
    expect(apiErrorMessage(new Error("boom"))).toEqual({ key: "errors.unexpected" });
  });
});
