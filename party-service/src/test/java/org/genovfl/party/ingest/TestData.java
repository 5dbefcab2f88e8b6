package org.genovfl.party.ingest;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
