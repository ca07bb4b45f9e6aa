package dev.lastseen.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ValueCodecTest {
    @Property(tries = 1000)
    void usageRoundTrips(
            @ForAll long lastSeen,
            @ForAll String colo,
            @ForAll String ip,
            @ForAll long s,
            @ForAll long f,
            @ForAll long p) {
        UsageFields u = new UsageFields(lastSeen, colo, ip, s, f, p);
        assertThat(ValueCodec.decodeUsage(ValueCodec.encode(u))).isEqualTo(u);
    }

    @Property(tries = 1000)
    void registryRoundTrips(@ForAll String name, @ForAll String clientId, @ForAll long created, @ForAll Long expires) {
        RegistryFields r = new RegistryFields(name, clientId, created, expires);
        assertThat(ValueCodec.decodeRegistry(ValueCodec.encode(r))).isEqualTo(r);
    }

    @Property(tries = 1000)
    void usageWithAFailureAndARetirementTimeRoundTrips(
            @ForAll long lastSeen, @ForAll long lastFailure, @ForAll long retired, @ForAll String colo) {
        UsageFields u = new UsageFields(lastSeen, colo, null, 1, 2, 3, lastFailure, retired);
        assertThat(ValueCodec.decodeUsage(ValueCodec.encode(u))).isEqualTo(u);
    }

    @Test
    void layoutV1ValuesStillDecode() {
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(1 + 32 + 8);
        v1.put(ValueCodec.USAGE_V1)
                .putLong(42)
                .putLong(1)
                .putLong(2)
                .putLong(42)
                .putInt(-1)
                .putInt(-1);
        assertThat(ValueCodec.decodeUsage(v1.array()))
                .isEqualTo(new UsageFields(42, null, null, 1, 2, 42, UsageFields.NEVER));
    }

    @Test
    void layoutV2ValuesStillDecodeAsNotRetired() {
        java.nio.ByteBuffer v2 = java.nio.ByteBuffer.allocate(1 + 40 + 8);
        v2.put(ValueCodec.USAGE_V2)
                .putLong(42)
                .putLong(1)
                .putLong(2)
                .putLong(42)
                .putLong(7)
                .putInt(-1)
                .putInt(-1);
        assertThat(ValueCodec.decodeUsage(v2.array()))
                .isEqualTo(new UsageFields(42, null, null, 1, 2, 42, 7, UsageFields.NEVER));
    }

    @Test
    void nullableStringsSurvive() {
        UsageFields u = new UsageFields(UsageFields.NEVER, null, null, 0, 3, UsageFields.NEVER);
        assertThat(ValueCodec.decodeUsage(ValueCodec.encode(u))).isEqualTo(u);
    }

    @Test
    void aRegistryValueOfAnUnknownLayoutIsRefusedNotGuessed() {
        byte[] other = ValueCodec.encode(new RegistryFields("n", "c", 1, null));
        other[0] = 1;
        assertThatThrownBy(() -> ValueCodec.decodeRegistry(other))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Unknown registry value layout version 1");
    }

    @Test
    void theRegistryGroupCannotExpressASecret() {
        assertThat(java.util.Arrays.stream(RegistryFields.class.getRecordComponents())
                        .map(java.lang.reflect.RecordComponent::getName))
                .containsExactly("name", "clientId", "createdAt", "expiresAt");
    }

    @Test
    void tokenKeysOfOneAccountSortTogetherByToken() {
        byte[] a1 = new TokenKey("acct", "a").toBytes();
        byte[] a2 = new TokenKey("acct", "b").toBytes();
        byte[] other = new TokenKey("acct0", "a").toBytes();
        assertThat(java.util.Arrays.compareUnsigned(a1, a2)).isNegative();
        assertThat(java.util.Arrays.compareUnsigned(
                        a2, TokenKey.rangeEnd("acct").toBytes()))
                .isNegative();
        assertThat(java.util.Arrays.compareUnsigned(TokenKey.rangeEnd("acct").toBytes(), other))
                .isNegative();
        assertThat(TokenKey.fromBytes(a2)).isEqualTo(new TokenKey("acct", "b"));
    }
}
