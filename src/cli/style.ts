// Terminal colours, on only for a terminal and never when NO_COLOR is set (https://no-color.org).

export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** Colours for `stream`: FORCE_COLOR turns them on, NO_COLOR or TERM=dumb off, else only on a TTY. */
export function createStyle(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Style {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  const enabled = forced || (!env.NO_COLOR && env.TERM !== "dumb" && stream.isTTY === true);
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** The text without colour codes, for measuring its width. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}
