import type { ReactNode } from "react";

interface ScrollableTableProps {
  /** Id of the heading that names the table (its scrolling region is announced with it). */
  labelledBy: string;
  /** Column headings, already translated. */
  columns: readonly string[];
  /** The body's rows. */
  children: ReactNode;
}

/**
 * A data table that scrolls sideways on narrow screens: its region is focusable, so keyboard users can scroll it,
 * and named by the heading it sits under.
 */
export function ScrollableTable({ labelledBy, columns, children }: ScrollableTableProps) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-labelledby={labelledBy}>
      <table className="table">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
