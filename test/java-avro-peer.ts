import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const peerDir = resolve(import.meta.dirname, 'java-avro-peer');

/**
 * Builds test/java-avro-peer (Apicurio's Kafka Avro serdes, from Maven Central) and returns a
 * function that runs it with `args` (its modes are in AvroPeer.java) and `input` as its stdin
 * lines; resolves to its stdout lines.
 */
export async function javaAvroPeer(): Promise<(args: string[], input: string[]) => Promise<string[]>> {
  const jar = join(peerDir, 'target', 'java-avro-peer-1.jar');
  const libs = join(peerDir, 'target', 'libs');
  // Maven compiles only what changed, so building on every call costs a few seconds.
  await run(
    'mvn',
    [
      '-q',
      '-B',
      'package',
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${libs}`,
    ],
    {
      cwd: peerDir,
      timeout: 10 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  ).catch((err: Error & { stdout?: string; stderr?: string }) => {
    throw new Error(
      `building test/java-avro-peer with Maven failed: ${err.stdout ?? ''}${err.stderr || err.message}`,
    );
  });
  return (args, input) =>
    new Promise((resolvePeer, reject) => {
      const child = execFile(
        'java',
        ['-cp', `${jar}:${libs}/*`, 'rivulet.AvroPeer', ...args],
        { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`java-avro-peer ${args.join(' ')} failed: ${stderr || err.message}`));
          else resolvePeer(stdout.trim() === '' ? [] : stdout.trim().split('\n'));
        },
      );
      child.stdin?.end(input.map((line) => `${line}\n`).join(''));
    });
}
