import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkManifest, type ManifestProblem } from "./check-manifest";
import { agendaIconPng, ICON_SIZES } from "./icon-png";
import { DEMO_ORIGIN, agendaManifest, renderManifest } from "./manifest";

const repository = new URL("../../../", import.meta.url);
const committed = readFileSync(new URL("manifest.xml", repository), "utf8");

/** The committed manifest with one edit; fails when the edit does not apply, so a test never checks the valid file. */
function broken(from: string | RegExp, to: string): string {
  const changed = committed.replace(from, to);
  if (changed === committed) throw new Error(`the manifest has no ${String(from)}`);
  return changed;
}
const rulesOf = (problems: ManifestProblem[]) => [...new Set(problems.map(({ rule }) => rule))];

describe("the committed manifest.xml", () => {
  it("is the generator's output for the local demo origin, so the two never drift", () => {
    expect(committed).toBe(renderManifest(agendaManifest(DEMO_ORIGIN)));
  });

  it("has no problem", () => {
    expect(checkManifest(committed)).toEqual([]);
  });

  it("points at icons committed in the taskpane's assets, drawn by the generator at the size their name says", () => {
    const referenced = [...committed.matchAll(/\/addin\/assets\/icon-(\d+)\.png/g)].map((match) => Number(match[1]));
    expect([...new Set(referenced)].sort((a, b) => a - b)).toEqual([...ICON_SIZES]);
    for (const size of ICON_SIZES) {
      const file = readFileSync(new URL(`apps/outlook-addin/public/assets/icon-${size}.png`, repository));
      expect(file.equals(agendaIconPng(size))).toBe(true);
      expect([file.readUInt32BE(16), file.readUInt32BE(20)]).toEqual([size, size]);
    }
  });

  it("is generated for any HTTPS origin without problems, and refused for an http one", () => {
    expect(checkManifest(renderManifest(agendaManifest("https://agenda.example.com/")))).toEqual([]);
    expect(rulesOf(checkManifest(renderManifest(agendaManifest("http://agenda.example.com"))))).toEqual(["https"]);
  });
});

describe("checkManifest catches", () => {
  it.each<[string, string, string | RegExp, string]>([
    ["XML that is not well-formed", "well-formed", "</OfficeApp>", "</OfficeAp>"],
    ["another root than a MailApp", "root", 'xsi:type="MailApp"', 'xsi:type="TaskPaneApp"'],
    ["a missing required element", "required", /\s*<ProviderName>Agenda<\/ProviderName>/, ""],
    ["elements out of order", "order", /(<Version>.*<\/Version>)(\s*)(<ProviderName>.*<\/ProviderName>)/, "$3$2$1"],
    [
      "an unknown top-level element",
      "order",
      "<DisableEntityHighlighting>",
      "<Colour>blue</Colour><DisableEntityHighlighting>",
    ],
    ["an Id that is not a GUID", "guid", /<Id>[^<]+<\/Id>/, "<Id>agenda-addin</Id>"],
    ["a malformed Version", "version", "<Version>1.0.0.0</Version>", "<Version>1.0-beta</Version>"],
    ["an http URL", "https", "https://localhost:3000/addin/taskpane.html", "http://localhost:3000/addin/taskpane.html"],
    [
      "unknown Permissions",
      "permissions",
      "<Permissions>ReadWriteItem</Permissions>",
      "<Permissions>Everything</Permissions>",
    ],
    ["a V1_0 block holding commands itself", "nesting", /(xsi:type="VersionOverridesV1_0">)/, "$1<Description/>"],
    ["a missing V1_1 block", "nesting", 'xsi:type="VersionOverridesV1_1"', 'xsi:type="VersionOverridesV1_2"'],
    [
      "an extension point Outlook does not have",
      "extension-point",
      'ExtensionPoint xsi:type="MessageReadCommandSurface"',
      'ExtensionPoint xsi:type="PrimaryCommandSurface"',
    ],
    ["a control missing its Supertip", "control", /\s*<Supertip>[\s\S]*?<\/Supertip>/, ""],
    ["a button icon size missing", "icon-sizes", /\s*<bt:Image size="80" resid="Icon.80x80"\/>/, ""],
    ["a resid resolving nowhere", "resid", '<Label resid="Button.Label"/>', '<Label resid="Button.Caption"/>'],
    [
      "a resid in the wrong bucket",
      "resid",
      '<Title resid="Button.Tooltip.Title"/>',
      '<Title resid="Button.Tooltip.Description"/>',
    ],
    [
      "a resid over 32 characters",
      "resid-length",
      /Button\.Tooltip\.Description/g,
      "Button.Tooltip.Description.Of.The.Taskpane",
    ],
    ["a control id over 125 characters", "id-length", 'id="MessageRead.OpenTaskpane"', `id="${"x".repeat(126)}"`],
    [
      "a control id used twice",
      "duplicate-id",
      'id="MessageRead.OpenTaskpane"',
      'id="AppointmentOrganizer.OpenTaskpane"',
    ],
    [
      "a short string over 125 characters",
      "string-length",
      '<bt:String id="Button.Label" DefaultValue="Formations"',
      `<bt:String id="Button.Label" DefaultValue="${"F".repeat(126)}"`,
    ],
    [
      "a display name over 125 characters",
      "string-length",
      '<DisplayName DefaultValue="Agenda">',
      `<DisplayName DefaultValue="${"A".repeat(126)}">`,
    ],
    ["pinning below Mailbox 1.5", "pinning", 'DefaultMinVersion="1.5"', 'DefaultMinVersion="1.3"'],
    ["WebApplicationInfo before Resources", "order", /(\s*)<Resources>/, "$1<WebApplicationInfo/>$1<Resources>"],
  ])("%s", (_case, rule, from, to) => {
    expect(rulesOf(checkManifest(broken(from, to)))).toContain(rule);
  });
});
