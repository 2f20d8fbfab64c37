import { describe, expect, it } from "vitest";
import { canReceiveNotifications, notificationEndpoints } from "./notification-endpoints";

const MICROSOFT = "https://graph.microsoft.com";
const SANDBOX = "https://127.0.0.1:8443";

describe("whether Graph can deliver change notifications", () => {
  it("needs a public HTTPS URL when Graph is Microsoft's", () => {
    expect(canReceiveNotifications(MICROSOFT, "https://agenda.example.com")).toBe(true);
    for (const url of [
      "http://agenda.example.com",
      "https://localhost:3000",
      "https://127.0.0.1",
      "https://10.0.0.4",
      "https://192.168.1.20",
      "https://172.20.0.3",
      "https://[::1]:3000",
      "https://[fd00::1]",
    ]) {
      expect(canReceiveNotifications(MICROSOFT, url), url).toBe(false);
    }
  });

  it("also accepts plain http on loopback when Graph runs on this machine (the sandbox), but not a private host", () => {
    expect(canReceiveNotifications(SANDBOX, "http://127.0.0.1:3000")).toBe(true);
    expect(canReceiveNotifications(SANDBOX, "http://localhost:3000")).toBe(true);
    expect(canReceiveNotifications(SANDBOX, "https://agenda.example.com")).toBe(true);
    expect(canReceiveNotifications(SANDBOX, "http://192.168.1.20:3000")).toBe(false);
    expect(canReceiveNotifications(SANDBOX, "http://agenda.example.com")).toBe(false);
  });

  it("builds both webhook URLs under the public URL, or none", () => {
    expect(notificationEndpoints(MICROSOFT, "https://agenda.example.com/")).toEqual({
      notificationUrl: "https://agenda.example.com/api/calendar/outlook/notifications",
      lifecycleNotificationUrl: "https://agenda.example.com/api/calendar/outlook/lifecycle",
    });
    expect(notificationEndpoints(MICROSOFT, "http://127.0.0.1:3000")).toBeNull();
    expect(notificationEndpoints(MICROSOFT, undefined)).toBeNull();
  });
});
