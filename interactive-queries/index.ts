// The HTTP query server of rivulet: `import { startQueryServer } from 'rivulet/interactive-queries'`.
export { type ErrorBody, HttpError } from './server/http-error.js';
export type { KeyParser } from './server/key-text.js';
export type { QueryAuth, QueryServerOptions } from './server/options.js';
export { type QueryServer, startQueryServer } from './server/query-server.js';
