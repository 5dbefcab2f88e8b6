package org.genovfl.he;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Loads GenoVFL's native library from this jar.
 *
 * <p>The library is extracted once to a per-user cache directory
 * ({@code $GENOVFL_CACHE} or {@code ~/.cache/genovfl}) under a folder named by its
 * SHA-256, and its hash is checked against the one recorded at build time before every
 * load, so a tampered or half-written file is never loaded. Safe to call from any thread.
 */
public final class NativeLibrary {

    private static final String LIBRARY_FILE = "libgenovfl_native.so";
    private static volatile boolean loaded;

    private NativeLibrary() {
    }

    /**
     * Makes sure the native library is loaded; every class with native methods calls this
     * in its static initialiser.
     *
     * @throws IllegalStateException if this platform has no library in the jar, or the
     *     extracted library does not match its recorded hash
     */
    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (NativeLibrary.class) {
            if (!loaded) {
                System.load(extract().toString());
                loaded = true;
            }
        }
    }

    /** Version string reported by the native side, e.g. {@code genovfl-native 0.1.0}. */
    public static String version() {
        load();
        return nativeVersion();
    }

    private static native String nativeVersion();

    static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            throw new IllegalStateException("GenoVFL's native library is built for Linux only, not " + os);
        }
        return switch (arch) {
            case "amd64", "x86_64" -> "linux-x86_64";
            case "aarch64", "arm64" -> "linux-aarch64";
            default -> throw new IllegalStateException("no native library for architecture " + arch);
        };
    }

    private static Path extract() {
        String resource = "native/" + platform() + "/" + LIBRARY_FILE;
        String expectedHash = readResource(resource + ".sha256").trim();
        Path dir = cacheRoot().resolve("native").resolve(expectedHash);
        Path target = dir.resolve(LIBRARY_FILE);
        try {
            if (Files.isRegularFile(target) && expectedHash.equals(sha256(target))) {
                return target;
            }
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, LIBRARY_FILE, ".part");
            try (InputStream in = open(resource)) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            String actual = sha256(partial);
            if (!expectedHash.equals(actual)) {
                Files.deleteIfExists(partial);
                throw new IllegalStateException("native library in the jar does not match its recorded SHA-256 "
                        + expectedHash + " (found " + actual + ")");
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract native library to " + dir, e);
        }
    }

    private static Path cacheRoot() {
        String configured = System.getenv("GENOVFL_CACHE");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "genovfl");
    }

    private static InputStream open(String resource) {
        InputStream in = NativeLibrary.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("this jar holds no native library at " + resource
                    + " (was he-native built on this platform?)");
        }
        return in;
    }

    private static String readResource(String resource) {
        try (InputStream in = open(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
