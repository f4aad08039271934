// Smoke test for a Kafka broker, run as a single-file Java program against the jars in lib/:
//
//   java -cp 'infra/kafka/lib/*' infra/kafka/Smoke.java [127.0.0.1:9092]
//   (or: node infra/kafka/kafka.js smoke)
//
// Creates a fresh topic, produces one record, consumes it back in a new consumer group (which
// also exercises the group coordinator and __consumer_offsets), then deletes the topic.

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class Smoke {
  public static void main(String[] args) throws Exception {
    String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
    long t0 = System.nanoTime();
    String topic = "smoke." + System.currentTimeMillis();
    String value = "hello from Smoke.java at " + java.time.Instant.now();

    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
      log(t0, "created topic " + topic + " (3 partitions)");

      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.<String, Object>of(
          "bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", "true",
          "key.serializer", StringSerializer.class.getName(),
          "value.serializer", StringSerializer.class.getName()))) {
        RecordMetadata md = producer.send(new ProducerRecord<>(topic, "k1", value)).get(30, TimeUnit.SECONDS);
        log(t0, "produced to " + md.topic() + "-" + md.partition() + " @ offset " + md.offset());
      }

      boolean found = false;
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.<String, Object>of(
          "bootstrap.servers", bootstrap, "group.id", topic + ".group",
          "auto.offset.reset", "earliest", "enable.auto.commit", "false",
          "key.deserializer", StringDeserializer.class.getName(),
          "value.deserializer", StringDeserializer.class.getName()))) {
        consumer.subscribe(List.of(topic));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!found && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
            if (value.equals(r.value())) {
              found = true;
              log(t0, "consumed " + r.key() + "=" + r.value() + " from partition " + r.partition());
            }
          }
        }
        if (found) consumer.commitSync(Duration.ofSeconds(10));
      }

      admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      log(t0, "deleted topic " + topic);
      if (!found) {
        System.out.println("SMOKE FAILED: record not consumed within 30 s");
        System.exit(1);
      }
    }
    System.out.println("SMOKE OK");
  }

  static void log(long t0, String msg) {
    System.out.printf("[%6.0f ms] %s%n", (System.nanoTime() - t0) / 1e6, msg);
  }
}
