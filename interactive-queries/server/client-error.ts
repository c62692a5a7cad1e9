import type { Socket } from 'node:net';

/** What Node's HTTP parser attaches to an error for a request it could not read. */
interface ParseError extends Error {
  code?: string;
  reason?: string;
}

/**
 * Answers a request Node's HTTP parser could not read (fastify's `clientErrorHandler`): a 400 in the
 * API's error shape naming the parser's reason, instead of fastify's bare "Client Error". The method
 * is unknown at this point, so even a HEAD gets the body.
 */
export function answerUnparsableRequest(error: ParseError, socket: Socket): void {
  if (!socket.writable) return;
  if (error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const reason = error.reason ?? error.message;
  const body = JSON.stringify({
    statusCode: 400,
    error: 'bad-request',
    message: `the request could not be parsed (${reason}); send the path and query percent-encoded as UTF-8`,
  });
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
  );
}
