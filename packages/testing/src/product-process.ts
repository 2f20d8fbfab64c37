import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";

/** One of the product's processes (server, worker) started by a test. */
export interface ProductProcess {
  process: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves with the match once the output matches `pattern`; rejects with the output if the process exits first. */
  printed(pattern: RegExp, what: string): Promise<RegExpExecArray>;
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Runs a TypeScript entry point as `npm start` would, with `env` over the test's environment. */
export function spawnProduct(entryPoint: string, env: Record<string, string>): ProductProcess {
  const child = spawn(process.execPath, ["--import", "tsx", entryPoint], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return {
    process: child,
    output: () => output,
    exited,
    printed: (pattern, what) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (!match) return false;
          clearTimeout(timer);
          child.stdout.off("data", check);
          resolve(match);
          return true;
        };
        const timer = setTimeout(() => reject(new Error(`${what} did not start in 30 s:\n${output}`)), 30_000);
        if (check()) return;
        child.stdout.on("data", check);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${what} exited with ${code}:\n${output}`));
        });
      }),
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
