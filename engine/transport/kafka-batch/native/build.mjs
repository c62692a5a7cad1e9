// Builds the batch data plane's addon (native/*.c) with the C compiler, against the librdkafka that
// @confluentinc/kafka-javascript built and the headers of the running Node. Run by `npm install`
// (postinstall) and by `.ci/run`; prints why when it cannot build, and exits 0 then (the engine falls
// back to the per-message client and says so), unless --strict.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const here = import.meta.dirname;
const sources = ['addon.c', 'consumer.c', 'producer.c'].map((f) => resolve(here, f));
const built = resolve(here, 'build/rivulet_kafka.node');
const strict = process.argv.includes('--strict');

function fail(reason) {
  process.stderr.write(`rivulet: the batch Kafka data plane was not built: ${reason}\n`);
  process.exit(strict ? 1 : 0);
}

let deps;
try {
  const require = createRequire(import.meta.url);
  deps = resolve(dirname(require.resolve('@confluentinc/kafka-javascript/package.json')), 'build/deps');
} catch {
  fail('@confluentinc/kafka-javascript is not installed (see README, "Kafka")');
}
const nodeHeaders = resolve(process.execPath, '../../include/node');
if (!existsSync(resolve(deps, 'librdkafka.so.1')))
  fail(
    `${deps}/librdkafka.so.1 is missing (@confluentinc/kafka-javascript built without its own librdkafka?)`,
  );
if (!existsSync(resolve(nodeHeaders, 'node_api.h'))) fail(`Node's headers are missing in ${nodeHeaders}`);
const newest = Math.max(...[...sources, resolve(here, 'addon.h')].map((f) => statSync(f).mtimeMs));
if (existsSync(built) && statSync(built).mtimeMs > newest) process.exit(0);
mkdirSync(dirname(built), { recursive: true });
try {
  execFileSync(
    process.env.CC ?? 'cc',
    [
      '-O2',
      '-shared',
      '-fPIC',
      '-Wall',
      '-Werror',
      '-DNODE_GYP_MODULE_NAME=rivulet_kafka',
      `-I${nodeHeaders}`,
      `-I${resolve(deps, 'include')}`,
      '-o',
      built,
      ...sources,
      `-L${deps}`,
      '-l:librdkafka.so.1',
      `-Wl,-rpath,${deps}`,
      '-lpthread',
    ],
    { stdio: 'inherit' },
  );
} catch (err) {
  fail(`the C compiler failed (${err.message})`);
}
process.stderr.write(`rivulet: built the batch Kafka data plane (${built})\n`);
