import type { DomainErrorCode } from "@agenda/domain/errors";
import { en as zodEnglish, fr as zodFrench } from "zod/locales";
import type { z } from "zod";

export const LOCALES = ["fr", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "fr";

/** The caller's language from an Accept-Language header: the first supported one, French otherwise. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  const wanted = (header ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const quality = Number(
        params
          .find((param) => param.trim().startsWith("q="))
          ?.trim()
          .slice(2) ?? 1,
      );
      return { language: tag.toLowerCase().split("-")[0] ?? "", quality: Number.isFinite(quality) ? quality : 0 };
    })
    .filter(({ quality }) => quality > 0)
    .sort((a, b) => b.quality - a.quality);
  return wanted.map(({ language }) => LOCALES.find((locale) => locale === language)).find(Boolean) ?? DEFAULT_LOCALE;
}

export type ApiErrorCode =
  | DomainErrorCode
  | "UNAUTHENTICATED"
  | "TOKEN_INVALID"
  | "TOKEN_EXPIRED"
  | "MICROSOFT_TOKEN_EXPIRED"
  | "MICROSOFT_TOKEN_SIGNATURE"
  | "MICROSOFT_TOKEN_ISSUER"
  | "MICROSOFT_TOKEN_AUDIENCE"
  | "MICROSOFT_TOKEN_SCOPE"
  | "MICROSOFT_ACCOUNT_UNKNOWN"
  | "SESSION_EXPIRED"
  | "SESSION_LIFETIME_INVALID"
  | "STREAM_TICKET_ONLY"
  | "PLATFORM_KEYS_UNAVAILABLE"
  | "BATCH_TOO_LARGE"
  | "USER_ONLY"
  | "ADMIN_ONLY"
  | "CALENDAR_FEEDS_UNAVAILABLE"
  | "DEMO_DISABLED"
  | "DEMO_USER_UNKNOWN"
  | "PAYLOAD_TOO_LARGE"
  | "RATE_LIMITED"
  | "ROUTE_NOT_FOUND"
  | "MALFORMED_JSON"
  | "INTERNAL";

type Params = Record<string, string | number>;
type Catalog = Record<ApiErrorCode, (params: Params) => string>;

const errorMessages: Record<Locale, Catalog> = {
  fr: {
    EVENT_NOT_FOUND: ({ id }) => `Événement introuvable (${id}).`,
    FORMATION_NOT_FOUND: ({ id }) => `Formation introuvable (${id}).`,
    CONFLICT_NOT_FOUND: ({ id }) => `Conflit de synchronisation introuvable (${id}).`,
    SERVICE_TOKEN_NOT_FOUND: ({ id }) => `Jeton de service introuvable (${id}).`,
    EVENT_READ_ONLY: () => "Cet événement reflète une formation : modifiez la formation elle-même.",
    VERSION_CONFLICT: () => "L'événement a été modifié entre-temps : rechargez-le puis réessayez.",
    FORBIDDEN: () => "Vous n'avez pas les droits nécessaires pour cette action.",
    TRAINER_ONLY_OWN_FORMATIONS: () => "Un formateur ne peut modifier que les formations qu'il anime.",
    INVALID_INPUT: ({ field, reason }) =>
      `Donnée invalide (${field}) : ${validationMessages.fr[reason as ValidationKey] ?? reason}`,
    OAUTH_STATE_INVALID: () =>
      "Lien de connexion Outlook inconnu : relancez « Se connecter à Outlook » depuis les paramètres du calendrier.",
    OAUTH_STATE_EXPIRED: () =>
      "La connexion à Outlook a expiré (plus de 10 minutes) : relancez « Se connecter à Outlook ».",
    OAUTH_STATE_REUSED: () => "Ce retour de Microsoft a déjà été utilisé : relancez « Se connecter à Outlook ».",
    OAUTH_STATE_FOREIGN: () =>
      "Cette connexion Outlook a été commencée depuis un autre compte : relancez-la depuis le vôtre.",
    OUTLOOK_CONSENT_DENIED: () => "Vous avez refusé l'accès à votre calendrier Outlook : rien n'a été connecté.",
    OUTLOOK_AUTHORIZATION_FAILED: ({ reason }) =>
      `Microsoft a refusé la connexion (${reason}) : réessayez, ou contactez votre administrateur.`,
    OUTLOOK_INVALID_CLIENT: () =>
      "Erreur « Invalid client » : vérifiez OUTLOOK_CLIENT_ID et OUTLOOK_CLIENT_SECRET (secret non expiré) et l'inscription de l'application dans Azure.",
    OUTLOOK_REDIRECT_URI_MISMATCH: () =>
      "L'URI de redirection n'est pas inscrite dans Azure : ajoutez exactement OUTLOOK_REDIRECT_URI dans « Authentication » de l'application.",
    OUTLOOK_CONSENT_REQUIRED: () =>
      "Erreur de permissions : vérifiez que Calendars.ReadWrite et User.Read sont ajoutées dans Azure, que vous les avez acceptées et, si besoin, que le consentement administrateur est accordé.",
    OUTLOOK_CODE_REJECTED: () =>
      "Microsoft a refusé le code de connexion (expiré ou déjà utilisé) : relancez « Se connecter à Outlook ».",
    OUTLOOK_UNAVAILABLE: () => "Microsoft ne répond pas pour le moment : réessayez dans un instant.",
    OUTLOOK_UNREACHABLE: () =>
      "Microsoft est injoignable depuis Agenda (connexion refusée, nom introuvable, erreur TLS ou délai dépassé) : vérifiez la connexion réseau du serveur, son proxy s'il en a un et l'état des services Microsoft (https://status.cloud.microsoft), puis réessayez.",
    OUTLOOK_NOT_CONNECTED: () => "Aucun calendrier Outlook n'est connecté : connectez-vous d'abord à Outlook.",
    OUTLOOK_NEEDS_REAUTH: ({ reason }) =>
      `L'accès à Outlook a été révoqué ou a expiré (${reason}) : reconnectez-vous à Outlook.`,
    OUTLOOK_CALENDAR_UNKNOWN: ({ id }) => `Calendrier Outlook inconnu ou en lecture seule : ${id}.`,
    FORMATION_NOT_EXPORTABLE: ({ reason }) =>
      reason === "cancelled"
        ? "Cette formation est annulée : elle ne peut pas être ajoutée à Outlook."
        : "Vous ne participez pas à cette formation : elle ne peut pas être ajoutée à votre Outlook.",
    OUTLOOK_EXPORT_FAILED: ({ reason }) => `Outlook a refusé la formation (${reason}).`,
    OUTLOOK_ACCOUNT_IN_USE: ({ email }) =>
      `Le compte Microsoft ${email} est déjà relié à un autre utilisateur d'Agenda : connectez un autre compte, ou demandez à cet utilisateur de le déconnecter.`,
    SYNC_ALREADY_RUNNING: () =>
      "Une synchronisation que vous avez demandée est déjà en cours : attendez qu'elle se termine.",
    USER_NOT_FOUND: ({ id }) => `Utilisateur de la plateforme introuvable (${id}).`,
    EXTERNAL_ID_FOREIGN: ({ externalId }) =>
      `L'identifiant externe ${externalId} est déjà celui d'une autre formation ou d'une autre application : cette formation ne peut pas le prendre.`,
    UNAUTHENTICATED: () => "Authentification requise : envoyez un en-tête « Authorization: Bearer <jeton> ».",
    TOKEN_INVALID: () => "Jeton d'accès invalide ou expiré : reconnectez-vous.",
    TOKEN_EXPIRED: () => "Le jeton d'accès de ce flux a expiré : rouvrez-le avec un jeton valide.",
    MICROSOFT_TOKEN_EXPIRED: () => "Jeton Microsoft expiré : reconnectez-vous au complément.",
    MICROSOFT_TOKEN_SIGNATURE: () =>
      "Jeton Microsoft refusé : sa signature ne correspond à aucune clé de l'autorité Microsoft configurée.",
    MICROSOFT_TOKEN_ISSUER: () =>
      "Jeton Microsoft refusé : il n'a pas été émis par l'autorité Microsoft configurée (émetteur inattendu).",
    MICROSOFT_TOKEN_AUDIENCE: () =>
      "Jeton Microsoft refusé : il a été émis pour une autre application (audience inattendue).",
    MICROSOFT_TOKEN_SCOPE: () =>
      "Jeton Microsoft refusé : il n'accorde pas la permission access_as_user de l'API Agenda.",
    MICROSOFT_ACCOUNT_UNKNOWN: () =>
      "Ce compte Microsoft n'est relié à aucun utilisateur d'Agenda : connectez d'abord Outlook depuis les paramètres du calendrier.",
    SESSION_EXPIRED: () => "Votre session a expiré : reconnectez-vous.",
    SESSION_LIFETIME_INVALID: ({ hours }) =>
      `Jeton de session refusé : il doit porter une date d'expiration (exp) à ${hours} h au plus de son émission.`,
    USER_DEACTIVATED: () => "Ce compte a été désactivé sur la plateforme : il n'a plus accès à Agenda.",
    FORMATION_SESSION_FOREIGN: ({ id }) =>
      `La séance ${id} n'est pas une séance de cette formation : omettez son id pour en ajouter une nouvelle.`,
    CALENDAR_FEED_NOT_FOUND: () =>
      "Lien d'abonnement de calendrier inconnu : il a été remplacé ou désactivé, ou n'a pas encore été créé (Paramètres calendrier).",
    CALENDAR_FEEDS_UNAVAILABLE: () =>
      "Les abonnements de calendrier ne sont pas configurés sur ce serveur : contactez votre administrateur.",
    STREAM_TICKET_ONLY: () =>
      "Ce ticket n'ouvre que le flux d'état de synchronisation : appelez l'API avec votre jeton de session.",
    PLATFORM_KEYS_UNAVAILABLE: () =>
      "Les clés de la plateforme sont injoignables pour vérifier votre session : réessayez dans un instant.",
    BATCH_TOO_LARGE: ({ max }) => `Trop d'appels groupés dans une requête : ${max} au plus.`,
    USER_ONLY: () => "Cette action est réservée aux utilisateurs connectés, pas aux jetons de service.",
    ADMIN_ONLY: () => "Cette page est réservée aux administrateurs.",
    DEMO_DISABLED: () => "La connexion de démonstration n'existe qu'en mode démo.",
    DEMO_USER_UNKNOWN: ({ email }) => `Aucun utilisateur de démonstration pour ${email}.`,
    PAYLOAD_TOO_LARGE: ({ limit }) => `Requête trop volumineuse : ${limit} octets au plus.`,
    RATE_LIMITED: ({ seconds }) => `Trop de requêtes : réessayez dans ${seconds} s.`,
    ROUTE_NOT_FOUND: ({ path }) => `Aucune route ${path}.`,
    MALFORMED_JSON: () => "Le corps de la requête n'est pas du JSON valide.",
    INTERNAL: () => "Erreur interne : l'incident est enregistré, réessayez dans un instant.",
  },
  en: {
    EVENT_NOT_FOUND: ({ id }) => `Event not found (${id}).`,
    FORMATION_NOT_FOUND: ({ id }) => `Formation not found (${id}).`,
    CONFLICT_NOT_FOUND: ({ id }) => `Sync conflict not found (${id}).`,
    SERVICE_TOKEN_NOT_FOUND: ({ id }) => `Service token not found (${id}).`,
    EVENT_READ_ONLY: () => "This event mirrors a formation: change the formation itself.",
    VERSION_CONFLICT: () => "The event changed in the meantime: reload it and try again.",
    FORBIDDEN: () => "You are not allowed to do this.",
    TRAINER_ONLY_OWN_FORMATIONS: () => "A trainer can only change the formations they train.",
    INVALID_INPUT: ({ field, reason }) =>
      `Invalid input (${field}): ${validationMessages.en[reason as ValidationKey] ?? reason}`,
    OAUTH_STATE_INVALID: () =>
      "Unknown Outlook sign-in link: start 'Connect Outlook' again from the calendar settings.",
    OAUTH_STATE_EXPIRED: () => "The Outlook sign-in expired (over 10 minutes): start 'Connect Outlook' again.",
    OAUTH_STATE_REUSED: () => "This answer from Microsoft was already used: start 'Connect Outlook' again.",
    OAUTH_STATE_FOREIGN: () => "This Outlook sign-in was started from another account: start it again from yours.",
    OUTLOOK_CONSENT_DENIED: () => "You declined access to your Outlook calendar: nothing was connected.",
    OUTLOOK_AUTHORIZATION_FAILED: ({ reason }) =>
      `Microsoft refused the sign-in (${reason}): try again, or contact your administrator.`,
    OUTLOOK_INVALID_CLIENT: () =>
      "'Invalid client' error: check OUTLOOK_CLIENT_ID and OUTLOOK_CLIENT_SECRET (secret not expired) and the app registration in Azure.",
    OUTLOOK_REDIRECT_URI_MISMATCH: () =>
      "The redirect URI is not registered in Azure: add OUTLOOK_REDIRECT_URI exactly under the app's 'Authentication'.",
    OUTLOOK_CONSENT_REQUIRED: () =>
      "Permission error: check that Calendars.ReadWrite and User.Read are added in Azure, that you accepted them and, if needed, that admin consent is granted.",
    OUTLOOK_CODE_REJECTED: () =>
      "Microsoft refused the sign-in code (expired or already used): start 'Connect Outlook' again.",
    OUTLOOK_UNAVAILABLE: () => "Microsoft is not answering right now: try again in a moment.",
    OUTLOOK_UNREACHABLE: () =>
      "Microsoft cannot be reached from Agenda (connection refused, name not found, TLS error or timeout): check the server's network connection, its proxy if it has one, and Microsoft's service status (https://status.cloud.microsoft), then try again.",
    OUTLOOK_NOT_CONNECTED: () => "No Outlook calendar is connected: connect Outlook first.",
    OUTLOOK_NEEDS_REAUTH: ({ reason }) =>
      `Access to Outlook was revoked or expired (${reason}): connect Outlook again.`,
    OUTLOOK_CALENDAR_UNKNOWN: ({ id }) => `Unknown or read-only Outlook calendar: ${id}.`,
    FORMATION_NOT_EXPORTABLE: ({ reason }) =>
      reason === "cancelled"
        ? "This formation is cancelled: it cannot be added to Outlook."
        : "You do not take part in this formation: it cannot be added to your Outlook.",
    OUTLOOK_EXPORT_FAILED: ({ reason }) => `Outlook refused the formation (${reason}).`,
    OUTLOOK_ACCOUNT_IN_USE: ({ email }) =>
      `The Microsoft account ${email} is already linked to another Agenda user: connect another account, or ask that user to disconnect it.`,
    SYNC_ALREADY_RUNNING: () => "A sync you asked for is already running: wait for it to finish.",
    USER_NOT_FOUND: ({ id }) => `Platform user not found (${id}).`,
    EXTERNAL_ID_FOREIGN: ({ externalId }) =>
      `The external id ${externalId} already belongs to another formation or another app: this formation cannot take it.`,
    UNAUTHENTICATED: () => "Authentication required: send an 'Authorization: Bearer <token>' header.",
    TOKEN_INVALID: () => "Invalid or expired access token: sign in again.",
    TOKEN_EXPIRED: () => "This stream's access token expired: open it again with a valid token.",
    MICROSOFT_TOKEN_EXPIRED: () => "Expired Microsoft token: sign in to the add-in again.",
    MICROSOFT_TOKEN_SIGNATURE: () =>
      "Microsoft token refused: its signature matches no key of the configured Microsoft authority.",
    MICROSOFT_TOKEN_ISSUER: () =>
      "Microsoft token refused: it was not issued by the configured Microsoft authority (unexpected issuer).",
    MICROSOFT_TOKEN_AUDIENCE: () =>
      "Microsoft token refused: it was issued for another application (unexpected audience).",
    MICROSOFT_TOKEN_SCOPE: () =>
      "Microsoft token refused: it does not grant the Agenda API's access_as_user permission.",
    MICROSOFT_ACCOUNT_UNKNOWN: () =>
      "This Microsoft account is linked to no Agenda user: connect Outlook from the calendar settings first.",
    SESSION_EXPIRED: () => "Your session expired: sign in again.",
    SESSION_LIFETIME_INVALID: ({ hours }) =>
      `Session token refused: it must carry an expiry (exp) at most ${hours} h after it was issued.`,
    USER_DEACTIVATED: () => "This account was deactivated on the platform: it no longer has access to Agenda.",
    FORMATION_SESSION_FOREIGN: ({ id }) =>
      `Session ${id} is not a session of this formation: leave its id out to add a new one.`,
    CALENDAR_FEED_NOT_FOUND: () =>
      "Unknown calendar subscription link: it was replaced or turned off, or not created yet (Calendar settings).",
    CALENDAR_FEEDS_UNAVAILABLE: () =>
      "Calendar subscriptions are not set up on this server: contact your administrator.",
    STREAM_TICKET_ONLY: () => "This ticket only opens the sync status stream: call the API with your session token.",
    PLATFORM_KEYS_UNAVAILABLE: () =>
      "The platform's keys cannot be reached to check your session: try again in a moment.",
    BATCH_TOO_LARGE: ({ max }) => `Too many batched calls in one request: ${max} at most.`,
    USER_ONLY: () => "Only signed-in users can do this, not service tokens.",
    ADMIN_ONLY: () => "Only administrators can see this.",
    DEMO_DISABLED: () => "Demo sign-in exists in demo mode only.",
    DEMO_USER_UNKNOWN: ({ email }) => `No demo user for ${email}.`,
    PAYLOAD_TOO_LARGE: ({ limit }) => `Request too large: ${limit} bytes at most.`,
    RATE_LIMITED: ({ seconds }) => `Too many requests: try again in ${seconds} s.`,
    ROUTE_NOT_FOUND: ({ path }) => `No route ${path}.`,
    MALFORMED_JSON: () => "The request body is not valid JSON.",
    INTERNAL: () => "Internal error: it has been recorded, try again in a moment.",
  },
};

/** Messages of the refinements our schemas declare (their `message` is one of these keys). */
const validationMessages = {
  fr: {
    rangeInverted: "la fin de la période doit suivre son début.",
    rangeTooLong: "la période demandée dépasse 366 jours.",
    endBeforeStart: "la fin doit suivre le début.",
    timingNeedsSessions: "une formation a besoin de sessions, ou de startsAt et endsAt (une seule session).",
    sessionRepeated: "une même session apparaît deux fois.",
    allDayNeedsDates: "un événement sur la journée entière a besoin de startDate et endDate.",
    timedNeedsInstants: "un événement horaire a besoin de startsAt et endsAt.",
    invalidTimeZone: "fuseau horaire IANA inconnu (exemple : Europe/Paris).",
    httpsOnly: "un lien https:// est attendu, sans identifiant ni mot de passe.",
    noSettings: "indiquez au moins un réglage à changer.",
    roleFromPlatform: "le rôle d'une personne vient de sa connexion à la plateforme : il ne se fixe pas ici.",
    nulCharacter: "le caractère nul (U+0000) n'est pas accepté.",
    serviceTokenName:
      "1 à 64 lettres, chiffres, « . », « _ » ou « - », commençant par une lettre ou un chiffre (le nom de l'application).",
    inThePast: "cette date est déjà passée.",
  },
  en: {
    rangeInverted: "the end of the range must come after its start.",
    rangeTooLong: "the requested range is longer than 366 days.",
    endBeforeStart: "the end must come after the start.",
    timingNeedsSessions: "a formation needs sessions, or startsAt and endsAt (one session).",
    sessionRepeated: "the same session appears twice.",
    allDayNeedsDates: "an all-day event needs startDate and endDate.",
    timedNeedsInstants: "a timed event needs startsAt and endsAt.",
    invalidTimeZone: "unknown IANA time zone (for example Europe/Paris).",
    httpsOnly: "an https:// link is expected, without user name or password.",
    noSettings: "give at least one setting to change.",
    roleFromPlatform: "a person's role comes from their platform sign-in: it cannot be set here.",
    nulCharacter: "the NUL character (U+0000) is not accepted.",
    serviceTokenName: "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or a digit (the app's name).",
    inThePast: "this date has already passed.",
  },
} satisfies Record<Locale, Record<string, string>>;
type ValidationKey = keyof (typeof validationMessages)["fr"];

export function errorMessage(locale: Locale, code: ApiErrorCode, params: Params = {}): string {
  return errorMessages[locale][code](params);
}

const zodLocales = { fr: zodFrench(), en: zodEnglish() };
const invalidRequest = {
  fr: (details: string) => `Requête invalide : ${details}`,
  en: (details: string) => `Invalid request: ${details}`,
} satisfies Record<Locale, (details: string) => string>;

export interface ValidationIssue {
  path: string;
  message: string;
}

/** Zod's issues in the caller's language: our refinement keys from the catalog, the rest from zod's own locales. */
export function validationIssues(locale: Locale, error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => {
    const ours = validationMessages[locale][issue.message as ValidationKey];
    const translated = zodLocales[locale].localeError(issue as never);
    const text = ours ?? (typeof translated === "string" ? translated : translated?.message) ?? issue.message;
    return { path: issue.path.join("."), message: text };
  });
}

export function validationSummary(locale: Locale, issues: ValidationIssue[]): string {
  return invalidRequest[locale](
    issues.map(({ path, message }) => (path ? `${path} — ${message}` : message)).join(" ; "),
  );
}
