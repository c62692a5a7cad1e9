import { createRequire } from 'node:module';
import type * as RdKafka from '@confluentinc/kafka-javascript';

export type NativeKafka = typeof RdKafka;

const require = createRequire(import.meta.url);
let loaded: NativeKafka | undefined;

/**
 * Loads @confluentinc/kafka-javascript on first use. It is an optional dependency with a native
 * build, so an install where it could not build still runs everything on the embedded log;
 * only Kafka mode needs it, and then the error says how to get it.
 */
export function loadNativeKafka(): NativeKafka {
  if (loaded) return loaded;
  try {
    loaded = require('@confluentinc/kafka-javascript') as NativeKafka;
    return loaded;
  } catch (cause) {
    throw new Error(
      'Kafka mode needs @confluentinc/kafka-javascript, which is not installed or did not build. ' +
        'With internet access `npm install @confluentinc/kafka-javascript` fetches a prebuilt binary. ' +
        'Without it, build from source: install the Debian packages zlib1g-dev libssl-dev libzstd-dev ' +
        'liblz4-dev libsasl2-dev libcurl4-openssl-dev, then `export CKJS_LINKING=dynamic` and run ' +
        '`npm install` again. (Use bootstrapServers "memory://NAME" to run without Kafka.)',
      { cause },
    );
  }
}
