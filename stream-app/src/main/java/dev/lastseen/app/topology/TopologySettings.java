package dev.lastseen.app.topology;

import dev.lastseen.app.config.InputBounds;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.contract.TopicNames;
import java.time.Clock;
import java.time.Duration;

/**
 * Everything the topology factory needs to know, and nothing more.
 *
 * @param accountPartitions partitions of the account-keyed internal topics; must equal those of
 *                          the login topic so both field groups of an account share a task
 *                          (0 lets Kafka Streams derive it — only for the test driver)
 * @param autoRegister      whether output serializers register their schemas
 * @param retention         how long state that nothing refreshes is kept
 * @param neverSeenMaxEntries most usage entries of never-successful token ids per task
 * @param trailingMaxEntries  most tokens per task waiting for a trailing patch
 * @param secrets           the secret rule's settings
 */
public record TopologySettings(
        TopicNames topics,
        Duration patchGranularity,
        Duration clockSkewAllowance,
        InputBounds bounds,
        LastseenConfig.SpikeSettings spikes,
        int accountPartitions,
        boolean autoRegister,
        Clock clock,
        LastseenConfig.RetentionSettings retention,
        long neverSeenMaxEntries,
        long trailingMaxEntries,
        LastseenConfig.SecretSettings secrets) {

    public static TopologySettings from(LastseenConfig config, int accountPartitions, Clock clock) {
        return new TopologySettings(
                config.topics(),
                config.patchGranularity(),
                config.clockSkewAllowance(),
                config.bounds(),
                config.spikes(),
                accountPartitions,
                config.autoRegisterSchemas(),
                clock,
                config.retention(),
                config.neverSeenMaxEntries(),
                config.trailingMaxEntries(),
                config.secrets());
    }
}
