package org.genovfl.he;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import org.junit.jupiter.api.Test;

/** Runs against the packaged jar (failsafe), so it proves the library loads from the jar. */
class NativeLibraryIT {

    @Test
    void loadsFromPackagedJarAndAnswers() {
        URL source = NativeLibrary.class.getProtectionDomain().getCodeSource().getLocation();
        assertThat(source.getPath()).endsWith(".jar");
        assertThat(NativeLibrary.version()).startsWith("genovfl-native ");
        // the default build (native/Cargo.toml's feature `hexl`), as the jar ships it
        assertThat(NativeLibrary.version()).endsWith("(SEAL with Intel HEXL)");
    }
}
