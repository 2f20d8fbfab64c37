import { describe, expect, it } from "vitest";
import {
  customPropertiesExtendedPropertyId,
  customPropertiesValue,
  FORMATION_ID_CUSTOM_PROPERTY,
} from "./custom-properties";

describe("the add-in's custom properties as Graph sees them", () => {
  it("live in PS_PUBLIC_STRINGS under cecp- and the add-in id, lower case, without braces or urn:uuid", () => {
    const expected = "String {00020329-0000-0000-C000-000000000046} Name cecp-59c22580-cf00-4b32-a658-0a3f6f1f5b24";
    expect(customPropertiesExtendedPropertyId("59C22580-CF00-4B32-A658-0A3F6F1F5B24")).toBe(expected);
    expect(customPropertiesExtendedPropertyId("{59c22580-cf00-4b32-a658-0a3f6f1f5b24}")).toBe(expected);
    expect(customPropertiesExtendedPropertyId("urn:uuid:59c22580-cf00-4b32-a658-0a3f6f1f5b24")).toBe(expected);
  });

  it("hold a JSON object of at most 2,500 characters", () => {
    expect(JSON.parse(customPropertiesValue({ [FORMATION_ID_CUSTOM_PROPERTY]: "f-1" }))).toEqual({
      agendaFormationId: "f-1",
    });
    expect(() => customPropertiesValue({ note: "x".repeat(2_500) })).toThrow(RangeError);
  });
});
