package dev.lastseen.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An OCI image tarball (OCI image layout: oci-layout, index.json, blobs/sha256/*), read the way
 * a container runtime reads it: index → manifest → config and layers.
 */
final class OciImage {
    static final ObjectMapper JSON = new ObjectMapper();

    record Entry(String path, boolean directory, int mode, long uid, long gid, long size) {}

    final Path blobs;
    final JsonNode index;
    final JsonNode manifest;
    final JsonNode config;
    /** Image path ("/opt/java/bin/java") → its last entry over all layers. */
    final Map<String, Entry> entries = new LinkedHashMap<>();

    private OciImage(Path blobs, JsonNode index, JsonNode manifest, JsonNode config) {
        this.blobs = blobs;
        this.index = index;
        this.manifest = manifest;
        this.config = config;
    }

    /** Unpacks the tarball's blobs into {@code work} and reads the image description and layer listings. */
    static OciImage open(Path tarball, Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("layout"));
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tarball)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("entry outside the layout: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(
                blob(dir, index.path("manifests").get(0).path("digest").asText())
                        .toFile());
        JsonNode config = JSON.readTree(
                blob(dir, manifest.path("config").path("digest").asText()).toFile());
        OciImage image = new OciImage(dir, index, manifest, config);
        for (Path layer : image.layers()) {
            try (TarArchiveInputStream tar = layerStream(layer)) {
                for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                    String path = "/" + e.getName().replaceAll("^\\./", "").replaceAll("/$", "");
                    image.entries.put(
                            path,
                            new Entry(
                                    path,
                                    e.isDirectory(),
                                    e.getMode() & 07777,
                                    e.getLongUserId(),
                                    e.getLongGroupId(),
                                    e.getSize()));
                }
            }
        }
        return image;
    }

    private static Path blob(Path dir, String digest) {
        return dir.resolve("blobs").resolve(digest.replace(':', '/'));
    }

    List<Path> layers() {
        List<Path> layers = new ArrayList<>();
        manifest.path("layers")
                .forEach(l -> layers.add(blob(blobs, l.path("digest").asText())));
        return layers;
    }

    private static TarArchiveInputStream layerStream(Path layer) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(layer));
        return new TarArchiveInputStream(new GZIPInputStream(in, 1 << 16));
    }

    /** Applies the layers in order into {@code rootfs}, with their modes and (when running as root) owners. */
    void unpack(Path rootfs, boolean chown) throws IOException {
        for (Path layer : layers()) {
            try (TarArchiveInputStream tar = layerStream(layer)) {
                for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                    Path target = rootfs.resolve(e.getName()).normalize();
                    if (!target.startsWith(rootfs)) {
                        throw new IOException("layer entry outside the root: " + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (e.isFile()) {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    } else {
                        throw new IOException("unexpected layer entry type (link/device) " + e.getName());
                    }
                    Files.setPosixFilePermissions(target, permissions(e.getMode()));
                    if (chown) {
                        Files.setAttribute(target, "unix:uid", (int) e.getLongUserId());
                        Files.setAttribute(target, "unix:gid", (int) e.getLongGroupId());
                    }
                }
            }
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                p.add(bits[i]);
            }
        }
        return p;
    }

    static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }
}
