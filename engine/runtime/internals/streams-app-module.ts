import { ConfigError } from '../../errors.js';
import { Topology } from '../../topology/topology.js';
import type { StreamsApp } from '../streams-app.js';

/** Where stream threads in workers build the application from: a module and its factory's parameters. */
export interface StreamsAppSource {
  /** The module's URL (file: URL of a path, or as given). */
  readonly module: string;
  readonly parameters: unknown;
}

/** The module's URL from a path or URL, for `import()` in any thread. */
export function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module)) return module;
  return new URL(module, `file://${process.cwd()}/`).href;
}

/** Imports the module and builds the application with its default export. */
export async function loadStreamsApp(source: StreamsAppSource): Promise<StreamsApp> {
  const where = `KafkaStreams.fromModule(${source.module})`;
  const exports = (await import(source.module)) as { default?: unknown };
  const factory = exports.default;
  if (typeof factory !== 'function')
    throw new ConfigError(
      `${where}: the module's default export must be a function (parameters) => { topology, config }, got ${typeof factory}`,
    );
  const app = (await factory(source.parameters)) as Partial<StreamsApp> | null;
  if (!(app?.topology instanceof Topology) || typeof app.config !== 'object' || app.config === null)
    throw new ConfigError(
      `${where}: the default export must return { topology, config } with a Topology (StreamsBuilder.build()) and a StreamsConfig`,
    );
  return app as StreamsApp;
}
