package dev.lastseen.app.thresholds;

import static dev.lastseen.app.thresholds.ThresholdsFiles.VALID;
import static dev.lastseen.app.thresholds.ThresholdsFiles.account7;
import static dev.lastseen.app.thresholds.ThresholdsFiles.appendEntries;
import static dev.lastseen.app.thresholds.ThresholdsFiles.utf8;
import static dev.lastseen.app.thresholds.ThresholdsFiles.withAccounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ThresholdsParserTest {

    private final ThresholdsParser parser = new ThresholdsParser();

    private ThresholdsRejectedException rejection(String json) {
        return rejection(parser, utf8(json));
    }

    private static ThresholdsRejectedException rejection(ThresholdsParser parser, byte[] content) {
        ThresholdsRejectedException e =
                catchThrowableOfType(ThresholdsRejectedException.class, () -> parser.parse(content));
        assertThat(e).as("expected a rejection").isNotNull();
        assertThat(e.getMessage())
                .as("message is one line")
                .doesNotContain("\n")
                .doesNotContain("\r");
        return e;
    }

    @Test
    void validFileIsParsedWithDefaultAndPerAccountThresholds() throws Exception {
        Thresholds t = parser.parse(utf8(VALID));

        assertThat(t.defaultThreshold()).isEqualTo(new SpikeThreshold(20, 3.0));
        assertThat(t.accounts())
                .containsOnly(
                        Map.entry("acct-1", new SpikeThreshold(50, 4.0)),
                        Map.entry("acct-2", new SpikeThreshold(5, 2.0)),
                        Map.entry("k\u00e4se-\ud83d\ude00", new SpikeThreshold(1_000_000, 1000.0)));
        assertThat(t.forAccount("acct-1")).isEqualTo(new SpikeThreshold(50, 4.0));
        assertThat(t.forAccount("unknown")).isEqualTo(new SpikeThreshold(20, 3.0));
    }

    @Test
    void whitespaceAroundTheDocumentIsAccepted() throws Exception {
        assertThat(parser.parse(utf8("\n  " + VALID + "\n\n")).size()).isEqualTo(3);
    }

    @Test
    void emptyAccountsObjectIsAccepted() throws Exception {
        assertThat(parser.parse(utf8(withAccounts(0))).accounts()).isEmpty();
    }

    @Test
    void everyPrefixOfAValidFileIsRejected() {
        byte[] full = utf8(VALID);
        for (int length = 0; length < full.length; length++) {
            byte[] prefix = Arrays.copyOf(full, length);
            ThresholdsRejectedException e = rejection(parser, prefix);
            assertThat(e.reason())
                    .as("prefix of %d/%d bytes", length, full.length)
                    .isIn(ThresholdsRejection.TRUNCATED, ThresholdsRejection.MALFORMED_JSON);
        }
    }

    @Test
    void emptyFileIsRejectedAsTruncated() {
        ThresholdsRejectedException e = rejection("");
        assertThat(e.reason()).isEqualTo(ThresholdsRejection.TRUNCATED);
        assertThat(e.getMessage()).contains("empty");
    }

    @Test
    void fileWithTenTimesTheAllowedEntriesIsRejectedNamingTheBound() {
        ThresholdsParser roomy = new ThresholdsParser(ThresholdsFiles.maxFileBytes(16L << 20));

        ThresholdsRejectedException e = rejection(roomy, utf8(withAccounts(10 * ThresholdsLimits.DEFAULT_MAX_ENTRIES)));

        assertThat(e.reason()).isEqualTo(ThresholdsRejection.TOO_MANY_ENTRIES);
        assertThat(e.getMessage()).contains("maxEntries").contains("10000");
    }

    @Test
    void exactlyMaxEntriesIsAccepted() throws Exception {
        ThresholdsParser small = new ThresholdsParser(ThresholdsFiles.maxEntries(100));
        assertThat(small.parse(utf8(withAccounts(100))).size()).isEqualTo(100);
    }

    @Test
    void tooManyEntriesIsRejectedAsSoonAsEntryMaxPlusOneIsSeen() {
        // 10,001 valid entries followed by garbage and no end: if the parser read
        // past entry 10,001 it would report malformed or truncated JSON instead.
        StringBuilder b =
                new StringBuilder("{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{");
        appendEntries(b, ThresholdsLimits.DEFAULT_MAX_ENTRIES + 1);
        b.append(",!!! not json at all");
        ThresholdsParser roomy = new ThresholdsParser(ThresholdsFiles.maxFileBytes(16L << 20));

        ThresholdsRejectedException e = rejection(roomy, utf8(b.toString()));

        assertThat(e.reason()).isEqualTo(ThresholdsRejection.TOO_MANY_ENTRIES);
    }

    @Test
    void contentOverMaxFileBytesIsRejectedBeforeParsing() {
        ThresholdsParser tiny = new ThresholdsParser(ThresholdsFiles.maxFileBytes(64));
        ThresholdsRejectedException e = rejection(tiny, utf8(VALID));
        assertThat(e.reason()).isEqualTo(ThresholdsRejection.FILE_TOO_LARGE);
        assertThat(e.getMessage()).contains("maxFileBytes").contains("64");
    }

    @Test
    void oversizeFileOnDiskIsRejectedByItsSizeAlone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("thresholds.json");
        // Sparse 8 GiB file: it could not even be held in a byte array.
        // (ThresholdsReloaderTest counts the bytes read: none.)
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(8L << 30);
        }
        ThresholdsRejectedException e =
                catchThrowableOfType(ThresholdsRejectedException.class, () -> parser.parse(file));
        assertThat(e.reason()).isEqualTo(ThresholdsRejection.FILE_TOO_LARGE);
        assertThat(e.getMessage()).contains(Long.toString(8L << 30)).contains("maxFileBytes");
    }

    @Test
    void validFileOnDiskIsParsed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("thresholds.json");
        Files.writeString(file, VALID);
        assertThat(parser.parse(file).forAccount("acct-1")).isEqualTo(new SpikeThreshold(50, 4.0));
    }

    @ParameterizedTest(name = "minimum={0}, factor={1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "0                         | 4.0     | minimum",
                "-5                        | 4.0     | minimum",
                "1000001                   | 4.0     | minimum",
                "99999999999999999999999   | 4.0     | minimum",
                "50                        | 0.99    | factor",
                "50                        | 0       | factor",
                "50                        | -2.0    | factor",
                "50                        | 1000.01 | factor",
                "50                        | 1e400   | factor",
            })
    void valueOutOfBoundsIsRejectedNamingAccountAndField(String minimum, String factor, String field) {
        ThresholdsRejectedException e = rejection(account7(minimum, factor));

        assertThat(e.reason()).isEqualTo(ThresholdsRejection.OUT_OF_BOUNDS);
        assertThat(e.getMessage())
                .contains("accounts[\"acct-7\"]." + field)
                .contains("out of bounds")
                .contains(field.equals("minimum") ? "[1, 1000000]" : "[1.0, 1000.0]");
    }

    @Test
    void boundaryValuesAreAccepted() throws Exception {
        assertThat(parser.parse(utf8(account7("1", "1.0"))).forAccount("acct-7"))
                .isEqualTo(new SpikeThreshold(1, 1.0));
        assertThat(parser.parse(utf8(account7("1000000", "1000"))).forAccount("acct-7"))
                .isEqualTo(new SpikeThreshold(1_000_000, 1000.0));
    }

    @Test
    void defaultOutOfBoundsIsRejectedNamingTheDefault() {
        ThresholdsRejectedException e =
                rejection("{\"version\":1,\"default\":{\"minimum\":0,\"factor\":3.0},\"accounts\":{}}");
        assertThat(e.reason()).isEqualTo(ThresholdsRejection.OUT_OF_BOUNDS);
        assertThat(e.getMessage()).contains("default.minimum = 0");
    }

    @ParameterizedTest(name = "minimum={0}, factor={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "\"50\"  | 4.0       | minimum",
                "50.0    | 4.0       | minimum",
                "true    | 4.0       | minimum",
                "null    | 4.0       | minimum",
                "[50]    | 4.0       | minimum",
                "{}      | 4.0       | minimum",
                "50      | \"4.0\"   | factor",
                "50      | null      | factor",
                "50      | false     | factor",
            })
    void wrongTypeIsRejectedNamingAccountAndField(String minimum, String factor, String field) {
        ThresholdsRejectedException e = rejection(account7(minimum, factor));
        assertThat(e.reason()).isEqualTo(ThresholdsRejection.WRONG_TYPE);
        assertThat(e.getMessage()).contains("accounts[\"acct-7\"]." + field + " must be");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[]",
                "1",
                "null",
                "\"thresholds\"",
                "{\"version\":1,\"default\":[],\"accounts\":{}}",
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":[]}",
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{\"a\":7}}",
                "{\"version\":\"1\",\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{}}",
            })
    void wrongStructureIsRejectedAsWrongType(String json) {
        assertThat(rejection(json).reason()).isEqualTo(ThresholdsRejection.WRONG_TYPE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{},\"extra\":1}",
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0,\"window\":60},\"accounts\":{}}",
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{\"a\":{\"minimum\":1,\"factor\":1,\"x\":{}}}}",
                // deeply nested junk under an unknown field is refused, not skipped over
                "{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            })
    void unknownFieldIsRejected(String json) {
        assertThat(rejection(json).reason()).isEqualTo(ThresholdsRejection.UNKNOWN_FIELD);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{\"a\":{\"minimum\":1,\"factor\":1},\"a\":{\"minimum\":2,\"factor\":1}}}",
                "{\"version\":1,\"default\":{\"minimum\":20,\"minimum\":21,\"factor\":3.0},\"accounts\":{}}",
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0,\"factor\":3.0},\"accounts\":{}}",
                "{\"version\":1,\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{}}",
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{}}",
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{},\"accounts\":{}}",
            })
    void duplicateKeyIsRejected(String json) {
        assertThat(rejection(json).reason()).isEqualTo(ThresholdsRejection.DUPLICATE_KEY);
    }

    @Test
    void duplicateAccountIsRejectedNamingTheAccount() {
        ThresholdsRejectedException e = rejection("{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},"
                + "\"accounts\":{\"acct-9\":{\"minimum\":1,\"factor\":1},\"acct-9\":{\"minimum\":2,\"factor\":1}}}");
        assertThat(e.getMessage()).contains("duplicate key accounts[\"acct-9\"]");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{}}",
                "{\"version\":1,\"accounts\":{}}",
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0}}",
                "{\"version\":1,\"default\":{\"minimum\":20},\"accounts\":{}}",
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{\"a\":{\"factor\":3.0}}}",
            })
    void missingFieldIsRejected(String json) {
        assertThat(rejection(json).reason()).isEqualTo(ThresholdsRejection.MISSING_FIELD);
    }

    @ParameterizedTest
    @ValueSource(strings = {" {}", " {\"version\":1}", "\n[]", " 0"})
    void secondDocumentAfterTheObjectIsRejectedAsTrailingContent(String trailing) {
        ThresholdsRejectedException e = rejection(VALID + trailing);
        assertThat(e.reason()).isEqualTo(ThresholdsRejection.TRAILING_CONTENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "}", " // comment", ",", "\u0000"})
    void garbageAfterTheObjectIsRejected(String trailing) {
        assertThat(rejection(VALID + trailing).reason())
                .isIn(ThresholdsRejection.TRAILING_CONTENT, ThresholdsRejection.MALFORMED_JSON);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"version\":1,,\"default\":{}}",
                "{\"version\":01,\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{}}",
                "{'version':1}",
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":NaN},\"accounts\":{}}",
                "{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0,},\"accounts\":{}}",
            })
    void malformedJsonIsRejected(String json) {
        assertThat(rejection(json).reason()).isEqualTo(ThresholdsRejection.MALFORMED_JSON);
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] bad = utf8(account7("50", "4.0"));
        int i = new String(bad, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("acct-7");
        bad[i] = (byte) 0xC3; // start of a two-byte sequence followed by an ASCII byte
        assertThat(rejection(parser, bad).reason()).isEqualTo(ThresholdsRejection.MALFORMED_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "2", "-1", "1.0", "4294967297"})
    void unsupportedVersionIsRejected(String version) {
        ThresholdsRejectedException e =
                rejection("{\"version\":" + version + ",\"default\":{\"minimum\":20,\"factor\":3.0},\"accounts\":{}}");
        assertThat(e.reason()).isIn(ThresholdsRejection.UNSUPPORTED_VERSION, ThresholdsRejection.WRONG_TYPE);
        assertThat(e.getMessage()).contains("version");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\\t", "a\\u0000b", "a\\nb", "a\\u007fb", "a\\u0085b"})
    void invalidAccountIdIsRejected(String jsonEscapedId) {
        ThresholdsRejectedException e = rejection("{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},"
                + "\"accounts\":{\"" + jsonEscapedId + "\":{\"minimum\":1,\"factor\":1}}}");
        assertThat(e.reason()).isEqualTo(ThresholdsRejection.INVALID_ACCOUNT_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\\ud800b", "\\udc00", "\\ud800"})
    void accountIdWithAnUnpairedSurrogateIsRejected(String jsonEscapedId) {
        // Jackson itself refuses some of these; either way nothing is applied.
        ThresholdsRejectedException e = rejection("{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},"
                + "\"accounts\":{\"" + jsonEscapedId + "\":{\"minimum\":1,\"factor\":1}}}");
        assertThat(e.reason()).isIn(ThresholdsRejection.INVALID_ACCOUNT_ID, ThresholdsRejection.MALFORMED_JSON);
    }

    @Test
    void accountIdLongerThanTheBoundIsRejectedNamingTheBound() {
        String id = "a".repeat(ThresholdsLimits.DEFAULT_MAX_ACCOUNT_ID_LENGTH + 1);
        ThresholdsRejectedException e = rejection("{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},"
                + "\"accounts\":{\"" + id + "\":{\"minimum\":1,\"factor\":1}}}");
        assertThat(e.reason()).isEqualTo(ThresholdsRejection.INVALID_ACCOUNT_ID);
        assertThat(e.getMessage())
                .contains("maxAccountIdLength")
                .contains("128")
                .contains("129 chars");
    }

    @Test
    void accountIdOfExactlyTheMaximumLengthIsAccepted() {
        String id = "a".repeat(ThresholdsLimits.DEFAULT_MAX_ACCOUNT_ID_LENGTH);
        assertThatCode(() -> parser.parse(utf8("{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},"
                        + "\"accounts\":{\"" + id + "\":{\"minimum\":1,\"factor\":1}}}")))
                .doesNotThrowAnyException();
    }

    @Test
    void hugeAccountIdIsRejectedWithoutEchoingItWhole() {
        String id = "x".repeat(100_000);
        ThresholdsRejectedException e = rejection("{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},"
                + "\"accounts\":{\"" + id + "\":{\"minimum\":1,\"factor\":1}}}");
        assertThat(e.reason()).isIn(ThresholdsRejection.INVALID_ACCOUNT_ID, ThresholdsRejection.OUT_OF_BOUNDS);
        assertThat(e.getMessage()).hasSizeLessThan(500);
    }

    @Test
    void controlCharactersInKeysNeverReachTheMessageRaw() {
        ThresholdsRejectedException e = rejection("{\"version\":1,\"default\":{\"minimum\":20,\"factor\":3.0},"
                + "\"accounts\":{\"a\\nFAKE LOG LINE\":{\"minimum\":1,\"factor\":1}}}");
        assertThat(e.getMessage()).contains("\\n").doesNotContain("\n");
    }
}
