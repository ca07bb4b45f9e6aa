package dev.lastseen.app.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.thresholds.LiveFile;
import dev.lastseen.app.thresholds.ThresholdsRejectedException;
import dev.lastseen.app.thresholds.ThresholdsRejection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyFileTest {
    private static final String KEY_A = "key-a-0123456789abcdef-0123456789";
    private static final String KEY_B = "key-b-0123456789abcdef-0123456789";

    @TempDir
    Path dir;

    private ApiKeyStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static ApiKeys parse(String text) throws ThresholdsRejectedException {
        return new ApiKeyFile().parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private static ThresholdsRejection rejection(String text) {
        try {
            parse(text);
            throw new AssertionError("accepted: " + text);
        } catch (ThresholdsRejectedException e) {
            return e.reason();
        }
    }

    @Test
    void eachLineGivesItsKeyTheAccountsItNamesAndOnlyAnExplicitStarGivesEveryAccount() throws Exception {
        ApiKeys keys = parse(
                "# billing\n" + KeyDigest.written(KEY_A) + "  acct-1,acct-2\n\n" + KeyDigest.written(KEY_B) + " *\n");
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.scopeOf(KEY_A)).hasValue(AccountScope.of(Set.of("acct-1", "acct-2")));
        assertThat(keys.scopeOf(KEY_B)).hasValue(AccountScope.EVERY_ACCOUNT);
        assertThat(keys.scopeOf("key-c-0123456789abcdef-0123456789")).isEmpty();
    }

    @Test
    void aWrongLineRefusesTheWholeFileWithAReasonAndNeverAcceptsAPlainKey() {
        assertThat(rejection(KEY_A + " acct-1"))
                .as("a plain key, not a digest")
                .isEqualTo(ThresholdsRejection.MALFORMED_LINE);
        assertThat(rejection(KeyDigest.written(KEY_A))).as("no accounts").isEqualTo(ThresholdsRejection.MALFORMED_LINE);
        assertThat(rejection(KeyDigest.written(KEY_A) + " acct-1,*"))
                .as("'*' in a list")
                .isEqualTo(ThresholdsRejection.MALFORMED_LINE);
        assertThat(rejection(KeyDigest.written(KEY_A) + " acct-1,,acct-2"))
                .isEqualTo(ThresholdsRejection.INVALID_ACCOUNT_ID);
        assertThat(rejection(KeyDigest.written(KEY_A) + " *\n" + KeyDigest.written(KEY_A) + " acct-1"))
                .isEqualTo(ThresholdsRejection.DUPLICATE_KEY);
        assertThat(rejection("")).as("empty: half-written, not 'revoke all'").isEqualTo(ThresholdsRejection.TRUNCATED);
        assertThat(rejection("sha256:" + "g".repeat(64) + " *")).isEqualTo(ThresholdsRejection.MALFORMED_LINE);
    }

    @Test
    void theFileIsReloadedLiveAndABadVersionKeepsTheLastGoodKeys() throws Exception {
        Path file = dir.resolve("api-keys");
        store = ApiKeyStore.unstarted(file);
        assertThat(store.reloadNow()).isEqualTo(LiveFile.Result.FILE_MISSING);
        assertThat(store.get().isEmpty()).as("no file: no key").isTrue();

        replace(file, KeyDigest.written(KEY_A) + " acct-1\n");
        assertThat(store.reloadNow()).isEqualTo(LiveFile.Result.APPLIED);
        assertThat(store.get().scopeOf(KEY_A)).isPresent();

        // Revoking A and issuing B: one edit, no restart.
        replace(file, KeyDigest.written(KEY_B) + " acct-2\n");
        assertThat(store.reloadNow()).isEqualTo(LiveFile.Result.APPLIED);
        assertThat(store.get().scopeOf(KEY_A)).isEmpty();
        assertThat(store.get().scopeOf(KEY_B)).hasValue(AccountScope.of(Set.of("acct-2")));

        // A broken edit: the last good keys stay in force.
        replace(file, KEY_A + " acct-1\n");
        assertThat(store.reloadNow()).isEqualTo(LiveFile.Result.REJECTED);
        assertThat(store.get().scopeOf(KEY_B)).isPresent();
        assertThat(store.get().scopeOf(KEY_A)).isEmpty();
    }

    private static void replace(Path file, String content) throws IOException {
        Path temp = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), content);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
