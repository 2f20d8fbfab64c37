import { afterAll, afterEach, expect } from "vitest";
import { suiteOutputCheck } from "./output-check";

// The Graph services of this file's tests report what they send to `suiteOutputCheck`: a departure from Graph
// v1.0's schema fails the test that caused it, or the file when it came after its last test (a late notification).
afterEach(() => {
  expect(suiteOutputCheck.takeDepartures()).toEqual([]);
});

afterAll(() => {
  expect(suiteOutputCheck.takeDepartures()).toEqual([]);
  if (suiteOutputCheck.outputs === 0) return;
  // The count is the evidence of how much of Graph's surface the file had checked.
  // eslint-disable-next-line no-console
  console.info(
    `Graph v1.0 schema: ${suiteOutputCheck.objects} JSON objects in ${suiteOutputCheck.outputs} responses and notifications checked, no departure.`,
  );
});
