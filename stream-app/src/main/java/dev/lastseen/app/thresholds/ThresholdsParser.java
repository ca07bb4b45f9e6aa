package dev.lastseen.app.thresholds;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.lastseen.common.LogSafe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Parses and validates the per-account failure-spike thresholds file:
 *
 * <pre>{@code
 * {"version":1,
 *  "default":{"minimum":20,"factor":3.0},
 *  "accounts":{"acct-1":{"minimum":50,"factor":4.0}}}
 * }</pre>
 *
 * All three top-level fields and both threshold fields are required.
 *
 * <p>Every bound in {@link ThresholdsLimits} is enforced while streaming,
 * before anything is built: the byte size before parsing (and, for
 * {@link #parse(Path)}, before reading), the entry count as soon as entry
 * {@code maxEntries + 1} is seen, each value as soon as it is read. Unknown
 * fields, duplicate keys, wrong types, trailing content and truncated input are
 * rejected. Nothing is skipped over unread. A rejection is a
 * {@link ThresholdsRejectedException} with a bounded {@link ThresholdsRejection}
 * and a one-line message naming the account and field.
 *
 * <p>Thread-safe and stateless apart from its limits.
 */
public final class ThresholdsParser {

    /** The only file format version understood. */
    public static final int FORMAT_VERSION = 1;

    private static final int MAX_DETAIL_CHARS = 200;

    private final ThresholdsLimits limits;
    private final JsonFactory factory;

    public ThresholdsParser(ThresholdsLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        // root -> accounts -> account -> value: depth 3
                        .maxNestingDepth(8)
                        .maxNumberLength(64)
                        .maxNameLength(Math.max(1024, limits.maxAccountIdLength() * 4))
                        .maxStringLength(1024)
                        .build())
                .build();
    }

    public ThresholdsParser() {
        this(ThresholdsLimits.defaults());
    }

    public ThresholdsLimits limits() {
        return limits;
    }

    /**
     * Checks the file size, then reads at most {@code maxFileBytes + 1} bytes
     * and parses them. A file over the limit is rejected without being read.
     */
    public Thresholds parse(Path file) throws ThresholdsRejectedException, IOException {
        long size = Files.size(file);
        checkSize(size);
        byte[] content = FileAccess.DEFAULT.readAtMost(file, (int) limits.maxFileBytes() + 1);
        return parse(content);
    }

    /** Rejects a size over {@code maxFileBytes}. */
    public void checkSize(long sizeBytes) throws ThresholdsRejectedException {
        if (sizeBytes > limits.maxFileBytes()) {
            throw new ThresholdsRejectedException(
                    ThresholdsRejection.FILE_TOO_LARGE,
                    "file is " + sizeBytes + " bytes, over the maxFileBytes bound of " + limits.maxFileBytes());
        }
    }

    /** Validates and parses the complete file content. */
    public Thresholds parse(byte[] content) throws ThresholdsRejectedException {
        Objects.requireNonNull(content, "content");
        checkSize(content.length);
        try (JsonParser p = factory.createParser(content)) {
            return new Reading(p).document();
        } catch (ThresholdsRejectedException e) {
            throw e;
        } catch (JsonEOFException e) {
            throw new ThresholdsRejectedException(
                    ThresholdsRejection.TRUNCATED, "truncated JSON " + at(e.getLocation()) + ": " + detail(e), e);
        } catch (StreamConstraintsException e) {
            throw new ThresholdsRejectedException(
                    ThresholdsRejection.OUT_OF_BOUNDS,
                    "JSON structure bound exceeded " + at(e.getLocation()) + ": " + detail(e),
                    e);
        } catch (JsonProcessingException e) {
            if (atEndOfInput(e)) {
                throw new ThresholdsRejectedException(
                        ThresholdsRejection.TRUNCATED, "truncated JSON " + at(e.getLocation()) + ": " + detail(e), e);
            }
            throw new ThresholdsRejectedException(
                    ThresholdsRejection.MALFORMED_JSON, "malformed JSON " + at(e.getLocation()) + ": " + detail(e), e);
        } catch (IOException e) {
            // Reading from a byte array: only Jackson's own exceptions are expected.
            throw new ThresholdsRejectedException(
                    ThresholdsRejection.MALFORMED_JSON,
                    "unreadable JSON: " + LogSafe.oneLine(String.valueOf(e.getMessage()), MAX_DETAIL_CHARS),
                    e);
        }
    }

    /**
     * Jackson reports most cut-off inputs (e.g. inside an object) as plain
     * parse errors rather than {@link JsonEOFException}. A few (a number cut
     * after its decimal point) stay {@link ThresholdsRejection#MALFORMED_JSON};
     * rejected either way.
     */
    private static boolean atEndOfInput(JsonProcessingException e) {
        return String.valueOf(e.getOriginalMessage()).contains("end-of-input");
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return "at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String detail(JsonProcessingException e) {
        // Drop Jackson's "[Source: REDACTED (...); " noise from nested locations.
        String message = String.valueOf(e.getOriginalMessage()).replaceAll("\\[Source: [^;\\]]*; ", "[");
        return LogSafe.oneLine(message, MAX_DETAIL_CHARS);
    }

    /** One streaming pass over one document. */
    private final class Reading {
        private final JsonParser p;

        Reading(JsonParser p) {
            this.p = p;
        }

        Thresholds document() throws IOException, ThresholdsRejectedException {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw reject(ThresholdsRejection.TRUNCATED, "empty file: expected a JSON object");
            }
            if (first != JsonToken.START_OBJECT) {
                throw reject(
                        ThresholdsRejection.WRONG_TYPE, "top level must be a JSON object, found " + describe(first));
            }
            boolean sawVersion = false;
            SpikeThreshold defaultThreshold = null;
            Map<String, SpikeThreshold> accounts = null;
            JsonToken t;
            while ((t = next()) != JsonToken.END_OBJECT) {
                String field = p.currentName();
                switch (field) {
                    case "version" -> {
                        if (sawVersion) {
                            throw duplicate("version");
                        }
                        sawVersion = true;
                        version(next());
                    }
                    case "default" -> {
                        if (defaultThreshold != null) {
                            throw duplicate("default");
                        }
                        defaultThreshold = threshold("default");
                    }
                    case "accounts" -> {
                        if (accounts != null) {
                            throw duplicate("accounts");
                        }
                        accounts = accounts();
                    }
                    default ->
                        throw reject(
                                ThresholdsRejection.UNKNOWN_FIELD,
                                "unknown top-level field " + LogSafe.quoted(field, limits.maxAccountIdLength())
                                        + " (expected version, default, accounts)");
                }
            }
            if (!sawVersion) {
                throw reject(ThresholdsRejection.MISSING_FIELD, "missing top-level field \"version\"");
            }
            if (defaultThreshold == null) {
                throw reject(ThresholdsRejection.MISSING_FIELD, "missing top-level field \"default\"");
            }
            if (accounts == null) {
                throw reject(ThresholdsRejection.MISSING_FIELD, "missing top-level field \"accounts\"");
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw reject(
                        ThresholdsRejection.TRAILING_CONTENT,
                        "trailing content after the top-level object " + at(p.currentTokenLocation()));
            }
            return new Thresholds(defaultThreshold, accounts);
        }

        private void version(JsonToken t) throws IOException, ThresholdsRejectedException {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw reject(ThresholdsRejection.WRONG_TYPE, "version must be an integer, found " + describe(t));
            }
            if (p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() != FORMAT_VERSION) {
                throw reject(
                        ThresholdsRejection.UNSUPPORTED_VERSION,
                        "unsupported version " + LogSafe.oneLine(p.getText(), 40) + " (supported: " + FORMAT_VERSION
                                + ")");
            }
        }

        private Map<String, SpikeThreshold> accounts() throws IOException, ThresholdsRejectedException {
            JsonToken t = next();
            if (t != JsonToken.START_OBJECT) {
                throw reject(ThresholdsRejection.WRONG_TYPE, "accounts must be a JSON object, found " + describe(t));
            }
            Map<String, SpikeThreshold> accounts = new HashMap<>();
            int entries = 0;
            while (next() != JsonToken.END_OBJECT) {
                entries++;
                if (entries > limits.maxEntries()) {
                    // Rejected as soon as entry maxEntries + 1 appears; the rest is never read.
                    throw reject(
                            ThresholdsRejection.TOO_MANY_ENTRIES,
                            "accounts has more than the maxEntries bound of " + limits.maxEntries() + " entries");
                }
                String accountId = p.currentName();
                validateAccountId(accountId);
                String path = "accounts[" + LogSafe.quoted(accountId, limits.maxAccountIdLength()) + "]";
                if (accounts.containsKey(accountId)) {
                    throw duplicate(path);
                }
                accounts.put(accountId, threshold(path));
            }
            return accounts;
        }

        private void validateAccountId(String id) throws ThresholdsRejectedException {
            int max = limits.maxAccountIdLength();
            if (id.isBlank()) {
                throw reject(
                        ThresholdsRejection.INVALID_ACCOUNT_ID,
                        "account id " + LogSafe.quoted(id, max) + " is empty or blank");
            }
            if (id.length() > max) {
                throw reject(
                        ThresholdsRejection.INVALID_ACCOUNT_ID,
                        "account id " + LogSafe.quoted(id, 32) + " is " + id.length()
                                + " chars long, over the maxAccountIdLength bound of " + max);
            }
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (Character.isISOControl(c)) {
                    throw reject(
                            ThresholdsRejection.INVALID_ACCOUNT_ID,
                            "account id " + LogSafe.quoted(id, max) + " contains control character U+"
                                    + String.format("%04X", (int) c) + " at index " + i);
                }
                if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw reject(
                            ThresholdsRejection.INVALID_ACCOUNT_ID,
                            "account id " + LogSafe.quoted(id, max) + " contains an unpaired surrogate at index " + i);
                }
            }
        }

        /** Reads {@code {"minimum":<int>,"factor":<number>}}; the field name is already consumed. */
        private SpikeThreshold threshold(String path) throws IOException, ThresholdsRejectedException {
            JsonToken t = next();
            if (t != JsonToken.START_OBJECT) {
                throw reject(ThresholdsRejection.WRONG_TYPE, path + " must be a JSON object, found " + describe(t));
            }
            Long minimum = null;
            Double factor = null;
            while (next() != JsonToken.END_OBJECT) {
                String field = p.currentName();
                switch (field) {
                    case "minimum" -> {
                        if (minimum != null) {
                            throw duplicate(path + ".minimum");
                        }
                        minimum = minimum(path + ".minimum");
                    }
                    case "factor" -> {
                        if (factor != null) {
                            throw duplicate(path + ".factor");
                        }
                        factor = factor(path + ".factor");
                    }
                    default ->
                        throw reject(
                                ThresholdsRejection.UNKNOWN_FIELD,
                                "unknown field " + path + "." + LogSafe.quoted(field, limits.maxAccountIdLength())
                                        + " (expected minimum, factor)");
                }
            }
            if (minimum == null) {
                throw reject(ThresholdsRejection.MISSING_FIELD, path + ".minimum is missing");
            }
            if (factor == null) {
                throw reject(ThresholdsRejection.MISSING_FIELD, path + ".factor is missing");
            }
            return new SpikeThreshold(minimum, factor);
        }

        private long minimum(String path) throws IOException, ThresholdsRejectedException {
            JsonToken t = next();
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw reject(ThresholdsRejection.WRONG_TYPE, path + " must be an integer, found " + describe(t));
            }
            JsonParser.NumberType type = p.getNumberType();
            if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
                throw outOfBounds(path, p.getText(), "[" + limits.minMinimum() + ", " + limits.maxMinimum() + "]");
            }
            long value = p.getLongValue();
            if (value < limits.minMinimum() || value > limits.maxMinimum()) {
                throw outOfBounds(
                        path, Long.toString(value), "[" + limits.minMinimum() + ", " + limits.maxMinimum() + "]");
            }
            return value;
        }

        private double factor(String path) throws IOException, ThresholdsRejectedException {
            JsonToken t = next();
            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                throw reject(ThresholdsRejection.WRONG_TYPE, path + " must be a number, found " + describe(t));
            }
            double value = p.getDoubleValue();
            // !(in range) also catches NaN and the infinity a too-large literal becomes.
            if (!(value >= limits.minFactor() && value <= limits.maxFactor())) {
                throw outOfBounds(
                        path,
                        LogSafe.oneLine(p.getText(), 40),
                        "[" + limits.minFactor() + ", " + limits.maxFactor() + "]");
            }
            return value;
        }

        /** Next token; end of input inside the document is truncation. */
        private JsonToken next() throws IOException, ThresholdsRejectedException {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw reject(ThresholdsRejection.TRUNCATED, "truncated JSON: input ends inside the document");
            }
            return t;
        }

        private ThresholdsRejectedException outOfBounds(String path, String value, String bounds) {
            return reject(ThresholdsRejection.OUT_OF_BOUNDS, path + " = " + value + " is out of bounds " + bounds);
        }

        private ThresholdsRejectedException duplicate(String what) {
            return reject(ThresholdsRejection.DUPLICATE_KEY, "duplicate key " + what);
        }

        private ThresholdsRejectedException reject(ThresholdsRejection reason, String message) {
            return new ThresholdsRejectedException(reason, message);
        }

        private String describe(JsonToken t) {
            if (t == null) {
                return "end of input";
            }
            return switch (t) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT -> "an integer";
                case VALUE_NUMBER_FLOAT -> "a decimal number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NULL -> "null";
                default -> t.name();
            };
        }
    }
}
