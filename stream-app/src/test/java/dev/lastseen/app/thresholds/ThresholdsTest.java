package dev.lastseen.app.thresholds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThresholdsTest {

    @Test
    void forAccountFallsBackToTheDefaultForUnknownAndNullAccounts() {
        Thresholds t = new Thresholds(new SpikeThreshold(20, 3.0), Map.of("a", new SpikeThreshold(5, 2.0)));

        assertThat(t.forAccount("a")).isEqualTo(new SpikeThreshold(5, 2.0));
        assertThat(t.forAccount("b")).isEqualTo(new SpikeThreshold(20, 3.0));
        assertThat(t.forAccount(null)).isEqualTo(new SpikeThreshold(20, 3.0));
    }

    @Test
    void thresholdsAreACopyAndCannotBeModified() {
        Map<String, SpikeThreshold> source = new HashMap<>(Map.of("a", new SpikeThreshold(5, 2.0)));
        Thresholds t = new Thresholds(SpikeThreshold.DEFAULT, source);

        source.put("b", new SpikeThreshold(6, 2.0));

        assertThat(t.accounts()).containsOnlyKeys("a");
        assertThatThrownBy(() -> t.accounts().put("c", SpikeThreshold.DEFAULT))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void builtInDefaultsMatchTheDocumentedExample() {
        assertThat(Thresholds.builtInDefaults().forAccount("any")).isEqualTo(new SpikeThreshold(20, 3.0));
    }

    @Test
    void spikeThresholdRefusesNonsenseValues() {
        assertThatThrownBy(() -> new SpikeThreshold(0, 3.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SpikeThreshold(1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SpikeThreshold(1, 0.0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void limitsDefaultsAreTheDocumentedBounds() {
        ThresholdsLimits l = ThresholdsLimits.defaults();
        assertThat(l.maxFileBytes()).isEqualTo(1024 * 1024);
        assertThat(l.maxEntries()).isEqualTo(10_000);
        assertThat(l.minMinimum()).isEqualTo(1);
        assertThat(l.maxMinimum()).isEqualTo(1_000_000);
        assertThat(l.minFactor()).isEqualTo(1.0);
        assertThat(l.maxFactor()).isEqualTo(1000.0);
        assertThat(l.maxAccountIdLength()).isEqualTo(128);
    }

    @Test
    void limitsRefuseInconsistentBounds() {
        assertThatThrownBy(() -> ThresholdsFiles.maxFileBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ThresholdsFiles.maxEntries(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThresholdsLimits(1024, 10, 5, 4, 1.0, 2.0, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThresholdsLimits(1024, 10, 1, 4, 3.0, 2.0, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
