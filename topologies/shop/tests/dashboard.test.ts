// The functions given to page.evaluate run in the browser: they need the DOM types.
/// <reference lib="dom" />
import type { Browser, Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/chromium.js';
import { DEMO_CATALOGUE, startLoadGenerator } from '../load-generator.js';
import { startShopInstances } from './shop-instances.js';

// The live dashboard in a real headless browser (Debian's chromium through puppeteer-core): the
// page loads on one instance of a running shop, its numbers move while orders flow, and once the
// load stops they equal what the HTTP API answers — sagas, stock of every product, dead letters.

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Polls `read` until `done` holds (at most `timeoutMs`); the last value. */
async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached in ${timeoutMs} ms, last ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What the page shows: the saga counters, each stock row, the dead-letter count and the charts' points. */
function shown(page: Page) {
  return page.evaluate(() => {
    const text = (id: string) => document.getElementById(id)?.textContent ?? '';
    const stock = Object.fromEntries(
      Array.from(document.querySelectorAll<HTMLTableRowElement>('#stock tbody tr')).map((row) => [
        row.dataset.product,
        Array.from(row.cells)
          .slice(1, 4)
          .map((c) => Number(c.textContent)),
      ]),
    );
    return {
      connection: document.getElementById('connection')?.dataset.state,
      pollError: text('poll-error'),
      running: Number(text('saga-running')),
      completed: Number(text('saga-completed')),
      compensated: Number(text('saga-compensated')),
      deadLetters: Number(text('dead-letter-count')),
      deadLetterRows: document.querySelectorAll('#dead-letters tbody tr').length,
      stock,
      ordersChartPoints: Number(document.getElementById('orders-chart')?.dataset.points),
      revenueChartPoints: Number(document.getElementById('revenue-chart')?.dataset.points),
    };
  });
}

const json = async <T>(url: string) => (await (await fetch(url)).json()) as T;

describe('the live dashboard', () => {
  it('loads, shows numbers that move while orders flow, and matches the HTTP API', async () => {
    const shops = await startShopInstances({
      products: DEMO_CATALOGUE.map((c) => c.product),
      // every other notification fails, quickly retried, so the dead letters fill up
      shop: { notifications: { failureRate: 0.5, retryDelaysMs: [20, 20], retryCheckIntervalMs: 10 } },
    });
    cleanup.push(() => shops.close());
    const [a, b] = shops.urls as [string, string];
    const browser: Browser = await launchChromium();
    cleanup.push(() => browser.close());
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    page.on('requestfailed', (request) => {
      // an EventSource closed by the test's end is not an error of the page
      if (!request.url().includes('/changes'))
        pageErrors.push(`${request.url()}: ${request.failure()?.errorText}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${response.url()}: ${response.status()}`);
    });
    await page.setViewport({ width: 1280, height: 1000 });
    const loaded = await page.goto(`${a}/dashboard`);
    expect(loaded?.status()).toBe(200);
    expect(await page.title()).toBe('rivulet shop — live');

    const load = startLoadGenerator(shops.commands, { ordersPerSecond: 40 });
    let stopped = false;
    cleanup.push(async () => {
      if (!stopped) await load.stop();
    });
    const first = await until(
      () => shown(page),
      (s) => s.completed > 0,
      'a completed saga on the page',
    );
    expect(first.connection).toBe('live');
    await until(
      () => shown(page),
      (s) => s.completed > first.completed + 20,
      'the completed count moving',
    );
    const moving = await until(
      () => shown(page),
      (s) => s.ordersChartPoints >= 3 && s.revenueChartPoints === 15,
      'the charts drawn',
    );
    expect(Object.keys(moving.stock).sort()).toEqual(DEMO_CATALOGUE.map((c) => c.product.productId).sort());

    stopped = true;
    await load.stop();
    // Settled: every saga ended, the dead letters no longer growing (the API asked on the other instance).
    const api = await until(
      () => json<{ running: number; completed: number; compensated: number }>(`${b}/sagas`),
      (s) => s.running === 0 && s.completed + s.compensated === load.placed(),
      'every saga ended',
    );
    await new Promise((r) => setTimeout(r, 500)); // the last retries and dead letters
    const { deadLetters } = await json<{ deadLetters: unknown[] }>(`${b}/notifications/dead-letters`);
    expect(deadLetters.length).toBeGreaterThan(0);
    const stock = Object.fromEntries(
      await Promise.all(
        DEMO_CATALOGUE.map(async ({ product: { productId } }) => {
          const s = await json<{ onHand: number; reserved: number; available: number }>(
            `${b}/products/${productId}/stock`,
          );
          return [productId, [s.onHand, s.reserved, s.available]] as const;
        }),
      ),
    );
    const final = await until(
      () => shown(page),
      (s) =>
        s.completed === api.completed &&
        s.compensated === api.compensated &&
        s.deadLetters === deadLetters.length &&
        JSON.stringify(s.stock) === JSON.stringify(Object.fromEntries(Object.entries(stock).sort())),
      'the page showing what the API answers',
    );
    expect(final).toMatchObject({
      connection: 'live',
      pollError: '',
      running: 0,
      deadLetterRows: Math.min(20, deadLetters.length),
    });
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
