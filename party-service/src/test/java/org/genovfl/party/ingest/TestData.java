package org.genovfl.party.ingest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real data sets that {@code data/fetch.sh} caches (shapeit4-example, the Genomics
 * Reporting IG package, breast_cancer.csv). The build passes their directory as the
 * system property {@code genovfl.data.dir} (root pom); a missing file fails the test, it is
 * never skipped.
 */
public final class TestData {

    private TestData() {
    }

    public static Path directory() {
        String configured = System.getProperty("genovfl.data.dir", System.getenv("GENOVFL_DATA"));
        if (configured == null) {
            throw new IllegalStateException("genovfl.data.dir is not set: run data/fetch.sh (./genovfl test does) "
                    + "and pass -Dgenovfl.data.dir=<its output>");
        }
        return Path.of(configured);
    }

    public static Path file(String relative) {
        Path file = directory().resolve(relative);
        if (!Files.exists(file)) {
            throw new IllegalStateException("test data " + file + " is missing: run data/fetch.sh (./genovfl test does)");
        }
        return file;
    }

    /** Runs a command (bcftools, for reference figures) and returns its output lines; fails the test if it fails. */
    public static List<String> run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out;
        try (var in = process.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + process.exitValue());
        }
        String text = new String(out, StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }
}
