import type { RequestLogEntry } from "@agenda/microsoft-sandbox";
/**
 * Reading the Microsoft sandbox's request log (`GET /admin/api/requests`), to check from Outlook's side how an export
 * used a mailbox: tests and benchmarks share these.
 */
/** A request as the sandbox logged it (JSON: absent fields instead of undefined). */
export type LoggedRequest = RequestLogEntry;

export const isBatchEnvelope = ({ endpoint }: LoggedRequest): boolean => endpoint === "POST /$batch";

/**
 * The most requests the sandbox was serving at once. Each runs from `at - durationMs` to `at`; as `at` is rounded down
 * to the millisecond, two requests overlapping by less than a millisecond are taken as one after the other (the
 * sandbox's own concurrency limit, which answers 429 ApplicationThrottled, is exact).
 */
export function peakConcurrentRequests(entries: LoggedRequest[]): number {
  const edges = entries.flatMap(({ at, durationMs }) => {
    const end = Date.parse(at);
    return [
      { time: end - durationMs + 1, delta: 1 },
      { time: end, delta: -1 },
    ];
  });
  edges.sort((a, b) => a.time - b.time || a.delta - b.delta);
  let current = 0;
  let peak = 0;
  for (const { delta } of edges) {
    current += delta;
    peak = Math.max(peak, current);
  }
  return peak;
}
