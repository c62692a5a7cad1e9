package rivulet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Kafka Streams running one benchmark workload, implemented as rivulet's bench/workloads/topologies.ts.
 * Flags: --workload --guarantee --application-id --bootstrap --input --output [--table] --state-dir
 * --commit-interval-ms [--threads N]. Prints BENCH-APP-READY once RUNNING; SIGTERM closes it.
 */
public final class PeerApp {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = parse(argv);
    String workload = required(args, "workload");
    String input = required(args, "input");
    String output = required(args, "output");

    StreamsBuilder builder = new StreamsBuilder();
    switch (workload) {
      case "passthrough" ->
          builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
              .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
      case "stateless" ->
          builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
              .mapValues(PeerApp::parse)
              .filter((k, e) -> "view".equals(e.get("type").asText()))
              .mapValues(PeerApp::project)
              .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
      case "count" ->
          builder.stream(input, Consumed.with(Serdes.Integer(), Serdes.ByteArray()))
              .groupByKey()
              .count(Materialized.<Integer, Long, KeyValueStore<Bytes, byte[]>>as("counts")
                  .withKeySerde(Serdes.Integer()).withValueSerde(Serdes.Long()))
              .toStream()
              .to(output, Produced.with(Serdes.Integer(), Serdes.Long()));
      case "windowed-count" ->
          builder.stream(input, Consumed.with(Serdes.Integer(), Serdes.ByteArray()))
              .groupByKey()
              .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(1000)).advanceBy(Duration.ofMillis(500)))
              .count(Materialized.<Integer, Long, WindowStore<Bytes, byte[]>>as("counts")
                  .withKeySerde(Serdes.Integer()).withValueSerde(Serdes.Long()))
              .toStream()
              .to(output, Produced.with(
                  WindowedSerdes.timeWindowedSerdeFrom(Integer.class, 1000L), Serdes.Long()));
      case "stream-table-join" -> {
        KTable<Integer, byte[]> table = builder.table(required(args, "table"),
            Consumed.with(Serdes.Integer(), Serdes.ByteArray()),
            Materialized.<Integer, byte[], KeyValueStore<Bytes, byte[]>>as("table")
                .withKeySerde(Serdes.Integer()).withValueSerde(Serdes.ByteArray()));
        builder.stream(input, Consumed.with(Serdes.Integer(), Serdes.ByteArray()))
            .leftJoin(table, (value, row) -> row,
                Joined.with(Serdes.Integer(), Serdes.ByteArray(), Serdes.ByteArray()))
            .to(output, Produced.with(Serdes.Integer(), Serdes.ByteArray()));
      }
      case "repartition-count" ->
          builder.stream(input, Consumed.with(Serdes.Integer(), Serdes.ByteArray()))
              .groupBy((k, v) -> (ByteBuffer.wrap(v).getShort(0) & 0xffff) % 1000,
                  Grouped.with(Serdes.Integer(), Serdes.ByteArray()))
              .count(Materialized.<Integer, Long, KeyValueStore<Bytes, byte[]>>as("counts")
                  .withKeySerde(Serdes.Integer()).withValueSerde(Serdes.Long()))
              .toStream()
              .to(output, Produced.with(Serdes.Integer(), Serdes.Long()));
      case "session-count" ->
          builder.stream(input, Consumed.with(Serdes.Integer(), Serdes.ByteArray()))
              .groupByKey()
              .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(300), Duration.ofMillis(300)))
              .count(Materialized.<Integer, Long, SessionStore<Bytes, byte[]>>as("sessions")
                  .withKeySerde(Serdes.Integer()).withValueSerde(Serdes.Long()))
              .toStream()
              .to(output, Produced.with(
                  WindowedSerdes.sessionWindowedSerdeFrom(Integer.class), Serdes.Long()));
      case "stream-stream-join" -> {
        KStream<Integer, byte[]> stream =
            builder.stream(input, Consumed.with(Serdes.Integer(), Serdes.ByteArray()));
        stream.join(stream, PeerApp::joined,
                JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(50)),
                StreamJoined.with(Serdes.Integer(), Serdes.ByteArray(), Serdes.ByteArray()))
            .to(output, Produced.with(Serdes.Integer(), Serdes.ByteArray()));
      }
      case "fk-join" -> {
        KTable<Integer, byte[]> rows = builder.table(required(args, "table"),
            Consumed.with(Serdes.Integer(), Serdes.ByteArray()));
        builder.table(input, Consumed.with(Serdes.Integer(), Serdes.ByteArray()))
            .join(rows, (byte[] v) -> (ByteBuffer.wrap(v).getShort(0) & 0xffff) % 1000, PeerApp::joined)
            .toStream()
            .to(output, Produced.with(Serdes.Integer(), Serdes.ByteArray()));
      }
      default -> throw new IllegalArgumentException("unknown workload " + workload);
    }

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, required(args, "application-id"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, required(args, "bootstrap"));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, required(args, "guarantee"));
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, required(args, "commit-interval-ms"));
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10 * 1024 * 1024L);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, args.getOrDefault("threads", "1"));
    props.put(StreamsConfig.STATE_DIR_CONFIG, required(args, "state-dir"));
    // max.task.idle.ms stays at its default (0), as rivulet's maxTaskIdleMs: both know each input's
    // fetch lag (KIP-695), so the join reads the preloaded table rows before the stream records after them.
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch done = new CountDownLatch(1);
    streams.setStateListener((next, previous) -> {
      if (next == KafkaStreams.State.RUNNING) System.out.println("BENCH-APP-READY");
      if (next == KafkaStreams.State.ERROR || next == KafkaStreams.State.NOT_RUNNING) done.countDown();
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close(Duration.ofSeconds(10));
      done.countDown();
    }));
    streams.start();
    done.await();
  }

  /** Both joins' output: the first 8 bytes of each side (bench/workloads/data.ts joinedBytes). */
  private static byte[] joined(byte[] left, byte[] right) {
    byte[] out = new byte[16];
    System.arraycopy(left, 0, out, 0, 8);
    System.arraycopy(right, 0, out, 8, 8);
    return out;
  }

  private static JsonNode parse(byte[] value) {
    try {
      return JSON.readTree(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON event", e);
    }
  }

  private static byte[] project(JsonNode event) {
    ObjectNode out = JSON.createObjectNode();
    out.set("userId", event.get("userId"));
    out.set("itemId", event.get("itemId"));
    out.set("amount", event.get("amount"));
    try {
      return JSON.writeValueAsBytes(out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) throw new IllegalArgumentException("expected --flag value, got " + argv[i]);
      args.put(argv[i].substring(2), argv[i + 1]);
    }
    return args;
  }

  private static String required(Map<String, String> args, String name) {
    String value = args.get(name);
    if (value == null || value.isEmpty()) throw new IllegalArgumentException("--" + name + " is required");
    return value;
  }
}
