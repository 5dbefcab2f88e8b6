package org.genovfl.he;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NativeLibraryVariantTest {

    private static final Set<String> V4_CPU = NativeLibrary.X86_64_V4_FLAGS;

    @Test
    void shouldPickTheAvx512BuildOnlyWhenTheCpuHasEveryFeatureItWasCompiledFor() {
        assertThat(NativeLibrary.chooseVariant("linux-x86_64", NativeLibrary.AUTO, V4_CPU, true))
                .isEqualTo(NativeLibrary.X86_64_V4);
        Set<String> noIfma = new HashSet<>(V4_CPU);
        noIfma.remove("avx512ifma"); // e.g. Skylake-SP: AVX-512, but no IFMA
        assertThat(NativeLibrary.chooseVariant("linux-x86_64", NativeLibrary.AUTO, noIfma, true))
                .isEqualTo(NativeLibrary.PORTABLE);
        assertThat(NativeLibrary.chooseVariant("linux-x86_64", NativeLibrary.AUTO, Set.of(), true))
                .isEqualTo(NativeLibrary.PORTABLE);
    }

    @Test
    void shouldPickThePortableBuildWhenTheJarHasNoOtherOrThePlatformIsNotX86() {
        assertThat(NativeLibrary.chooseVariant("linux-x86_64", NativeLibrary.AUTO, V4_CPU, false))
                .isEqualTo(NativeLibrary.PORTABLE);
        assertThat(NativeLibrary.chooseVariant("linux-aarch64", NativeLibrary.AUTO, V4_CPU, true))
                .isEqualTo(NativeLibrary.PORTABLE);
        assertThat(NativeLibrary.chooseVariant("linux-x86_64", NativeLibrary.PORTABLE, V4_CPU, true))
                .isEqualTo(NativeLibrary.PORTABLE);
    }

    @Test
    void shouldRefuseAnExplicitAvx512RequestTheCpuCannotRunNamingWhatIsMissing() {
        Set<String> noIfma = new HashSet<>(V4_CPU);
        noIfma.remove("avx512ifma");
        assertThatThrownBy(() -> NativeLibrary.chooseVariant("linux-x86_64", NativeLibrary.X86_64_V4, noIfma, true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("lacks [avx512ifma]");
        assertThatThrownBy(() -> NativeLibrary.chooseVariant("linux-x86_64", NativeLibrary.X86_64_V4, V4_CPU, false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("holds no such build");
        assertThatThrownBy(() -> NativeLibrary.chooseVariant("linux-x86_64", "fast", V4_CPU, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not fast");
    }
}
