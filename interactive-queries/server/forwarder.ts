import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HttpError } from './http-error.js';

/** Set on a request one instance forwards to another: the receiver answers itself, never forwards again. */
export const FORWARDED_HEADER = 'x-rivulet-forwarded';

/** The headers of an owner's answer a forwarded answer carries back. */
const PASSED_BACK = [
  'retry-after',
  'x-rivulet-lag',
  'x-rivulet-partition',
  'x-rivulet-answered-by',
  'content-type',
];

export interface ForwardedAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Sends requests on to other instances (one hop, kept-alive connections), passing their answers back. */
export class Forwarder {
  private readonly agent: HttpAgent | HttpsAgent;

  constructor(
    private readonly tls: { readonly ca?: string | Buffer } | undefined,
    private readonly timeoutMs: number,
  ) {
    this.agent = tls ? new HttpsAgent({ keepAlive: true, ca: tls.ca }) : new HttpAgent({ keepAlive: true });
  }

  /** GETs `pathAndQuery` from the instance at `address` (host:port), with the caller's authorization. */
  get(address: string, pathAndQuery: string, authorization: string | undefined): Promise<ForwardedAnswer> {
    const [host, port] = splitAddress(address);
    const headers: Record<string, string> = { [FORWARDED_HEADER]: '1', accept: 'application/json' };
    if (authorization) headers.authorization = authorization;
    const request = this.tls ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host,
          port,
          path: pathAndQuery,
          method: 'GET',
          headers,
          agent: this.agent,
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              statusCode: res.statusCode ?? 502,
              headers: passedBack(res.headers),
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', (err) => reject(unreachable(address, err)));
        },
      );
      req.on('timeout', () => {
        req.destroy();
        reject(
          new HttpError(
            504,
            'owner-timeout',
            `the instance at ${address} that hosts the key did not answer within ${this.timeoutMs} ms`,
          ),
        );
      });
      req.on('error', (err) => reject(err instanceof HttpError ? err : unreachable(address, err)));
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon).replace(/^\[|\]$/g, ''), Number(address.slice(colon + 1))];
}

function passedBack(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of PASSED_BACK) {
    const value = headers[name];
    if (typeof value === 'string') kept[name] = value;
  }
  return kept;
}

/** An owner that cannot be reached is most often one that just left: the key moves, so retry. */
function unreachable(address: string, err: Error): HttpError {
  return new HttpError(
    503,
    'owner-unreachable',
    `the instance at ${address} that hosts the key could not be reached (it may be leaving; the key moves to another): ${err.message}`,
    { 'retry-after': '1' },
  );
}
