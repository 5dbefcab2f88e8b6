package org.genovfl.he;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Resident memory stays flat over many encrypt/add/close cycles. The suite runs 12,000
 * cycles (N=4096, q = 40+20+40 bits, secure: about 40 s on 2 busy cores); the 1,000,000-cycle run is
 * {@code bench/he-native/memory-loop.sh}, too slow for every build.
 */
class CkksMemoryIT {

    static final int WARMUP = 3_000;
    static final int CYCLES = Integer.getInteger("genovfl.he.memoryCycles", 12_000);

    @Test
    void encryptAddCloseKeepsResidentMemoryFlat() throws Exception {
        CkksParameters params = CkksParameters.builder().polyModulusDegree(4096).coeffModulusBits(40, 20, 40)
                .scale(Math.pow(2, 20)).build();
        long[] rss = MemoryLoop.run(params, WARMUP, CYCLES, System.out);
        // after warm-up the Java heap and SEAL's pool have their working size
        assertThat(rss[1] - rss[0]).as("VmRSS growth after warm-up, kB").isLessThan(16 * 1024);
    }
}
