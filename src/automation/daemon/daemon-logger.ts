// Where the daemon says what it does: the CLI prints it; tests may collect it; by default nowhere.

/** Where the daemon reports what it does: the CLI prints it; by default it goes nowhere. */
export interface DaemonLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: DaemonLogger = Object.freeze({ info: () => {}, warn: () => {}, error: () => {} });
