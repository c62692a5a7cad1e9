/** A task: one sub-topology working on one partition of its input topics. Printed `0_3`. */
export class TaskId {
  constructor(
    readonly subtopology: number,
    readonly partition: number,
  ) {}

  toString(): string {
    return `${this.subtopology}_${this.partition}`;
  }

  static parse(text: string): TaskId {
    const match = /^(\d+)_(\d+)$/.exec(text);
    if (!match) throw new Error(`'${text}' is not a task id (expected <subtopology>_<partition>, e.g. 0_3)`);
    return new TaskId(Number(match[1]), Number(match[2]));
  }
}
