import type { Page } from "playwright-core";

/** What a screen reader would announce for the focused element, roughly: its label, or its text. */
export function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return "";
    const labelled = (element as HTMLInputElement).labels?.[0]?.textContent;
    return (element.getAttribute("aria-label") ?? labelled ?? element.textContent ?? "").trim();
  });
}

/** Presses Tab until the focused element has this name; fails after `limit` presses. */
export async function tabTo(page: Page, name: string | RegExp, limit = 40): Promise<string[]> {
  const visited: string[] = [];
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press("Tab");
    const focused = await focusedName(page);
    visited.push(focused);
    if (typeof name === "string" ? focused === name : name.test(focused)) return visited;
  }
  throw new Error(`Tab never reached ${name}; went through: ${visited.join(" | ")}`);
}
