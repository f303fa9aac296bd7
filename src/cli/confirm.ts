// Asks the user to confirm a destructive action, and refuses when nobody can answer.
import { createInterface } from "node:readline/promises";
import type { Cli } from "./cli.js";
import { CliUsageError } from "./errors.js";

/**
 * True when the user answers yes to `question`. Without a terminal on stdin nobody can answer,
 * so this throws, telling to pass `flag` instead.
 */
export async function confirm(cli: Cli, question: string, flag = "--yes"): Promise<boolean> {
  if (cli.streams.stdin.isTTY !== true) {
    throw new CliUsageError(`Not confirmed: stdin is not a terminal, so nobody can answer "${question}". Pass ${flag} to confirm.`);
  }
  const prompt = createInterface({ input: cli.streams.stdin, output: cli.streams.stdout });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
