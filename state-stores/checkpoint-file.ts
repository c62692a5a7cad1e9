import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TopicPartitionOffset, tpKey } from '../engine/topic-partition.js';

/**
 * The version line names the layout of the stores the checkpoint vouches for (version 1: LMDB keys
 * behind a prefix byte, timestamped DSL values). A checkpoint of an older layout is not trusted: its
 * stores are wiped and restored from their changelogs, which keep one layout across versions.
 */
const VERSION = 1;

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

  /** Whether the last `read` found a checkpoint of an older store layout (and so returned nothing). */
  olderLayout = false;

  /** The checkpointed offsets by `tpKey` of their changelog partition. */
  read(): Map<string, number> {
    const offsets = new Map<string, number>();
    this.olderLayout = false;
    if (!existsSync(this.path)) return offsets;
    const [version, count, ...lines] = readFileSync(this.path, 'utf8').trim().split('\n');
    if (Number(version) < VERSION) {
      this.olderLayout = true;
      return offsets;
    }
    if (Number(version) !== VERSION)
      throw new Error(
        `${this.path}: checkpoint version ${version} was written by a newer rivulet; run that version, or delete the task directory to rebuild its state from the changelogs`,
      );
    for (const line of lines.slice(0, Number(count))) {
      const [topic, partition, offset] = line.split(' ');
      offsets.set(tpKey({ topic: topic!, partition: Number(partition) }), Number(offset));
    }
    return offsets;
  }

  write(offsets: readonly TopicPartitionOffset[]): void {
    const lines = offsets.map((o) => `${o.topic} ${o.partition} ${o.offset}`);
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${VERSION}\n${lines.length}\n${lines.join('\n')}\n`);
    renameSync(tmp, this.path);
  }

  delete(): void {
    rmSync(this.path, { force: true });
  }
}
