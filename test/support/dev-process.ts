// A real `tessera dev` process for tests: started on a free port, its output followed line by line.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const TESSERA_BIN = fileURLToPath(new URL("../../bin/tessera.js", import.meta.url));

export interface DevProcess {
  readonly child: ChildProcess;
  /** http://127.0.0.1:<port>, once the server is ready. */
  readonly url: string;
  output(): string;
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

/** Starts `tessera dev --port 0 ...args` in `cwd` with `home` and resolves once it prints its URL. */
export async function startDevProcess(cwd: string, home: string, args: readonly string[]): Promise<DevProcess> {
  const child = spawn(process.execPath, [TESSERA_BIN, "dev", "--port", "0", ...args], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", TESSERA_HOME: home },
  });
  let out = "";
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const match = out.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout?.on("data", (chunk: Buffer) => ((out += chunk.toString()), check()));
  child.stderr?.on("data", (chunk: Buffer) => ((out += chunk.toString()), check()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => {
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`tessera dev exited before printing ${waiter.pattern}:\n${out}`));
  });
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const match = out.match(pattern);
      if (match) resolve(match);
      else if (child.exitCode !== null) reject(new Error(`tessera dev exited before printing ${pattern}:\n${out}`));
      else waiters.push({ pattern, resolve, reject });
    });
  const [, url] = await waitFor(/GraphQL API: (http:\/\/127\.0\.0\.1:\d+)\/graphql/);
  return {
    child,
    url: url as string,
    output: () => out,
    waitFor,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGINT");
      await exited;
    },
  };
}
