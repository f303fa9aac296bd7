// Where the daemon says what it does: the CLI prints it; tests may collect it; by default nowhere.

export interface DaemonLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: DaemonLogger = Object.freeze({ info: () => {}, warn: () => {}, error: () => {} });
