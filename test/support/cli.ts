// The `tessera` CLI run in this process, on a given home: no tsx start-up, so cheap. Tests that need the
// real entry point spawn bin/tessera.js instead.
import { PassThrough } from "node:stream";
import { main } from "../../src/cli/main.js";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function tesseraInProcess(args: readonly string[], home?: string): Promise<CliResult & { code: number }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const code = await main(["node", "tessera", ...(home === undefined ? [] : ["--home", home]), ...args], { stdout, stderr, stdin: new PassThrough() });
  return { code, stdout: out, stderr: err };
}
