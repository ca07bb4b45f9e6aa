package dev.lastseen.applier;

import java.nio.file.Path;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigException;

/**
 * The name {@code lastseen apply} has in its consumer group (static membership): configured, or kept
 * in a local directory ({@link dev.lastseen.common.InstanceIdFile}).
 */
public final class IdentityConfig {
    public static final String INSTANCE_ID = "lastseen.apply.instance.id";
    public static final String STATE_DIR = "lastseen.apply.state.dir";

    private static final String INSTANCE_ID_TEXT = "1..200 characters: letters, digits, '.', '_' or '-'";
    private static final Pattern INSTANCE_ID_RULE = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private IdentityConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        INSTANCE_ID,
                        ConfigDef.Type.STRING,
                        null,
                        ConfigDef.LambdaValidator.with(
                                (name, value) -> {
                                    if (value != null
                                            && !INSTANCE_ID_RULE
                                                    .matcher(value.toString())
                                                    .matches()) {
                                        throw new ConfigException(name, value, "must be " + INSTANCE_ID_TEXT);
                                    }
                                },
                                () -> INSTANCE_ID_TEXT),
                        Importance.MEDIUM,
                        "This applier's stable name in the consumer group (group.instance.id: a static member, so a restarted "
                                + "applier gets its partitions back at once instead of after the session timeout). ops/k8s sets "
                                + "it to the StatefulSet pod name. Unset: the name kept in lastseen.apply.state.dir. Two running "
                                + "appliers must never share a name.")
                .define(
                        STATE_DIR,
                        ConfigDef.Type.STRING,
                        null,
                        Importance.LOW,
                        "Local directory keeping this applier's name when lastseen.apply.instance.id is unset (created on the "
                                + "first start, locked while running: one applier per directory). Unset: "
                                + "<java.io.tmpdir>/lastseen-apply.");
    }

    public static ApplierConfig.Identity from(AbstractConfig c) {
        String stateDir = c.getString(STATE_DIR);
        return new ApplierConfig.Identity(
                c.getString(INSTANCE_ID),
                Path.of(stateDir != null ? stateDir : System.getProperty("java.io.tmpdir") + "/lastseen-apply"));
    }
}
