package org.genovfl.he;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The encrypt/add/close loop of {@link CkksMemoryIT} (and {@code bench/he-native/memory-loop.sh}).
 * It runs as {@code main} in a JVM of its own, so that it is the only user of native objects
 * (the live-object count must come back to exactly zero) and so that the JVM's heap can be
 * fixed and pre-touched: otherwise the collector touching more of its heap over a long run
 * shows up as resident memory growth that has nothing to do with native memory.
 */
final class MemoryLoop {

    /**
     * The cheapest secure CKKS parameters: N = 1024 and one prime of 27 bits, the bound of the
     * HomomorphicEncryption.org table for N = 1024. Encryption and addition need no more.
     */
    static final CkksParameters SMALLEST = CkksParameters.builder().polyModulusDegree(1024).coeffModulusBits(27)
            .scale(Math.pow(2, 20)).build();

    /** The prefix of the one line {@link #main} prints with the outcome. */
    static final String RESULT = "memory loop result:";

    /** Native objects the loop holds between cycles: context, key generator, public key, encryptor, and the addend. */
    static final int HELD_OBJECTS = 5;

    /**
     * @param liveAfterLoop native objects alive once every cycle is done, before the loop's
     *     own {@link #HELD_OBJECTS} are closed: more is a leak
     * @param liveAtEnd native objects alive after everything is closed
     */
    record Outcome(int cycles, int threads, double seconds, long rssAfterWarmupKb, long rssAtEndKb,
                   long liveAfterLoop, long liveAtEnd) {

        String line() {
            return String.format(Locale.ROOT, "%s cycles=%d threads=%d seconds=%.1f rssAfterWarmupKb=%d"
                    + " rssAtEndKb=%d liveAfterLoop=%d liveAtEnd=%d", RESULT, cycles, threads, seconds,
                    rssAfterWarmupKb, rssAtEndKb, liveAfterLoop, liveAtEnd);
        }

        static Outcome parse(String line) {
            String[] f = line.substring(RESULT.length()).trim().split(" ");
            return new Outcome(Integer.parseInt(value(f[0])), Integer.parseInt(value(f[1])),
                    Double.parseDouble(value(f[2])), Long.parseLong(value(f[3])), Long.parseLong(value(f[4])),
                    Long.parseLong(value(f[5])), Long.parseLong(value(f[6])));
        }

        private static String value(String field) {
            return field.substring(field.indexOf('=') + 1);
        }
    }

    private MemoryLoop() {
    }

    /**
     * Runs {@code warmup} cycles on one thread, reads VmRSS, then the remaining cycles spread
     * over {@code threads} threads sharing the encryptor (which is thread-safe), and reads
     * VmRSS again. A cycle encrypts a full vector, adds a fixed ciphertext, and closes both.
     */
    static Outcome run(CkksParameters params, int warmup, int cycles, int threads, PrintStream log)
            throws IOException, InterruptedException {
        double[] values = new double[params.slotCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 7;
        }
        long start = System.nanoTime();
        long rssAfterWarmup;
        long liveAfterLoop;
        try (CkksContext context = CkksContext.create(params); KeyGenerator kg = context.keyGenerator();
             PublicKey pk = kg.publicKey(); Encryptor enc = context.encryptor(pk);
             Ciphertext base = enc.encrypt(values)) {
            Evaluator eval = context.evaluator();
            Runnable cycle = () -> {
                try (Ciphertext c = enc.encrypt(values); Ciphertext sum = eval.add(c, base)) {
                    if (sum.level() != c.level()) {
                        throw new IllegalStateException("add changed the level");
                    }
                }
            };
            for (int i = 0; i < warmup; i++) {
                cycle.run();
            }
            rssAfterWarmup = rssKb();
            AtomicInteger done = new AtomicInteger(warmup);
            int report = Math.max(1, cycles / 20);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                workers[t] = new Thread(() -> {
                    try {
                        for (int i = done.incrementAndGet(); i <= cycles; i = done.incrementAndGet()) {
                            cycle.run();
                            if (i % report == 0) {
                                log.printf(Locale.ROOT, "memory loop: %d cycles, VmRSS %d kB, %d live native objects,"
                                        + " %.0f cycles/s%n", i, rssKb(), CkksNative.liveObjects(),
                                        i / ((System.nanoTime() - start) / 1e9));
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        done.set(cycles);
                    }
                }, "memory-loop-" + t);
                workers[t].start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a cycle failed", failure.get());
            }
            liveAfterLoop = CkksNative.liveObjects();
        }
        return new Outcome(cycles, threads, (System.nanoTime() - start) / 1e9, rssAfterWarmup, rssKb(),
                liveAfterLoop, CkksNative.liveObjects());
    }

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    /**
     * {@code java -Xms.. -Xmx.. -XX:+AlwaysPreTouch ... org.genovfl.he.MemoryLoop [cycles] [warm-up cycles] [threads]}:
     * runs the loop on {@link #SMALLEST} and ends with the {@link #RESULT} line.
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : Math.min(50_000, cycles / 10);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        System.out.println(run(SMALLEST, warmup, cycles, threads, System.out).line());
    }
}
