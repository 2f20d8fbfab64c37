import { makeStyles, tokens } from "@fluentui/react-components";
import { useEffect, useReducer } from "react";
import type { OfficeAdapter } from "../office/office-adapter";
import { CurrentFormation } from "./current-formation";
import { FormationList } from "./formation-list";
import { SyncStatusCard } from "./sync-status-card";

const useStyles = makeStyles({
  pane: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, padding: tokens.spacingHorizontalM },
});

/** The taskpane, for the item Outlook has open; a pinned pane re-renders when the person moves to another item. */
export function Taskpane({ adapter }: { adapter: OfficeAdapter }) {
  const styles = useStyles();
  const [item, nextItem] = useReducer((count: number) => count + 1, 0);
  useEffect(() => adapter.onItemChanged(nextItem), [adapter]);
  return (
    <main key={item} className={styles.pane}>
      <SyncStatusCard />
      <CurrentFormation adapter={adapter} />
      <FormationList adapter={adapter} />
    </main>
  );
}
