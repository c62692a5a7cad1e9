import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

// A real headless browser for the tests: Debian's chromium (`.ci/run` installs it), driven by
// puppeteer-core. No browser is a failure naming the fix, never a skip.

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Starts headless chromium (CHROMIUM_PATH, or the system's); the caller closes it. */
export function launchChromium(): Promise<Browser> {
  const executablePath = [process.env.CHROMIUM_PATH, ...CANDIDATES].find((p) => p && existsSync(p));
  if (!executablePath)
    throw new Error(
      `no chromium to run the browser tests: looked at ${[process.env.CHROMIUM_PATH ?? '$CHROMIUM_PATH (unset)', ...CANDIDATES].join(', ')}; install it (apt-get install --no-install-recommends chromium) or set CHROMIUM_PATH`,
    );
  // --no-sandbox: the tests run as root in CI, where chromium's sandbox refuses to start.
  return puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}
