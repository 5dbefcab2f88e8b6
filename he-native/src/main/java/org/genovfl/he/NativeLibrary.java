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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Loads GenoVFL's native library from this jar.
 *
 * <p>The library is extracted once to a per-user cache directory
 * ({@code $GENOVFL_CACHE} or {@code ~/.cache/genovfl}) under a folder named by its
 * SHA-256, and its hash is checked against the one recorded at build time before every
 * load, so a tampered or half-written file is never loaded. Safe to call from any thread.
 *
 * <p>On x86-64 the jar may hold two builds: a portable one, and one compiled for
 * x86-64-v4 with AVX-512 IFMA, which makes PSI's group operations cheaper. The latter is
 * loaded only when the CPU reports every feature it was compiled for (an instruction the
 * CPU lacks would kill the JVM). The system property {@code genovfl.native.variant}
 * ({@value #AUTO}, {@value #PORTABLE} or {@value #X86_64_V4}) overrides the choice.
 */
public final class NativeLibrary {

    /** The build that runs on any CPU of the platform. */
    public static final String PORTABLE = "portable";
    /** The x86-64 build compiled for AVX-512 (x86-64-v4) with IFMA. */
    public static final String X86_64_V4 = "x86-64-v4";
    /** Let the CPU decide (the default). */
    public static final String AUTO = "auto";
    static final String VARIANT_PROPERTY = "genovfl.native.variant";

    /**
     * What {@code -C target-cpu=x86-64-v4 -C target-feature=+avx512ifma} lets the compiler
     * use, by their names in /proc/cpuinfo (lzcnt is "abm" there).
     */
    static final Set<String> X86_64_V4_FLAGS = Set.of("cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3",
            "avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave",
            "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl", "avx512ifma");

    private static final String LIBRARY_FILE = "libgenovfl_native.so";
    private static volatile boolean loaded;
    private static volatile String variant;

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

    /** The build this JVM loaded (or will load): {@value #PORTABLE} or {@value #X86_64_V4}. */
    public static String variant() {
        if (variant == null) {
            variant = chooseVariant(platform(), System.getProperty(VARIANT_PROPERTY, AUTO), cpuFlags(),
                    NativeLibrary.class.getResource(resourceOf(platform(), X86_64_V4)) != null);
        }
        return variant;
    }

    /**
     * The build to load on {@code platform} when {@code requested} is asked for, on a CPU
     * with {@code flags}, given whether the jar holds an x86-64-v4 build.
     *
     * @throws IllegalArgumentException if {@code requested} is not a known variant
     * @throws IllegalStateException if the x86-64-v4 build is requested but this CPU or jar
     *     cannot run it
     */
    static String chooseVariant(String platform, String requested, Set<String> flags, boolean v4InJar) {
        boolean v4Runs = platform.equals("linux-x86_64") && v4InJar && flags.containsAll(X86_64_V4_FLAGS);
        return switch (requested) {
            case AUTO -> v4Runs ? X86_64_V4 : PORTABLE;
            case PORTABLE -> PORTABLE;
            case X86_64_V4 -> {
                if (!v4Runs) {
                    throw new IllegalStateException(VARIANT_PROPERTY + "=" + X86_64_V4 + " asked for, but "
                            + (v4InJar ? "this CPU lacks " + missing(flags) : "this jar holds no such build"));
                }
                yield X86_64_V4;
            }
            default -> throw new IllegalArgumentException(VARIANT_PROPERTY + " must be " + AUTO + ", " + PORTABLE
                    + " or " + X86_64_V4 + ", not " + requested);
        };
    }

    private static List<String> missing(Set<String> flags) {
        return X86_64_V4_FLAGS.stream().filter(f -> !flags.contains(f)).sorted().toList();
    }

    /** The CPU's feature flags as Linux reports them (empty if it cannot be read). */
    static Set<String> cpuFlags() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .map(line -> Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                            .collect(Collectors.toUnmodifiableSet()))
                    .orElse(Set.of());
        } catch (IOException e) {
            return Set.of(); // then only the portable build is trusted
        }
    }

    private static String resourceOf(String platform, String variant) {
        return "native/" + platform + (variant.equals(X86_64_V4) ? "-v4" : "") + "/" + LIBRARY_FILE;
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
        String resource = resourceOf(platform(), variant());
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
