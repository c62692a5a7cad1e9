package rivulet;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Java's side of rivulet's Avro byte-compatibility test: Apicurio's Kafka Avro serializer and
 * deserializer in Confluent's wire format (magic byte 0, 4-byte content id, Avro binary).
 *
 *   write   <registry> <topic> <schema file>     stdin: a value per line in Avro's JSON encoding
 *                                                stdout: the serialized value per line, hex
 *   read    <registry> <topic>                   stdin: hex values; stdout: each as JSON
 *   produce <registry> <topic> <schema file> <bootstrap>   stdin as for write; sends each to the
 *                                                topic (key: the line number as a string)
 *   consume <registry> <topic> <count> <bootstrap>   stdout: key TAB value-as-JSON per record, from
 *                                                the start of the topic, until count are read
 *
 * <registry> is the registry server's base URL (Apicurio's v3 API lies under it).
 */
public final class AvroPeer {
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: write <registry> <topic> <schema file> | read <registry> <topic>");
      System.exit(2);
    }
    Map<String, Object> config = Map.of(
        "apicurio.registry.url", args[1] + "/apis/registry/v3",
        "apicurio.registry.auto-register", "true",
        // Confluent's wire format: no headers, the id in the payload as 4 bytes, the content id
        // (what the registry's Confluent API calls the schema id).
        "apicurio.registry.headers.enabled", "false",
        "apicurio.registry.id-handler", "io.apicurio.registry.serde.Default4ByteIdHandler",
        "apicurio.registry.use-id", "contentId");
    String topic = args[2];
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    HexFormat hex = HexFormat.of();
    if (args[0].equals("produce")) {
      produce(config, topic, new Schema.Parser().parse(new java.io.File(args[3])), args[4], in);
    } else if (args[0].equals("consume")) {
      consume(config, topic, Integer.parseInt(args[3]), args[4]);
    } else if (args[0].equals("write")) {
      Schema schema = new Schema.Parser().parse(new java.io.File(args[3]));
      try (AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>()) {
        serializer.configure(config, false);
        for (String line; (line = in.readLine()) != null; ) {
          GenericRecord record = GenericData.get().deepCopy(schema, fromJson(schema, line));
          System.out.println(hex.formatHex(serializer.serialize(topic, record)));
        }
      }
    } else {
      try (AvroKafkaDeserializer<GenericRecord> deserializer = new AvroKafkaDeserializer<>()) {
        deserializer.configure(config, false);
        for (String line; (line = in.readLine()) != null; ) {
          System.out.println(deserializer.deserialize(topic, hex.parseHex(line)));
        }
      }
    }
  }

  private static void produce(Map<String, Object> serde, String topic, Schema schema, String bootstrap,
      BufferedReader in) throws Exception {
    var props = new java.util.HashMap<String, Object>(serde);
    props.put("bootstrap.servers", bootstrap);
    props.put("acks", "all");
    try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, GenericRecord>(props,
        new org.apache.kafka.common.serialization.StringSerializer(), configured(new AvroKafkaSerializer<>(), serde))) {
      int n = 0;
      for (String line; (line = in.readLine()) != null; n++) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, String.valueOf(n),
            GenericData.get().deepCopy(schema, fromJson(schema, line)))).get();
      }
    }
  }

  private static void consume(Map<String, Object> serde, String topic, int count, String bootstrap) {
    var props = new java.util.HashMap<String, Object>(serde);
    props.put("bootstrap.servers", bootstrap);
    props.put("isolation.level", "read_committed");
    var deserializer = new AvroKafkaDeserializer<GenericRecord>();
    deserializer.configure(serde, false);
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, GenericRecord>(props,
        new org.apache.kafka.common.serialization.StringDeserializer(), deserializer)) {
      var partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.currentTimeMillis() + 60_000;
      int read = 0;
      while (read < count && System.currentTimeMillis() < deadline) {
        for (var record : consumer.poll(java.time.Duration.ofMillis(200))) {
          System.out.println(record.key() + "\t" + record.value());
          read++;
        }
      }
      if (read < count) {
        System.err.println("consume: read " + read + " of " + count + " records within 60 s");
        System.exit(1);
      }
    }
  }

  private static AvroKafkaSerializer<GenericRecord> configured(AvroKafkaSerializer<GenericRecord> s,
      Map<String, Object> config) {
    s.configure(config, false);
    return s;
  }

  /** A record from Avro's JSON encoding of it (unions as {"type": value}). */
  private static GenericRecord fromJson(Schema schema, String json) throws java.io.IOException {
    var reader = new org.apache.avro.generic.GenericDatumReader<GenericRecord>(schema);
    return reader.read(null, org.apache.avro.io.DecoderFactory.get().jsonDecoder(schema, json));
  }
}
