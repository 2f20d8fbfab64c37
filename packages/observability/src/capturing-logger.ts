import { Writable } from "node:stream";
import { createLogger, type Logger } from "./logger";

/** A logger writing its JSON lines into memory, for tests that read what was logged. */
export function capturingLogger(level = "debug"): { logger: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines, text: () => lines.join("\n") };
}
