package dev.lastseen.app.thresholds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ThresholdsParserPropertiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ThresholdsParser parser = new ThresholdsParser();

    @Property(tries = 200)
    void anyValidThresholdsSurviveARoundTrip(@ForAll("thresholds") Thresholds t) throws Exception {
        assertThat(parser.parse(serialize(t))).isEqualTo(t);
    }

    @Property(tries = 50)
    void everyProperPrefixOfAValidFileIsRejectedAsTruncated(@ForAll("thresholds") Thresholds t) throws Exception {
        byte[] full = serialize(t);
        for (int length = 0; length < full.length; length++) {
            byte[] prefix = Arrays.copyOf(full, length);
            ThresholdsRejectedException e =
                    catchThrowableOfType(ThresholdsRejectedException.class, () -> parser.parse(prefix));
            assertThat(e).as("prefix of %d/%d bytes", length, full.length).isNotNull();
            assertThat(e.reason()).isIn(ThresholdsRejection.TRUNCATED, ThresholdsRejection.MALFORMED_JSON);
        }
    }

    @Provide
    Arbitrary<Thresholds> thresholds() {
        Arbitrary<SpikeThreshold> threshold = Combinators.combine(
                        Arbitraries.longs().between(1, 1_000_000),
                        Arbitraries.doubles().between(1.0, 1000.0))
                .as(SpikeThreshold::new);
        Arbitrary<String> accountId = Arbitraries.strings()
                .withCharRange('a', 'z')
                .withCharRange('0', '9')
                .withChars('-', '_', '\u00e9', '\u4e16')
                .ofMinLength(1)
                .ofMaxLength(128);
        return Combinators.combine(
                        threshold, Arbitraries.maps(accountId, threshold).ofMaxSize(8))
                .as(Thresholds::new);
    }

    private static byte[] serialize(Thresholds t) throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", 1);
        doc.put("default", fields(t.defaultThreshold()));
        Map<String, Object> accounts = new LinkedHashMap<>();
        t.accounts().forEach((id, s) -> accounts.put(id, fields(s)));
        doc.put("accounts", accounts);
        return JSON.writeValueAsBytes(doc);
    }

    private static Map<String, Object> fields(SpikeThreshold s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("minimum", s.minimum());
        m.put("factor", s.factor());
        return m;
    }
}
