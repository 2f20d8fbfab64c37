import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import type { DirectoryUser } from "../directory";
import { type RegisteredClient, redirectUriIsRegistered } from "./clients";
import type { IdentityDeps } from "./deps";
import { AadstsError, errorBody, missingParameter } from "./errors";
import { type ScopeRequest, parseScopes, scopeNames } from "./scopes";
import { PAGE_FIELDS, errorPage, formPostPage, signInPage } from "./sign-in-page";
import { type TenantPath, admitsUser, resolveTenant } from "./tenants";
import { clientInfo } from "./tokens";

type ResponseMode = "query" | "fragment" | "form_post";
type Prompt = "none" | "login" | "consent" | "select_account";
/** Hono answers HTML synchronously or not, depending on the template. */
type Reply = Response | Promise<Response>;

const RESPONSE_MODES: readonly string[] = ["query", "fragment", "form_post"];
const PROMPTS: readonly string[] = ["none", "login", "consent", "select_account"];

/** Where and how the authorization response goes back to the app. */
interface ReplyTarget {
  redirectUri: string;
  responseMode: ResponseMode;
  state: string | undefined;
}

interface AuthorizeRequest extends ReplyTarget {
  tenant: TenantPath;
  client: RegisteredClient;
  scopes: ScopeRequest;
  nonce: string | undefined;
  loginHint: string | undefined;
  prompt: Prompt | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: "S256" | "plain";
  wantsClientInfo: boolean;
  /** The request's own parameters, which the sign-in form carries back unchanged. */
  parameters: Array<[string, string]>;
}

/** A failure reported to the app through its redirect URI, once the redirect URI itself is known to be safe. */
class RedirectedFailure extends Error {
  constructor(
    readonly failure: AadstsError,
    readonly target: ReplyTarget,
    readonly extra: Array<[string, string]> = [],
  ) {
    super(failure.message);
  }
}

/** `GET|POST /{tenant}/oauth2/v2.0/authorize`: an authorization request, or the sign-in page's form coming back. */
export async function authorize(c: Context, deps: IdentityDeps): Promise<Response> {
  const params = c.req.method === "POST" ? await formParameters(c) : new URL(c.req.url).searchParams;
  try {
    const request = parseAuthorizeRequest(params, c.req.param("tenant") ?? "", deps);
    if (c.req.method === "POST" && params.has(PAGE_FIELDS.decision)) return await decide(c, deps, request, params);
    if (request.prompt === "none") return await signInSilently(c, deps, request);
    const hinted = request.loginHint ? deps.directory.findByUserPrincipalName(request.loginHint) : undefined;
    return showSignInPage(c, deps, request, {
      selected: request.prompt === "select_account" ? undefined : hinted,
      typedLogin: hinted ? undefined : request.loginHint,
      error: undefined,
    });
  } catch (error) {
    if (error instanceof RedirectedFailure) {
      const body = errorBody(error.failure, c.req.header("client-request-id"));
      const fields: Array<[string, string]> = [
        ["error", body.error],
        ["error_description", body.error_description],
        ...error.extra,
      ];
      if (error.target.state !== undefined) fields.push(["state", error.target.state]);
      return reply(c, error.target, fields);
    }
    if (error instanceof AadstsError) return c.html(errorPage(error.message), 400);
    throw error;
  }
}

async function formParameters(c: Context): Promise<URLSearchParams> {
  const type = c.req.header("content-type") ?? "";
  return type.includes("application/x-www-form-urlencoded")
    ? new URLSearchParams(await c.req.text())
    : new URLSearchParams();
}

/**
 * Validates in Microsoft's order: problems with the tenant, the app or its redirect URI are shown on a page
 * (the app cannot be trusted with them); everything after is sent to the redirect URI as `error=...`.
 */
function parseAuthorizeRequest(params: URLSearchParams, tenantSegment: string, deps: IdentityDeps): AuthorizeRequest {
  const get = (name: string) => params.get(name) ?? undefined;
  const tenant = resolveTenant(tenantSegment, deps.directory);
  const clientId = get("client_id");
  if (!clientId) throw missingParameter("client_id");
  const client = deps.clients.require(clientId, tenant.segment);
  const redirectUri = get("redirect_uri");
  if (!redirectUri) throw missingParameter("redirect_uri");
  if (!redirectUriIsRegistered(client, redirectUri)) {
    throw new AadstsError(
      "invalid_request",
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    );
  }

  const responseModeParam = get("response_mode");
  const target: ReplyTarget = {
    redirectUri,
    responseMode:
      responseModeParam && RESPONSE_MODES.includes(responseModeParam) ? (responseModeParam as ResponseMode) : "query",
    state: get("state"),
  };
  const fail = (failure: AadstsError) => new RedirectedFailure(failure, target);
  if (responseModeParam && !RESPONSE_MODES.includes(responseModeParam)) {
    throw fail(new AadstsError("invalid_request", 90023, `The response_mode '${responseModeParam}' is not supported.`));
  }
  const responseType = get("response_type");
  if (!responseType) throw fail(missingParameter("response_type"));
  if (responseType !== "code") {
    throw fail(
      new AadstsError(
        "unsupported_response_type",
        700054,
        `response_type '${responseType}' is not enabled for the application. The sandbox implements the authorization code flow only.`,
      ),
    );
  }
  const scope = get("scope");
  if (!scope) throw fail(missingParameter("scope"));
  let scopes: ScopeRequest;
  try {
    scopes = parseScopes(scope, client.permissions, tenant.segment, deps.clients.exposedApis());
  } catch (error) {
    throw error instanceof AadstsError ? fail(error) : error;
  }
  const codeChallenge = get("code_challenge");
  const method = get("code_challenge_method") ?? "plain";
  if (codeChallenge !== undefined) {
    if (method !== "S256" && method !== "plain") {
      throw fail(new AadstsError("invalid_request", 50149, "Invalid Code_Challenge_method parameter."));
    }
    if (codeChallenge.length < 43 || codeChallenge.length > 128) {
      throw fail(new AadstsError("invalid_request", 501491, "Invalid size of Code_Challenge parameter."));
    }
  }
  const prompt = get("prompt");
  if (prompt !== undefined && !PROMPTS.includes(prompt)) {
    throw fail(new AadstsError("invalid_request", 90023, `The 'prompt' parameter value '${prompt}' is not valid.`));
  }

  return {
    ...target,
    tenant,
    client,
    scopes,
    nonce: get("nonce"),
    loginHint: get("login_hint"),
    prompt: prompt as Prompt | undefined,
    codeChallenge,
    codeChallengeMethod: method as "S256" | "plain",
    wantsClientInfo: get("client_info") === "1",
    parameters: [...params.entries()].filter(([name]) => !Object.values<string>(PAGE_FIELDS).includes(name)),
  };
}

/**
 * `prompt=none`, as Microsoft answers it for a browser whose session is the `login_hint` user: straight back
 * with a code when that user already consented (or the sandbox consents for everyone), else an error the app
 * must turn into an interactive sign-in.
 */
function signInSilently(c: Context, deps: IdentityDeps, request: AuthorizeRequest): Reply {
  const fail = (failure: AadstsError) => new RedirectedFailure(failure, request);
  if (!request.loginHint) {
    throw fail(
      new AadstsError(
        "login_required",
        50058,
        "A silent sign-in request was sent but no user is signed in. The cookies used to represent the user's session were not sent in the request to Microsoft Entra ID.",
      ),
    );
  }
  const user = deps.directory.findByUserPrincipalName(request.loginHint);
  if (!user || !admitsUser(request.tenant, user)) {
    throw fail(
      new AadstsError(
        "interaction_required",
        50034,
        `The user account {EmailHidden} does not exist in the '${request.tenant.segment}' directory. To sign into this application, the account must be added to the directory.`,
      ),
    );
  }
  const names = scopeNames(request.scopes);
  if (!deps.grants.settings.autoConsent && !deps.grants.hasConsented(user.id, request.client.clientId, names)) {
    throw fail(
      new AadstsError(
        "consent_required",
        65001,
        `The user or administrator has not consented to use the application with ID '${request.client.clientId}' named '${request.client.displayName}'. Send an interactive authorization request for this user and resource.`,
      ),
    );
  }
  return completeSignIn(c, deps, request, user);
}

function decide(c: Context, deps: IdentityDeps, request: AuthorizeRequest, form: URLSearchParams): Reply {
  if (form.get(PAGE_FIELDS.decision) !== "accept") {
    throw new RedirectedFailure(
      new AadstsError("access_denied", 65004, "User declined to consent to access the app."),
      request,
      [["error_subcode", "cancel"]],
    );
  }
  const typedLogin = form.get(PAGE_FIELDS.login)?.trim() || undefined;
  const accountId = form.get(PAGE_FIELDS.account) ?? undefined;
  const user = typedLogin
    ? deps.directory.findByUserPrincipalName(typedLogin)
    : accountId
      ? deps.directory.find(accountId)
      : undefined;
  const again = (error: string) => showSignInPage(c, deps, request, { selected: undefined, typedLogin, error });
  if (!typedLogin && !accountId) return again("Choose an account or type a username.");
  if (!user) {
    return again("This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.");
  }
  if (!admitsUser(request.tenant, user)) {
    return again(
      `AADSTS50020: User account '${user.userPrincipalName}' from identity provider 'https://sts.windows.net/${user.tenantId}/' does not exist in tenant '${request.tenant.segment}' and cannot access the application '${request.client.clientId}'(${request.client.displayName}) in that tenant.`,
    );
  }
  deps.grants.consent(user.id, request.client.clientId, scopeNames(request.scopes));
  return completeSignIn(c, deps, request, user);
}

function completeSignIn(c: Context, deps: IdentityDeps, request: AuthorizeRequest, user: DirectoryUser): Reply {
  const names = scopeNames(request.scopes);
  if (deps.grants.settings.autoConsent) deps.grants.consent(user.id, request.client.clientId, names);
  const code = deps.grants.issueCode({
    clientId: request.client.clientId,
    redirectUri: request.redirectUri,
    userId: user.id,
    scopes: names,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    nonce: request.nonce,
  });
  const fields: Array<[string, string]> = [["code", code]];
  if (request.wantsClientInfo) fields.push(["client_info", clientInfo(user)]);
  if (request.state !== undefined) fields.push(["state", request.state]);
  fields.push(["session_state", randomUUID()]);
  return reply(c, request, fields);
}

function showSignInPage(
  c: Context,
  deps: IdentityDeps,
  request: AuthorizeRequest,
  view: { selected: DirectoryUser | undefined; typedLogin: string | undefined; error: string | undefined },
): Reply {
  const accounts = deps.directory
    .list()
    .filter((user) => admitsUser(request.tenant, user))
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
  const names = scopeNames(request.scopes);
  const alreadyGranted =
    view.selected !== undefined &&
    request.prompt !== "consent" &&
    deps.grants.hasConsented(view.selected.id, request.client.clientId, names);
  return c.html(
    signInPage({
      action: new URL(c.req.url).pathname,
      appName: request.client.displayName,
      tenantLabel:
        request.tenant.kind === "tenant" ? `tenant ${request.tenant.tenantId}` : `/${request.tenant.segment}`,
      request: request.parameters,
      accounts,
      selectedAccountId: view.selected?.id,
      typedLogin: view.typedLogin,
      scopes: names,
      alreadyGranted,
      error: view.error,
    }),
  );
}

/** Sends the authorization response the way `response_mode` asks. */
function reply(c: Context, target: ReplyTarget, fields: Array<[string, string]>): Reply {
  if (target.responseMode === "form_post") return c.html(formPostPage(target.redirectUri, fields));
  if (target.responseMode === "fragment") {
    return c.redirect(`${target.redirectUri.split("#")[0]}#${new URLSearchParams(fields)}`, 302);
  }
  const url = new URL(target.redirectUri);
  for (const [name, value] of fields) url.searchParams.append(name, value);
  return c.redirect(url.toString(), 302);
}
