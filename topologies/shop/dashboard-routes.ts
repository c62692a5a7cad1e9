import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

const here = new URL('./dashboard/', import.meta.url);
const resolve = createRequire(import.meta.url).resolve;

/** The dashboard's files: its page and script, and uPlot (the charts) from its npm package. */
const FILES: Readonly<Record<string, { path: string | URL; type: string }>> = {
  '/dashboard': { path: new URL('index.html', here), type: 'text/html; charset=utf-8' },
  '/dashboard/dashboard.js': { path: new URL('dashboard.js', here), type: 'text/javascript; charset=utf-8' },
  '/dashboard/dashboard.css': { path: new URL('dashboard.css', here), type: 'text/css; charset=utf-8' },
  '/dashboard/uplot.js': {
    path: resolve('uplot/dist/uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/dashboard/uplot.css': { path: resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/**
 * The live dashboard (GET /dashboard): a static page whose script reads the shop's HTTP API and
 * follows the stores' changes over SSE. The files are read once, at start.
 */
export function dashboardRoutes(app: FastifyInstance): void {
  for (const [url, file] of Object.entries(FILES)) {
    const body = readFileSync(file.path);
    app.get(url, { schema: { hide: true } }, (_request, reply) =>
      reply.header('content-type', file.type).header('cache-control', 'no-cache').send(body),
    );
  }
}
