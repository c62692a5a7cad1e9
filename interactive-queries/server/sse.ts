import type { ServerResponse } from 'node:http';

/** Why a stream of events ended, as its last event says. */
export type EndReason = 'slow-consumer' | 'shutdown' | 'error';

/**
 * One Server-Sent Events stream: events, heartbeats, and a bound on what the client leaves unread.
 * A client that falls more than `maxBufferedBytes` behind gets a final `end` event and is dropped,
 * so a slow reader never makes the server buffer without bound.
 */
export class SseStream {
  private readonly heartbeat: NodeJS.Timeout;
  private ended = false;
  private readonly closeListeners: ((reason: EndReason | 'client-left') => void)[] = [];

  constructor(
    private readonly res: ServerResponse,
    heartbeatMs: number,
    private readonly maxBufferedBytes: number,
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), heartbeatMs);
    res.on('close', () => this.closed('client-left'));
  }

  /** Called once when the stream ends, whoever ends it. */
  onClose(listener: (reason: EndReason | 'client-left') => void): void {
    this.closeListeners.push(listener);
  }

  send(event: string, data: unknown, id?: string): void {
    this.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Sends the final `end` event and closes the stream. */
  end(reason: EndReason, message: string): void {
    if (this.ended) return;
    this.res.write(`event: end\ndata: ${JSON.stringify({ reason, message })}\n\n`);
    this.res.end();
    // A client that reads nothing never takes the final bytes: do not wait for it.
    setTimeout(() => this.res.destroy(), 1000).unref();
    this.closed(reason);
  }

  private write(chunk: string): void {
    if (this.ended) return;
    this.res.write(chunk);
    if (this.res.writableLength > this.maxBufferedBytes)
      this.end(
        'slow-consumer',
        `the client left more than ${this.maxBufferedBytes} bytes unread and was dropped; reconnect with Last-Event-ID to resume`,
      );
  }

  private closed(reason: EndReason | 'client-left'): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    for (const listener of this.closeListeners) listener(reason);
  }
}
