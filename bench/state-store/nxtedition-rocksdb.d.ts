// The package ships no typings; these are the parts the benchmark uses.
declare module '@nxtedition/rocksdb' {
  export class RocksLevel {
    constructor(location: string, options?: { keyEncoding?: string; valueEncoding?: string });
    open(): Promise<void>;
    close(): Promise<void>;
    batch(operations: { type: 'put' | 'del'; key: Buffer; value?: Buffer }[]): Promise<void>;
    iterator(options: { gte?: Buffer; lt?: Buffer; limit?: number }): unknown;
  }
}
