package org.genovfl.he;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A million encrypt/add/close cycles keep resident memory flat and free every native
 * object. The loop ({@link MemoryLoop}) runs on the cheapest secure parameters (N = 1024,
 * one 27-bit prime), in a JVM of its own with a fixed, pre-touched heap, so that VmRSS
 * growth can only come from native memory and the live-object count from this loop alone.
 * The cycles are spread over the machine's cores: each costs about 0.3 ms of CPU, most of
 * it SEAL's noise sampling, so a million take about 5 CPU-minutes.
 */
class CkksMemoryIT {

    static final int CYCLES = Integer.getInteger("genovfl.he.memoryCycles", 1_000_000);
    static final int WARMUP = Math.min(50_000, CYCLES / 10);
    /**
     * Each cycle allocates two ciphertexts (16 kB each at N = 1024) and a plaintext natively:
     * leaking even one of them per cycle would add gigabytes, and 16 MB over a million
     * cycles would be a leak of 16 bytes per cycle.
     */
    static final long MAX_RSS_GROWTH_KB = 16 * 1024;

    @Test
    void aMillionEncryptAddCloseCyclesKeepResidentMemoryFlatAndFreeEveryNativeObject() throws Exception {
        List<String> output = runLoopInOwnJvm();
        MemoryLoop.Outcome outcome = output.stream().filter(l -> l.startsWith(MemoryLoop.RESULT))
                .map(MemoryLoop.Outcome::parse).findFirst()
                .orElseThrow(() -> new AssertionError("no result from the loop: " + output));
        System.out.println(outcome.line());

        assertThat(outcome.cycles()).isEqualTo(CYCLES);
        assertThat(outcome.rssAtEndKb() - outcome.rssAfterWarmupKb())
                .as("VmRSS growth after %d warm-up cycles, kB", WARMUP).isLessThan(MAX_RSS_GROWTH_KB);
        assertThat(outcome.liveAfterLoop()).as("native objects alive after the cycles, the loop's own held")
                .isEqualTo(MemoryLoop.HELD_OBJECTS);
        assertThat(outcome.liveAtEnd()).as("native objects alive once all are closed").isZero();
    }

    private static List<String> runLoopInOwnJvm() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process loop = new ProcessBuilder(java, "-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch",
                "-cp", System.getProperty("java.class.path"), MemoryLoop.class.getName(),
                Integer.toString(CYCLES), Integer.toString(WARMUP),
                Integer.toString(Runtime.getRuntime().availableProcessors()))
                .redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(loop.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                System.out.println(line);
                output.add(line);
            }
        }
        assertThat(loop.waitFor()).as("exit status of the loop's JVM; its output: %s", output).isZero();
        return output;
    }
}
