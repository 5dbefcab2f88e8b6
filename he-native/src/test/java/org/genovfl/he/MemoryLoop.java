package org.genovfl.he;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The encrypt/add/close loop of {@link CkksMemoryIT}, also run for 1M cycles by the bench script. */
final class MemoryLoop {

    private MemoryLoop() {
    }

    /** Returns VmRSS in kB after {@code warmup} cycles and after {@code cycles} cycles. */
    static long[] run(CkksParameters params, int warmup, int cycles, PrintStream log) throws IOException {
        double[] values = new double[params.slotCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 7;
        }
        try (CkksContext context = CkksContext.create(params); KeyGenerator kg = context.keyGenerator();
             PublicKey pk = kg.publicKey(); Encryptor enc = context.encryptor(pk);
             Ciphertext base = enc.encrypt(values)) {
            Evaluator eval = context.evaluator();
            long start = System.nanoTime();
            long atWarmup = 0;
            for (int i = 1; i <= cycles; i++) {
                try (Ciphertext c = enc.encrypt(values); Ciphertext sum = eval.add(c, base)) {
                    if (sum.level() < 0) {
                        throw new IllegalStateException();
                    }
                }
                if (i == warmup) {
                    atWarmup = rssKb();
                }
                if (i % Math.max(1, cycles / 20) == 0) {
                    log.printf("memory loop: %d cycles, VmRSS %d kB, %.0f cycles/s%n", i, rssKb(),
                            i / ((System.nanoTime() - start) / 1e9));
                }
            }
            return new long[] {atWarmup, rssKb()};
        }
    }

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    /** {@code java ... org.genovfl.he.MemoryLoop [cycles] [N]}: the long run for the bench script. */
    public static void main(String[] args) throws IOException {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        CkksParameters params = n == 4096
                ? CkksParameters.builder().polyModulusDegree(4096).coeffModulusBits(40, 20, 40).scale(Math.pow(2, 20)).build()
                : CkksParameters.n8192();
        long start = System.nanoTime();
        long[] rss = run(params, Math.min(10_000, cycles / 10), cycles, System.out);
        System.out.printf("memory loop done: N=%d, %d cycles in %.1f s, VmRSS after warm-up %d kB, at end %d kB%n",
                n, cycles, (System.nanoTime() - start) / 1e9, rss[0], rss[1]);
    }
}
