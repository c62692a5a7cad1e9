import type { RecordProducer } from 'rivulet';
import type { Product } from './inventory-events.js';
import type { OrderCommand, OrderLine } from './order-events.js';
import { type ShopTopics, TOPICS } from './topics.js';

// What `npm start` feeds the shop: a catalogue, then orders at a steady rate, as a shop's
// customers would place them (through the same producer API as the HTTP API).

/** A product of the catalogue, and how often orders ask for it relative to the others. */
export interface CatalogueEntry {
  readonly product: Product;
  readonly weight: number;
}

const entry = (productId: string, name: string, priceCents: number, stock: number, weight = 1) => ({
  product: { schemaVersion: 1, productId, name, priceCents, stock } as const,
  weight,
});

/**
 * The demo catalogue. The limited edition is asked for rarely and sells out early, so from then on
 * the orders that want it meet too little stock (and are cancelled).
 */
export const DEMO_CATALOGUE: readonly CatalogueEntry[] = [
  entry('keyboard', 'Keyboard', 4_999, 50_000),
  entry('mouse', 'Mouse', 1_999, 50_000),
  entry('monitor', 'Monitor', 24_900, 20_000),
  entry('laptop', 'Laptop', 129_900, 10_000),
  entry('headset', 'Headset', 7_900, 30_000),
  entry('webcam', 'Webcam', 5_900, 30_000),
  entry('limited-edition', 'Limited edition', 99_900, 25, 0.1),
];

/** Writes the catalogue (each product with its stock) to the products topic. */
export async function writeCatalogue(
  producer: RecordProducer<string, Product>,
  topics: ShopTopics = TOPICS,
  catalogue: readonly CatalogueEntry[] = DEMO_CATALOGUE,
): Promise<void> {
  for (const { product } of catalogue) producer.send(topics.products.name, product.productId, product);
  await producer.flush();
}

export interface LoadGenerator {
  /** Orders placed (written and acknowledged) so far. */
  placed(): number;
  /** Stops placing orders; resolves once the last batch is written. */
  stop(): Promise<void>;
}

export interface LoadOptions {
  readonly ordersPerSecond: number;
  readonly topics?: ShopTopics;
  readonly catalogue?: readonly CatalogueEntry[];
  /** Customer ids are `customer-1` … `customer-<customers>`; 50 by default. */
  readonly customers?: number;
  /** Called when a batch cannot be written (the generator goes on with the next one). */
  readonly onError?: (error: Error) => void;
}

const TICK_MS = 100;

/** Places random orders (1–3 lines of 1–3 units) at `ordersPerSecond`, in batches every 100 ms. */
export function startLoadGenerator(
  producer: RecordProducer<string, OrderCommand>,
  options: LoadOptions,
): LoadGenerator {
  const { topics = TOPICS, catalogue = DEMO_CATALOGUE, customers = 50, onError } = options;
  let sequence = 0;
  let placed = 0;
  let owed = 0; // fractional orders carried to the next tick, so any rate is kept on average
  let writing: Promise<void> = Promise.resolve();
  const runId = Date.now().toString(36); // order ids of two runs on one broker do not meet
  const timer = setInterval(() => {
    owed += (options.ordersPerSecond * TICK_MS) / 1_000;
    const count = Math.floor(owed);
    owed -= count;
    if (count === 0) return;
    for (let i = 0; i < count; i++) {
      const orderId = `order-${runId}-${++sequence}`;
      producer.send(topics.orderCommands.name, orderId, {
        schemaVersion: 1,
        type: 'PlaceOrder',
        commandId: `place-${orderId}`,
        orderId,
        customerId: `customer-${1 + Math.floor(Math.random() * customers)}`,
        lines: randomLines(catalogue),
      });
    }
    writing = writing
      .then(() => producer.flush())
      .then(
        () => {
          placed += count;
        },
        (err: Error) => onError?.(err),
      );
  }, TICK_MS);
  return {
    placed: () => placed,
    stop: async () => {
      clearInterval(timer);
      await writing;
    },
  };
}

/** 1–3 lines of distinct products, each picked in proportion to its weight. */
export function randomLines(catalogue: readonly CatalogueEntry[]): OrderLine[] {
  const totalWeight = catalogue.reduce((sum, e) => sum + e.weight, 0);
  const pick = () => {
    let at = Math.random() * totalWeight;
    for (const e of catalogue) {
      at -= e.weight;
      if (at < 0) return e.product;
    }
    return catalogue.at(-1)!.product;
  };
  const lineCount = 1 + Math.floor(Math.random() * 3);
  const picked = new Map<string, Product>();
  while (picked.size < Math.min(lineCount, catalogue.length)) {
    const product = pick();
    picked.set(product.productId, product);
  }
  return [...picked.values()].map((p) => ({
    productId: p.productId,
    quantity: 1 + Math.floor(Math.random() * 3),
    unitPriceCents: p.priceCents,
  }));
}
