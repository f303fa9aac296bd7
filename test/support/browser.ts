// Real Chromium (Debian's package) driven by playwright-core, for the web UI's tests.
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { startDevProcess, type DevProcess } from "./dev-process.js";

const CHROMIUM = process.env.TESSERA_CHROMIUM ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: install Debian's package (apt-get install chromium; .ci/run does) or set TESSERA_CHROMIUM.`);
  }
  // Without the background-networking flags Chromium keeps dialling Google's hosts, which this machine refuses.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export interface UiSession {
  readonly dev: DevProcess;
  readonly browser: Browser;
  readonly page: Page;
  /** Closes Chromium, then stops `tessera dev`. */
  close(): Promise<void>;
}

/**
 * Starts `tessera dev` (in `cwd`, with `home`) and Chromium side by side and opens one page. When either fails to start,
 * the other is shut down before the error is thrown: a failed start must not leave a browser or a server running past
 * the test file, where it would hold the worker open and load the machine for the files after it.
 */
export async function openUi(cwd: string, home: string, devArgs: readonly string[], viewport: { width: number; height: number } = { width: 1400, height: 900 }): Promise<UiSession> {
  const [devStart, browserStart] = await Promise.allSettled([startDevProcess(cwd, home, devArgs), launchChromium()]);
  const dev = devStart.status === "fulfilled" ? devStart.value : undefined;
  const browser = browserStart.status === "fulfilled" ? browserStart.value : undefined;
  const closeBoth = async () => {
    await browser?.close();
    await dev?.stop();
  };
  if (!dev || !browser) {
    await closeBoth();
    throw devStart.status === "rejected" ? devStart.reason : (browserStart as PromiseRejectedResult).reason;
  }
  try {
    const page = await browser.newPage({ viewport });
    return { dev, browser, page, close: closeBoth };
  } catch (error) {
    await closeBoth();
    throw error;
  }
}
