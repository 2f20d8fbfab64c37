import { describe, expect, it } from "vitest";
import { QueryEntry } from "./query-cache";

/** A load the test answers by hand, counting how often it was asked. */
function manualLoad() {
  const answers: Array<(value: number) => void> = [];
  const load = () => new Promise<number>((resolve) => answers.push(resolve));
  return { load, answers };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("QueryEntry", () => {
  it("loads once for every component showing it, and tells each of them", async () => {
    const { load, answers } = manualLoad();
    const entry = new QueryEntry(load);
    const told: string[] = [];
    entry.subscribe(() => told.push("a"));
    entry.subscribe(() => told.push("b"));
    expect(answers).toHaveLength(1);
    answers[0]?.(7);
    await flush();
    expect(entry.snapshot()).toEqual({ status: "success", data: 7 });
    expect(told).toEqual(["a", "b"]);
  });

  it("keeps what it shows while reading again, and reads once more when asked during a read", async () => {
    const { load, answers } = manualLoad();
    const entry = new QueryEntry(load);
    entry.subscribe(() => undefined);
    answers[0]?.(1);
    await flush();
    entry.refresh();
    entry.refresh();
    expect(entry.snapshot()).toEqual({ status: "success", data: 1 });
    expect(answers).toHaveLength(2);
    answers[1]?.(2);
    await flush();
    expect(answers).toHaveLength(3);
    answers[2]?.(3);
    await flush();
    expect(entry.snapshot()).toEqual({ status: "success", data: 3 });
  });

  it("reads again when shown next after a change nobody was watching", async () => {
    const { load, answers } = manualLoad();
    const entry = new QueryEntry(load);
    const stop = entry.subscribe(() => undefined);
    answers[0]?.(1);
    await flush();
    stop();
    entry.refresh();
    expect(answers).toHaveLength(1);
    entry.subscribe(() => undefined);
    expect(answers).toHaveLength(2);
  });

  it("shows a failed read as an error", async () => {
    const entry = new QueryEntry(() => Promise.reject(new Error("503")));
    entry.subscribe(() => undefined);
    await flush();
    expect(entry.snapshot()).toEqual({ status: "error", error: new Error("503") });
  });
});
