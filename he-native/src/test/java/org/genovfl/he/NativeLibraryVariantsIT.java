package org.genovfl.he;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.genovfl.he.ristretto.BlindingKey;
import org.genovfl.he.ristretto.Ristretto255;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two builds of the native library agree: a PSI between this JVM (the build the CPU
 * selects) and a child JVM forced onto the portable build finds the shared identifiers, and
 * the portable build's SEAL (with Intel HEXL, compiled for any x86-64 CPU) decrypts what it
 * encrypts and computes a chain of CKKS arithmetic within the usual error bound. On a CPU
 * without AVX-512 IFMA both sides are portable, and the test still checks that.
 */
class NativeLibraryVariantsIT {

    @Test
    void shouldLoadTheBuildTheCpuCanRun() {
        boolean v4Cpu = NativeLibrary.cpuFlags().containsAll(NativeLibrary.X86_64_V4_FLAGS);
        assertThat(NativeLibrary.variant()).isEqualTo(v4Cpu ? NativeLibrary.X86_64_V4 : NativeLibrary.PORTABLE);
    }

    @Test
    void shouldIntersectAcrossBuildsAndRunCkksOnThePortableOne(@TempDir Path dir) throws Exception {
        try (BlindingKey key = BlindingKey.generate()) {
            Files.write(dir.resolve("initiator"), key.hashToGroupAndBlind(PortableLibraryPeer.TAG,
                    PortableLibraryPeer.ids(0, 3000)));
            String childOutput = runPortablePeer(dir);
            assertThat(childOutput).contains("variant=" + NativeLibrary.PORTABLE);
            double ckksError = childValue(childOutput, "ckksMaxError=");
            assertThat(ckksError).isLessThan(1e-6);
            // the bound of CkksOperationsIT's depth-1 chains at scale 2^40
            assertThat(childValue(childOutput, "ckksArithmeticMaxError=")).isLessThan(1e-5);
            assertThat(childOutput).contains("version=" + NativeLibrary.version());

            byte[] initiatorDoubled = Files.readAllBytes(dir.resolve("initiator-doubled"));
            byte[] responderDoubled = key.blind(Files.readAllBytes(dir.resolve("responder")));
            int[] rows = Ristretto255.intersect(initiatorDoubled, responderDoubled);
            // Identifier i was row i of the initiator's set: S2000..S2999 are the shared ones.
            assertThat(rows).hasSize(1000);
            assertThat(Arrays.stream(rows).sorted().toArray())
                    .isEqualTo(java.util.stream.IntStream.range(2000, 3000).toArray());
        }
    }

    private static double childValue(String childOutput, String prefix) {
        return Double.parseDouble(childOutput.lines().filter(l -> l.startsWith(prefix))
                .findFirst().orElseThrow().substring(prefix.length()));
    }

    private static String runPortablePeer(Path dir) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Dgenovfl.native.variant=" + NativeLibrary.PORTABLE,
                "-cp", System.getProperty("java.class.path"), PortableLibraryPeer.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        return output;
    }
}
