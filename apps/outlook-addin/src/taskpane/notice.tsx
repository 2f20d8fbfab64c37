import { makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";

const useStyles = makeStyles({
  notice: {
    display: "block",
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    marginBlock: tokens.spacingVerticalS,
    borderRadius: tokens.borderRadiusMedium,
  },
  success: {
    backgroundColor: tokens.colorPaletteGreenBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteGreenBorder1}`,
  },
  warning: {
    backgroundColor: tokens.colorPaletteYellowBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteYellowBorder1}`,
  },
  error: {
    backgroundColor: tokens.colorPaletteRedBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteRedBorder1}`,
  },
});

/**
 * A message in Fluent's colours. Fluent's MessageBar is not used: its icons pull a whole chunk of
 * @fluentui/react-icons into the taskpane's bundle, which must stay small (see bench/).
 */
export function Notice({
  intent,
  children,
  testId,
}: {
  intent: "success" | "warning" | "error";
  children: ReactNode;
  testId?: string;
}) {
  const styles = useStyles();
  return (
    <div
      role={intent === "success" ? "status" : "alert"}
      className={mergeClasses(styles.notice, styles[intent])}
      data-testid={testId}
    >
      {children}
    </div>
  );
}
