package dev.lastseen.deploy.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The system shared libraries (glibc, libstdc++, zlib, ...) that a set of ELF files needs, found
 * with the build machine's {@code ldd}, which lists the whole transitive closure. Each library
 * keeps the path the build machine's loader found it at, so the same loader finds it in the
 * image; the ELF interpreter keeps its absolute path (e.g. /lib64/ld-linux-x86-64.so.2).
 */
final class SharedLibraries {
    /** "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or "libjvm.so => not found". */
    private static final Pattern RESOLVED =
            Pattern.compile("^\\s*(\\S+)\\s+=>\\s+(\\S+)(?:\\s+\\(0x[0-9a-f]+\\))?\\s*$");
    /** "/lib64/ld-linux-x86-64.so.2 (0x...)": the interpreter; "linux-vdso.so.1 (0x...)" is the kernel's. */
    private static final Pattern ABSOLUTE = Pattern.compile("^\\s*(/\\S+)\\s+\\(0x[0-9a-f]+\\)\\s*$");

    private SharedLibraries() {}

    /**
     * @param elfs files to inspect
     * @param providedNames library names the image provides itself (the Java runtime's own
     *                      libjvm.so, libjava.so, ... found through the runtime's own paths)
     * @return image path → the real file on this machine
     */
    static SortedMap<String, Path> closure(Collection<Path> elfs, Set<String> providedNames)
            throws IOException, InterruptedException {
        TreeMap<String, Path> libs = new TreeMap<>();
        Set<String> missing = new TreeSet<>();
        for (Path elf : elfs) {
            String out;
            try {
                out = Processes.run(List.of("ldd", elf.toString()));
            } catch (IOException e) {
                if (e.getMessage().contains("not a dynamic executable")) {
                    continue;
                }
                throw e;
            }
            for (String line : out.split("\n")) {
                Matcher resolved = RESOLVED.matcher(line);
                Matcher absolute = ABSOLUTE.matcher(line);
                if (resolved.matches()) {
                    String name = resolved.group(1);
                    String where = resolved.group(2);
                    if (providedNames.contains(name)) {
                        continue;
                    }
                    if (where.equals("not")) {
                        missing.add(name + " (needed by " + elf.getFileName() + ")");
                        continue;
                    }
                    libs.put(where, Path.of(where).toRealPath());
                } else if (absolute.matches()) {
                    libs.put(absolute.group(1), Path.of(absolute.group(1)).toRealPath());
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(
                    "Shared libraries not found on this machine, so they cannot go into the image: " + missing);
        }
        return libs;
    }

    /** Library file names a directory tree provides (the linked Java runtime). */
    static Set<String> namesUnder(Path dir) throws IOException {
        Set<String> names = new TreeSet<>();
        try (var paths = Files.walk(dir)) {
            paths.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".so"))
                    .forEach(names::add);
        }
        return names;
    }

    /** Every ELF file under a directory (executables and shared objects). */
    static List<Path> elfFilesUnder(Path dir) throws IOException {
        List<Path> elfs = new ArrayList<>();
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                if (isElf(p)) {
                    elfs.add(p);
                }
            }
        }
        return elfs;
    }

    static boolean isElf(Path p) throws IOException {
        try (var in = Files.newInputStream(p)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        }
    }
}
