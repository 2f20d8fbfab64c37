import { DOMParser, type Element } from "@xmldom/xmldom";
import { EXTENSION_POINT_TYPES, PERMISSIONS } from "./manifest";

/**
 * One thing wrong with a manifest. `rule` is stable (tests and tools match on it); `message` says where and why.
 * The rules encode Microsoft's manifest documentation (manifest-element-ordering.md, create-addin-commands.md,
 * add-in-manifests.md): Microsoft's own validator is an online service, this checker runs offline.
 */
export interface ManifestProblem {
  rule:
    | "well-formed"
    | "root"
    | "required"
    | "order"
    | "guid"
    | "version"
    | "https"
    | "permissions"
    | "nesting"
    | "extension-point"
    | "control"
    | "icon-sizes"
    | "resid"
    | "resid-length"
    | "id-length"
    | "duplicate-id"
    | "string-length"
    | "pinning";
  message: string;
}

const OFFICE_NS = "http://schemas.microsoft.com/office/appforoffice/1.1";
const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
const BT_NS = "http://schemas.microsoft.com/office/officeappbasictypes/1.0";
const OVERRIDES_10_NS = "http://schemas.microsoft.com/office/mailappversionoverrides";
const OVERRIDES_11_NS = "http://schemas.microsoft.com/office/mailappversionoverrides/1.1";

/** Expected children in the XSD's order: local name, required, and namespace when not the parent's. */
type ChildSpec = readonly [name: string, required: boolean, namespace?: string];

/** `<OfficeApp xsi:type="MailApp">` children in the XSD's order; `true` marks those a MailApp must have. */
const TOP_LEVEL: readonly ChildSpec[] = [
  ["Id", true],
  ["AlternateId", false],
  ["Version", true],
  ["ProviderName", true],
  ["DefaultLocale", true],
  ["DisplayName", true],
  ["Description", true],
  ["IconUrl", false],
  ["HighResolutionIconUrl", false],
  ["SupportUrl", false],
  ["AppDomains", false],
  ["Hosts", false],
  ["Requirements", true],
  ["FormSettings", true],
  ["Permissions", true],
  ["Rule", true],
  ["DisableEntityHighlighting", false],
  ["VersionOverrides", false, OVERRIDES_10_NS],
];

/** VersionOverridesV1_1 children in order (WebApplicationInfo, for legacy SSO, comes after Resources). */
const OVERRIDES_CHILDREN: readonly ChildSpec[] = [
  ["Description", false],
  ["Requirements", false],
  ["Hosts", true],
  ["Resources", true],
  ["WebApplicationInfo", false],
  ["EquivalentAddins", false],
];
const RESOURCES_CHILDREN: readonly ChildSpec[] = [
  ["Images", false],
  ["Urls", false],
  ["ShortStrings", false],
  ["LongStrings", false],
];
const CONTROL_CHILDREN: readonly ChildSpec[] = [
  ["Label", true],
  ["Supertip", true],
  ["Icon", true],
  ["Action", true],
];

/** Which `Resources` bucket a `resid` of an element must resolve in, and that bucket's value length limit. */
const BUCKETS = {
  Images: { element: "Image", maxLength: 2048 },
  Urls: { element: "Url", maxLength: 2048 },
  ShortStrings: { element: "String", maxLength: 125 },
  LongStrings: { element: "String", maxLength: 250 },
} as const;
type Bucket = keyof typeof BUCKETS;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERSION = /^\d{1,5}(\.\d{1,5}){0,3}$/;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
const MAX_RESID_LENGTH = 32;
const MAX_ID_LENGTH = 125;
const BUTTON_ICON_SIZES = ["16", "32", "80"];

/** Checks an Outlook (MailApp) XML manifest offline; an empty list means no problem found. */
export function checkManifest(xml: string): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const report = (rule: ManifestProblem["rule"], message: string) => problems.push({ rule, message });

  const parseErrors: string[] = [];
  let root: Element | null = null;
  try {
    const document = new DOMParser({
      onError: (level, message) => {
        if (level !== "warning") parseErrors.push(message);
      },
    }).parseFromString(xml, "text/xml");
    root = document.documentElement;
  } catch (error) {
    parseErrors.push(error instanceof Error ? error.message : String(error));
  }
  if (parseErrors.length > 0 || !root) {
    for (const message of new Set(parseErrors)) report("well-formed", message);
    if (parseErrors.length === 0) report("well-formed", "no root element");
    return problems;
  }

  if (root.localName !== "OfficeApp" || root.namespaceURI !== OFFICE_NS) {
    report("root", `the root must be <OfficeApp xmlns="${OFFICE_NS}">, not <${root.tagName}>`);
    return problems;
  }
  if (root.getAttributeNS(XSI_NS, "type") !== "MailApp")
    report("root", 'the root must have xsi:type="MailApp" (an Outlook add-in)');

  checkChildren(root, OFFICE_NS, TOP_LEVEL, "OfficeApp", report);
  const top = (name: string) => allChildElements(root).find((child) => child.localName === name);

  const id = text(top("Id"));
  if (top("Id") && !GUID.test(id)) report("guid", `<Id> must be a GUID, not "${id}"`);
  const version = text(top("Version"));
  if (top("Version") && !VERSION.test(version)) report("version", `<Version> must look like 1.0.0.0, not "${version}"`);
  for (const [name, maxLength] of [
    ["DisplayName", 125],
    ["Description", 250],
  ] as const) {
    const element = top(name);
    const values = element
      ? [
          element.getAttribute("DefaultValue") ?? "",
          ...allChildElements(element).map((override) => override.getAttribute("Value") ?? ""),
        ]
      : [];
    if (values.some((value) => value.length > maxLength))
      report("string-length", `<${name}> values must have at most ${maxLength} characters`);
  }
  const permissions = text(top("Permissions"));
  if (top("Permissions") && !(PERMISSIONS as readonly string[]).includes(permissions)) {
    report("permissions", `<Permissions> must be one of ${PERMISSIONS.join(", ")}, not "${permissions}"`);
  }
  const mailboxSet = descendants(top("Requirements"), OFFICE_NS, "Set").find(
    (set) => set.getAttribute("Name") === "Mailbox",
  );
  if (top("Requirements") && !mailboxSet?.getAttribute("MinVersion")) {
    report(
      "required",
      '<Requirements> must name the Mailbox set with a MinVersion (<Set Name="Mailbox" MinVersion="1.1"/>)',
    );
  }
  const readForm = descendants(top("FormSettings"), OFFICE_NS, "Form").find(
    (form) => form.getAttributeNS(XSI_NS, "type") === "ItemRead",
  );
  if (top("FormSettings") && !descendants(readForm, OFFICE_NS, "SourceLocation")[0]) {
    report("required", '<FormSettings> must hold <Form xsi:type="ItemRead"> with DesktopSettings/SourceLocation');
  }

  checkUrls(root, report);
  const overrides = top("VersionOverrides");
  if (overrides) checkVersionOverrides(overrides, report);
  return problems;
}

type Report = (rule: ManifestProblem["rule"], message: string) => void;

function checkVersionOverrides(outer: Element, report: Report): void {
  if (outer.namespaceURI !== OVERRIDES_10_NS || outer.getAttributeNS(XSI_NS, "type") !== "VersionOverridesV1_0") {
    report("nesting", `the top-level <VersionOverrides> must be xsi:type="VersionOverridesV1_0" in ${OVERRIDES_10_NS}`);
    return;
  }
  const outerChildren = allChildElements(outer);
  const inner = outerChildren.at(-1);
  if (
    !inner ||
    inner.localName !== "VersionOverrides" ||
    inner.namespaceURI !== OVERRIDES_11_NS ||
    inner.getAttributeNS(XSI_NS, "type") !== "VersionOverridesV1_1"
  ) {
    report(
      "nesting",
      `<VersionOverrides> V1_0 must end with a nested xsi:type="VersionOverridesV1_1" in ${OVERRIDES_11_NS}`,
    );
    return;
  }
  if (outerChildren.length > 1) {
    report("nesting", "put every command in the nested VersionOverridesV1_1: the V1_0 block holds only it");
  }

  checkChildren(inner, OVERRIDES_11_NS, OVERRIDES_CHILDREN, "VersionOverridesV1_1", report);
  const resources = childElements(inner, OVERRIDES_11_NS).find((child) => child.localName === "Resources");
  const declared = resources ? declaredResources(resources, report) : new Map<Bucket, Set<string>>();

  const defaultMinVersion = descendants(inner, BT_NS, "Sets")[0]?.getAttribute("DefaultMinVersion") ?? "1.1";
  const ids = new Set<string>();
  for (const point of descendants(inner, OVERRIDES_11_NS, "ExtensionPoint")) {
    const type = point.getAttributeNS(XSI_NS, "type") ?? "";
    if (!(EXTENSION_POINT_TYPES as readonly string[]).includes(type)) {
      report(
        "extension-point",
        `ExtensionPoint xsi:type="${type}" is not an Outlook extension point (${EXTENSION_POINT_TYPES.join(", ")})`,
      );
    }
    for (const element of [
      ...descendants(point, OVERRIDES_11_NS, "Group"),
      ...descendants(point, OVERRIDES_11_NS, "Control"),
    ]) {
      const id = element.getAttribute("id") ?? "";
      if (!id || id.length > MAX_ID_LENGTH)
        report("id-length", `<${element.localName} id="${id}"> needs an id of 1 to ${MAX_ID_LENGTH} characters`);
      if (ids.has(id)) report("duplicate-id", `the id "${id}" is used twice`);
      ids.add(id);
    }
    for (const control of descendants(point, OVERRIDES_11_NS, "Control")) {
      checkChildren(
        control,
        OVERRIDES_11_NS,
        CONTROL_CHILDREN,
        `Control ${control.getAttribute("id") ?? ""}`,
        report,
        "control",
      );
      const sizes = descendants(control, BT_NS, "Image").map((image) => image.getAttribute("size") ?? "");
      if (BUTTON_ICON_SIZES.some((size) => !sizes.includes(size))) {
        report(
          "icon-sizes",
          `Control ${control.getAttribute("id") ?? ""} needs icons of sizes ${BUTTON_ICON_SIZES.join(", ")} (has ${sizes.join(", ") || "none"})`,
        );
      }
    }
  }

  for (const pinning of descendants(inner, OVERRIDES_11_NS, "SupportsPinning")) {
    const action = pinning.parentNode as Element | null;
    if (action?.localName !== "Action" || action.getAttributeNS(XSI_NS, "type") !== "ShowTaskpane") {
      report("pinning", "<SupportsPinning> belongs in a ShowTaskpane <Action>, after its SourceLocation");
    }
    if (compareVersions(defaultMinVersion, "1.5") < 0) {
      report(
        "pinning",
        `<SupportsPinning> needs Mailbox 1.5: the VersionOverrides requirement is ${defaultMinVersion}`,
      );
    }
  }

  for (const element of descendants(inner, null, null)) {
    const resid = element.getAttribute("resid");
    if (resid === null) continue;
    if (resid.length === 0 || resid.length > MAX_RESID_LENGTH) {
      report("resid-length", `resid "${resid}" must have 1 to ${MAX_RESID_LENGTH} characters`);
    }
    const bucket = bucketOf(element);
    if (bucket && !declared.get(bucket)?.has(resid)) {
      report(
        "resid",
        `<${element.tagName} resid="${resid}"> resolves in no <bt:${BUCKETS[bucket].element}> of Resources/bt:${bucket}`,
      );
    }
  }
}

/** The ids each Resources bucket declares, reporting duplicate ids and over-long values on the way. */
function declaredResources(resources: Element, report: Report): Map<Bucket, Set<string>> {
  checkChildren(resources, BT_NS, RESOURCES_CHILDREN, "Resources", report);
  const declared = new Map<Bucket, Set<string>>();
  for (const bucket of Object.keys(BUCKETS) as Bucket[]) {
    const ids = new Set<string>();
    for (const container of childElements(resources, BT_NS).filter((child) => child.localName === bucket)) {
      for (const entry of childElements(container, BT_NS)) {
        const id = entry.getAttribute("id") ?? "";
        if (ids.has(id)) report("duplicate-id", `Resources/bt:${bucket} declares "${id}" twice`);
        ids.add(id);
        if (id.length > MAX_RESID_LENGTH)
          report("resid-length", `resource id "${id}" must have at most ${MAX_RESID_LENGTH} characters`);
        const values = [
          entry.getAttribute("DefaultValue") ?? "",
          ...childElements(entry, BT_NS).map((override) => override.getAttribute("Value") ?? ""),
        ];
        if (values.some((value) => value.length > BUCKETS[bucket].maxLength)) {
          report("string-length", `Resources/bt:${bucket} "${id}" exceeds ${BUCKETS[bucket].maxLength} characters`);
        }
      }
    }
    declared.set(bucket, ids);
  }
  return declared;
}

function bucketOf(element: Element): Bucket | undefined {
  switch (element.localName) {
    case "Image":
      return "Images";
    case "SourceLocation":
    case "FunctionFile":
      return "Urls";
    case "Label":
    case "Title":
      return "ShortStrings";
    case "Description":
      return "LongStrings";
    default:
      return undefined;
  }
}

/** Every URL, in an attribute or as an element's text, must be HTTPS (add-in-manifests.md). */
function checkUrls(root: Element, report: Report): void {
  for (const element of descendants(root, null, null)) {
    const values = Array.from(element.attributes)
      .filter((attribute) => !attribute.name.startsWith("xmlns"))
      .map((attribute) => attribute.value);
    if (allChildElements(element).length === 0) values.push(text(element));
    for (const value of values) {
      if (URL_LIKE.test(value) && !value.toLowerCase().startsWith("https://"))
        report("https", `<${element.tagName}> has a non-HTTPS URL: ${value}`);
    }
  }
}

/** Known children in order, required ones present, no unknown or repeated ones. */
function checkChildren(
  parent: Element,
  namespace: string,
  expected: readonly ChildSpec[],
  where: string,
  report: Report,
  rule: "order" | "control" = "order",
): void {
  const names = expected.map(([name]) => name);
  let last = -1;
  const seen = new Set<string>();
  for (const child of allChildElements(parent)) {
    const index = names.indexOf(child.localName ?? "");
    if (index === -1 || child.namespaceURI !== (expected[index]?.[2] ?? namespace)) {
      report(rule, `<${child.tagName}> is not a valid child of ${where}`);
      continue;
    }
    if (index < last || seen.has(child.localName ?? "")) {
      report(rule, `<${child.tagName}> is out of order in ${where}: expected order ${names.join(", ")}`);
    }
    seen.add(child.localName ?? "");
    last = Math.max(last, index);
  }
  for (const [name, required] of expected) {
    if (required && !seen.has(name)) report(rule === "control" ? "control" : "required", `${where} lacks <${name}>`);
  }
}

function allChildElements(parent: Element): Element[] {
  return Array.from(parent.childNodes).filter((node): node is Element => node.nodeType === 1);
}

function childElements(parent: Element, namespace: string): Element[] {
  return allChildElements(parent).filter((child) => child.namespaceURI === namespace);
}

/** Descendant elements, optionally of one namespace and local name. */
function descendants(root: Element | undefined, namespace: string | null, localName: string | null): Element[] {
  if (!root) return [];
  const found: Element[] = [];
  const visit = (element: Element) => {
    for (const child of allChildElements(element)) {
      if (
        (namespace === null || child.namespaceURI === namespace) &&
        (localName === null || child.localName === localName)
      )
        found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

function text(element: Element | undefined): string {
  return (element?.textContent ?? "").trim();
}

function compareVersions(a: string, b: string): number {
  const left = a.split(".").map(Number);
  const right = b.split(".").map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
