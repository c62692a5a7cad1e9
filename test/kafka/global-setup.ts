import type { TestProject } from 'vitest/node';
import { dockerEngineAnswers, startDockerBroker } from './docker-broker.js';
import {
  canRunLocalCluster,
  type LocalCluster,
  pinnedKafkaVersion,
  startLocalCluster,
} from './local-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap servers of the broker for this run, or '' when none could be had (outside CI only). */
    kafkaBootstrap: string;
    /** Whether kafka-cluster/ can start clusters here (Java and Maven), for tests that need 3 brokers. */
    kafkaLocalClusterAvailable: boolean;
  }
}

/**
 * Gives the Kafka integration tests a broker: KAFKA_BOOTSTRAP_SERVERS if set; else Testcontainers
 * when a Docker engine answers; else kafka-cluster/start.sh. With CI=true, no broker fails the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const version = await pinnedKafkaVersion();
  const localAvailable = await canRunLocalCluster();
  const failures: string[] = [];
  let broker: LocalCluster | undefined;
  let source = '';

  if (process.env.KAFKA_BOOTSTRAP_SERVERS) {
    broker = { bootstrap: process.env.KAFKA_BOOTSTRAP_SERVERS, stop: async () => {} };
    source = 'KAFKA_BOOTSTRAP_SERVERS';
  } else if (await dockerEngineAnswers()) {
    try {
      broker = await startDockerBroker(version);
      source = `Testcontainers (apache/kafka:${version})`;
    } catch (err) {
      failures.push(`Testcontainers: ${(err as Error).message}`);
    }
  } else {
    failures.push('Testcontainers: no Docker engine answers');
  }
  if (!broker) {
    if (localAvailable) {
      try {
        broker = await startLocalCluster(1);
        source = `kafka-cluster/start.sh (Apache Kafka ${version}, KRaft)`;
      } catch (err) {
        failures.push((err as Error).message);
      }
    } else {
      failures.push('kafka-cluster/: needs Java 17+ and Maven on the PATH');
    }
  }

  if (broker) {
    console.log(`\n[kafka] broker for integration tests: ${broker.bootstrap} via ${source}\n`);
  } else {
    const reasons = failures.map((f) => `  - ${f}`).join('\n');
    if (process.env.CI === 'true') {
      throw new Error(`CI=true and no Kafka broker could be had for the integration tests:\n${reasons}`);
    }
    console.warn(
      `\n${'!'.repeat(78)}\n! NO KAFKA BROKER: the Kafka integration tests are SKIPPED in this run.\n${reasons}\n` +
        `! Set KAFKA_BOOTSTRAP_SERVERS, start Docker, or install Java 17+ and Maven.\n${'!'.repeat(78)}\n`,
    );
  }
  project.provide('kafkaBootstrap', broker?.bootstrap ?? '');
  project.provide('kafkaLocalClusterAvailable', localAvailable);
  return async () => {
    await broker?.stop();
  };
}
