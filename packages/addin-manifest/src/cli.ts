import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkManifest } from "./check-manifest";
import { agendaIconPng, ICON_SIZES } from "./icon-png";
import { AGENDA_ADDIN_ID, DEMO_ORIGIN, agendaManifest, renderManifest } from "./manifest";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const usage = `Writes the Outlook add-in's manifest.xml for a deployment.

  npm run manifest -- --origin https://agenda.example.com [--id <guid>] [--out <file>]
  npm run manifest -- --icons <dir>     (re-draws the icons, e.g. apps/outlook-addin/public/assets)

--origin  the HTTPS origin serving /addin/taskpane.html (default ${DEMO_ORIGIN}, the committed file's)
--id      the add-in's GUID (default ${AGENDA_ADDIN_ID}); give each environment its own to install them side by side
--out     where to write (default manifest.xml at the repository root)`;

const { values } = parseArgs({
  options: {
    origin: { type: "string" },
    id: { type: "string" },
    out: { type: "string" },
    icons: { type: "string" },
    help: { type: "boolean" },
  },
});

if (values.help) {
  console.log(usage);
} else if (values.icons) {
  mkdirSync(values.icons, { recursive: true });
  for (const size of ICON_SIZES) writeFileSync(join(values.icons, `icon-${size}.png`), agendaIconPng(size));
  console.log(`Icons ${ICON_SIZES.join(", ")} px written to ${values.icons}`);
} else {
  const xml = renderManifest(agendaManifest(values.origin ?? DEMO_ORIGIN, values.id));
  const problems = checkManifest(xml);
  if (problems.length > 0) {
    console.error(
      `The manifest would be invalid:\n${problems.map(({ rule, message }) => `  - [${rule}] ${message}`).join("\n")}\n\n${usage}`,
    );
    process.exit(1);
  }
  const out = values.out ?? join(repositoryRoot, "manifest.xml");
  writeFileSync(out, xml);
  console.log(`Manifest for ${values.origin ?? DEMO_ORIGIN} written to ${out}`);
}
