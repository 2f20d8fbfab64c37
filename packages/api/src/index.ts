export { appRouter, createCaller, type AppRouter } from "./root";
export { ApiError, describeError, restErrorOf, type CalendarFeedSettings, type Context, type DemoMode } from "./trpc";
export {
  createAuthenticator,
  DEFAULT_SESSION_MAX_LIFETIME_SECONDS,
  signSessionToken,
  type Authenticator,
  type Caller,
  type PlatformTokenConfig,
  type StreamCaller,
} from "./auth";
export {
  API_SCOPE_NAME,
  createMicrosoftTokenVerifier,
  type MicrosoftTokenConfig,
  type MicrosoftTokenVerifier,
} from "./microsoft-tokens";
export { DEFAULT_LOCALE, LOCALES, localeFromAcceptLanguage, errorMessage, type Locale } from "./i18n";
export { handleTrpcRequest, refuseTrpcRequest, streamTicketOf, trpcCallCount } from "./http";
export { MAX_TRPC_BATCH } from "./limits";
