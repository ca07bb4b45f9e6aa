package dev.lastseen.app.access;

import dev.lastseen.app.thresholds.LiveFile;
import dev.lastseen.app.thresholds.ThresholdsRejectedException;
import dev.lastseen.app.thresholds.ThresholdsRejection;
import dev.lastseen.avro.Identifiers;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The API key file: one key per line, as its digest and the accounts it may read, e.g.
 * <pre>
 * # billing dashboard (issued 2026-12-07)
 * sha256:6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b acct-1,acct-2
 * sha256:d4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35 *
 * </pre>
 * {@code *} (every account) counts only when written alone; blank lines and {@code #} comments are
 * skipped. The whole file is refused (and the last good keys stay in force) when any line is wrong,
 * a digest repeats, or the file has no line at all — an empty file is more often a half-written one
 * than a wish to lock everybody out (to revoke every key, leave a comment). The key itself never
 * appears in the file; {@code lastseen api-key digest} prints a line for a new key.
 */
public final class ApiKeyFile implements LiveFile.Format<ApiKeys> {
    public static final long MAX_FILE_BYTES = 1024 * 1024;
    public static final int MAX_KEYS = 10_000;
    /** Most accounts one key may name; a key for more should read every account. */
    public static final int MAX_ACCOUNTS_PER_KEY = 1_000;

    private static final String EVERY_ACCOUNT = "*";

    @Override
    public String noun() {
        return "API key";
    }

    @Override
    public long maxFileBytes() {
        return MAX_FILE_BYTES;
    }

    @Override
    public String describe(ApiKeys keys) {
        return keys.describe();
    }

    @Override
    public ApiKeys parse(byte[] content) throws ThresholdsRejectedException {
        String text = utf8(content);
        if (text.isBlank()) {
            throw new ThresholdsRejectedException(
                    ThresholdsRejection.TRUNCATED,
                    "the file is empty (half-written?); to revoke every key, leave only a comment line");
        }
        List<ApiKeys.Entry> entries = new ArrayList<>();
        Set<String> digests = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int n = i + 1;
            String[] fields = line.split("\\s+");
            if (fields.length != 2) {
                throw malformed(n, "expected 'sha256:<64 hex digits> <account>[,<account>...]' or '... *'");
            }
            String digest = fields[0];
            if (!digest.startsWith(KeyDigest.PREFIX)
                    || digest.length() != KeyDigest.PREFIX.length() + KeyDigest.HEX_CHARS
                    || !digest.substring(KeyDigest.PREFIX.length()).chars().allMatch(ApiKeyFile::isHex)) {
                throw malformed(
                        n,
                        "the first field must be 'sha256:' and 64 hex digits (the key's digest, never the key;"
                                + " 'lastseen api-key digest' prints it)");
            }
            if (!digests.add(digest.toLowerCase(java.util.Locale.ROOT))) {
                throw new ThresholdsRejectedException(
                        ThresholdsRejection.DUPLICATE_KEY, "line " + n + ": the same key digest is listed twice");
            }
            entries.add(new ApiKeys.Entry(
                    HexFormat.of().parseHex(digest.substring(KeyDigest.PREFIX.length())), scope(n, fields[1])));
            if (entries.size() > MAX_KEYS) {
                throw new ThresholdsRejectedException(
                        ThresholdsRejection.TOO_MANY_ENTRIES, "more than " + MAX_KEYS + " keys");
            }
        }
        return new ApiKeys(entries);
    }

    private static AccountScope scope(int line, String field) throws ThresholdsRejectedException {
        if (field.equals(EVERY_ACCOUNT)) {
            return AccountScope.EVERY_ACCOUNT;
        }
        Set<String> accounts = new LinkedHashSet<>();
        for (String account : field.split(",", -1)) {
            if (account.equals(EVERY_ACCOUNT)) {
                throw malformed(line, "'*' (every account) must stand alone, not in a list of accounts");
            }
            String problem = Identifiers.problem(account);
            if (problem != null) {
                throw new ThresholdsRejectedException(
                        ThresholdsRejection.INVALID_ACCOUNT_ID,
                        "line " + line + ": an account id " + problem + " (empty entries between commas included)");
            }
            accounts.add(account);
        }
        if (accounts.size() > MAX_ACCOUNTS_PER_KEY) {
            throw new ThresholdsRejectedException(
                    ThresholdsRejection.TOO_MANY_ENTRIES,
                    "line " + line + ": more than " + MAX_ACCOUNTS_PER_KEY + " accounts for one key");
        }
        return AccountScope.of(accounts);
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static ThresholdsRejectedException malformed(int line, String why) {
        return new ThresholdsRejectedException(ThresholdsRejection.MALFORMED_LINE, "line " + line + ": " + why);
    }

    private static String utf8(byte[] content) throws ThresholdsRejectedException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ThresholdsRejectedException(ThresholdsRejection.MALFORMED_LINE, "the file is not UTF-8 text");
        }
    }
}
