import type { Hono } from "hono";
import { SCOPES, requireScope } from "../auth";
import { graphJson, odataContext, type GraphEnv, type GraphRuntime } from "../context";
import { resolveTimeZone } from "../time-zones";

/** `/me` and `/me/mailboxSettings` (the mailbox's time zone is reported as a Windows name, as Outlook does). */
export function registerProfileRoutes(app: Hono<GraphEnv>, runtime: GraphRuntime): void {
  app.get("/", (c) => {
    requireScope(c, runtime.options().enforceScopes, SCOPES.profile);
    const user = c.get("user");
    return graphJson(c, {
      "@odata.context": odataContext(runtime, "users/$entity"),
      businessPhones: [],
      displayName: user.displayName,
      givenName: null,
      jobTitle: null,
      mail: user.mail,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: null,
      surname: null,
      userPrincipalName: user.userPrincipalName,
      id: user.id,
    });
  });

  app.get("/mailboxSettings", (c) => {
    requireScope(c, runtime.options().enforceScopes, SCOPES.mailboxSettings);
    const user = c.get("user");
    const timeZone = resolveTimeZone(user.timeZone)?.windows ?? "UTC";
    return graphJson(c, {
      "@odata.context": odataContext(runtime, `users('${user.id}')/mailboxSettings`),
      archiveFolder: "",
      timeZone,
      delegateMeetingMessageDeliveryOptions: "sendToDelegateOnly",
      dateFormat: "dd/MM/yyyy",
      timeFormat: "HH:mm",
      userPurpose: "user",
      automaticRepliesSetting: {
        status: "disabled",
        externalAudience: "all",
        internalReplyMessage: "",
        externalReplyMessage: "",
        scheduledStartDateTime: { dateTime: "2020-01-01T00:00:00.0000000", timeZone: "UTC" },
        scheduledEndDateTime: { dateTime: "2020-01-02T00:00:00.0000000", timeZone: "UTC" },
      },
      language: { locale: "fr-FR", displayName: "French (France)" },
      workingHours: {
        daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"],
        startTime: "08:00:00.0000000",
        endTime: "17:00:00.0000000",
        timeZone: { name: timeZone },
      },
    });
  });
}
