package dev.lastseen.app.audit;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.topology.SecretRule;
import dev.lastseen.registry.RegistryUnavailableException;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.registry.SchemaRegistryException;
import dev.lastseen.serde.InputRejectReason;
import dev.lastseen.serde.WireFormat;
import dev.lastseen.serde.WireFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The secrets the registry ever published, read from the service-tokens topic (every record
 * still in the log, old versions and aborted ones included) into memory only: a
 * {@link SecretIndex} of their bytes, labelled with their token ids. Each record is decoded with
 * its own writer schema, and the values of every field in {@code lastseen.secret.fields} are
 * collected (the same list the decoder refuses to carry). Besides the edge validator, this is the
 * only reader of those fields: looking for the secrets needs them. Values that cannot be told apart
 * from ordinary data are not looked for: shorter than {@value SecretIndex#MIN_BYTES} bytes, or
 * placeholders (which are not secrets).
 *
 * <p>It fails rather than report a partial answer as a complete one: a registry it cannot reach or
 * that refuses it (401, 403) stops the read ({@link Unreadable}); records it cannot decode are
 * counted, and the command treats any as an incomplete audit.
 */
public final class RegistrySecrets {
    private static final Duration POLL = Duration.ofMillis(500);
    /** Field names that suggest a secret: a string field so named and not looked for is warned about. */
    private static final Pattern SECRET_LIKE =
            Pattern.compile("(?i).*(secret|passw|credential|private|hash|api_?key|signing|bearer).*");

    private RegistrySecrets() {}

    /**
     * The index, and what was read: records, undecodable values, values not looked for, and the warnings about
     * writer-schema fields that look like secrets and are not looked for.
     */
    public record Loaded(
            SecretIndex index,
            int longestBytes,
            long records,
            long undecodable,
            long tooShortOrPlaceholder,
            List<String> warnings) {
        public Loaded {
            warnings = List.copyOf(warnings);
        }
    }

    /** The registry could not be asked (unreachable, or it refused lastseen's credentials): nothing was checked. */
    public static final class Unreadable extends RuntimeException {
        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Reads the service-tokens topic of a deployment; placeholders are those of its secret rule
     * ({@code lastseen.secret.*}).
     *
     * @throws Unreadable when the registry cannot be reached or answers 401/403
     */
    public static Loaded read(
            LastseenConfig config,
            Map<String, Object> consumerConfig,
            SchemaRegistryClient registry,
            Duration timeout) {
        String topic = config.topics().serviceTokens();
        List<String> secretFields = config.secrets().fields();
        SecretRule rule = new SecretRule(config.secrets(), config.bounds().maxSecretHashLength());
        Map<Integer, Schema> writers = new HashMap<>();
        Set<String> warnings = new TreeSet<>();
        SecretIndex index = new SecretIndex();
        int longest = 0;
        long records = 0;
        long undecodable = 0;
        long skipped = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic '" + topic + "' does not exist or has no partitions");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "reading " + topic + " did not reach its end offsets within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    records++;
                    if (r.value() == null) {
                        continue;
                    }
                    GenericRecord token = decode(r.value(), registry, writers, secretFields, warnings);
                    if (token == null) {
                        undecodable++;
                        continue;
                    }
                    String tokenId = String.valueOf(field(token, "token_id"));
                    for (String field : secretFields) {
                        if (!(field(token, field) instanceof CharSequence value)) {
                            continue;
                        }
                        String secret = value.toString();
                        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
                        if (rule.violation(secret) == InputRejectReason.SECRET_PLACEHOLDER
                                || bytes.length < SecretIndex.MIN_BYTES) {
                            skipped++;
                            continue;
                        }
                        if (index.add(bytes, tokenId)) {
                            longest = Math.max(longest, bytes.length);
                        }
                    }
                }
            }
        }
        return new Loaded(index, longest, records, undecodable, skipped, List.copyOf(warnings));
    }

    /** The field's value, or null when the writer schema has no such field. */
    private static Object field(GenericRecord record, String name) {
        return record.getSchema().getField(name) == null ? null : record.get(name);
    }

    /** The record under its writer schema, or null when it cannot be decoded (counted by the caller). */
    private static GenericRecord decode(
            byte[] value,
            SchemaRegistryClient registry,
            Map<Integer, Schema> writers,
            List<String> secretFields,
            Set<String> warnings) {
        try {
            int id = WireFormat.readHeader(value);
            Schema writer = writers.get(id);
            if (writer == null) {
                writer = writerSchema(registry, id);
                writers.put(id, writer);
                warnings.addAll(unwatchedSecretLikeFields(writer, id, secretFields));
            }
            return new GenericDatumReader<GenericRecord>(writer)
                    .read(
                            null,
                            DecoderFactory.get()
                                    .binaryDecoder(
                                            value,
                                            WireFormat.HEADER_SIZE,
                                            value.length - WireFormat.HEADER_SIZE,
                                            null));
        } catch (WireFormatException | IOException | AvroRuntimeException | ClassCastException e) {
            return null;
        } catch (SchemaRegistryException e) {
            // A verdict on this record's schema (not found, not Avro): the record cannot be read.
            return null;
        }
    }

    private static Schema writerSchema(SchemaRegistryClient registry, int id) {
        try {
            return registry.schemaById(id);
        } catch (RegistryUnavailableException e) {
            throw new Unreadable(
                    "the schema registry could not be reached, so no service-tokens record could be decoded: "
                            + e.getMessage(),
                    e);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 401 || e.httpStatus() == 403) {
                throw new Unreadable(
                        "the schema registry refused lastseen (HTTP " + e.httpStatus()
                                + "), so no service-tokens record could be decoded: check lastseen.registry.* credentials",
                        e);
            }
            throw e;
        }
    }

    /** Warnings for string fields of a writer schema whose name suggests a secret and that are not looked for. */
    static List<String> unwatchedSecretLikeFields(Schema writer, int id, List<String> secretFields) {
        List<String> out = new ArrayList<>();
        if (writer.getType() != Schema.Type.RECORD) {
            return out;
        }
        for (Schema.Field f : writer.getFields()) {
            if (isString(f.schema()) && SECRET_LIKE.matcher(f.name()).matches() && !secretFields.contains(f.name())) {
                out.add("field '" + f.name() + "' of writer schema " + id + " (" + writer.getFullName()
                        + ") looks like a secret and is not looked for: add it to lastseen.secret.fields");
            }
        }
        return out;
    }

    private static boolean isString(Schema s) {
        return switch (s.getType()) {
            case STRING, BYTES -> true;
            case UNION -> s.getTypes().stream().anyMatch(RegistrySecrets::isString);
            default -> false;
        };
    }
}
