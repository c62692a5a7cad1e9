import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 0;

/**
 * A task's `.checkpoint`: for each changelog partition, the offset its persistent stores are
 * restored up to. Kafka Streams' text layout: a version line, a count line, then
 * `<topic> <partition> <offset>` lines. Written atomically (temp file + rename).
 */
export class CheckpointFile {
  private readonly path: string;

  constructor(taskDirectory: string) {
    this.path = join(taskDirectory, '.checkpoint');
  }

  read(): Map<string, number> {
    const offsets = new Map<string, number>();
    if (!existsSync(this.path)) return offsets;
    const [version, count, ...lines] = readFileSync(this.path, 'utf8').trim().split('\n');
    if (Number(version) !== VERSION) throw new Error(`${this.path}: unknown checkpoint version ${version}`);
    for (const line of lines.slice(0, Number(count))) {
      const [topic, partition, offset] = line.split(' ');
      offsets.set(`${topic} ${partition}`, Number(offset));
    }
    return offsets;
  }

  write(offsets: ReadonlyMap<string, number>): void {
    const lines = [...offsets].map(([tp, offset]) => `${tp} ${offset}`);
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${VERSION}\n${lines.length}\n${lines.join('\n')}\n`);
    renameSync(tmp, this.path);
  }

  delete(): void {
    rmSync(this.path, { force: true });
  }
}

/** The checkpoint map key of a changelog partition. */
export function checkpointKey(topic: string, partition: number): string {
  return `${topic} ${partition}`;
}
