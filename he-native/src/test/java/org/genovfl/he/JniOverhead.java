package org.genovfl.he;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * Paired measurement of the Java API's overhead over the native call, for
 * {@code bench/he-native/run.sh}. For each operation it alternates batches of Java API calls
 * and batches of the same operation run natively ({@link CkksNative#benchNative}) in the
 * same process, so both sides see the same load from whatever else runs on the machine,
 * and reports the median over rounds of each side's time per call and of their ratio.
 * Times are the thread's CPU time, not wall time: on a shared machine other processes
 * steal wall time from either side at random, but not CPU time of this thread.
 *
 * <p>{@code java ... org.genovfl.he.JniOverhead <output-prefix> [operation ...]} writes
 * {@code <prefix>.txt} and {@code <prefix>.json}, for all operations unless some are named.
 */
final class JniOverhead {

    private static final String[] OPS = {"encrypt", "add", "multiply_plain", "multiply_relin", "rescale", "rotate",
        "save", "load"};
    private static final int ROUNDS = 21;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final long BATCH_NANOS = 60_000_000;

    private JniOverhead() {
    }

    public static void main(String[] args) throws IOException {
        String prefix = args.length > 0 ? args[0] : "he-native-overhead";
        List<String> only = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        StringBuilder text = new StringBuilder();
        StringBuilder json = new StringBuilder("[\n");
        for (CkksParameters params : new CkksParameters[] {CkksParameters.n8192(), CkksParameters.n16384()}) {
            try (KeySet set = new KeySet(params); RelinKeys relin = set.keys.relinKeys();
                 GaloisKeys galois = set.keys.galoisKeys(1)) {
                double[] values = new double[set.context.slotCount()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = ((i * 7919) % 1000) / 250.0 - 2.0;
                }
                Evaluator eval = set.context.evaluator();
                try (Plaintext pt = set.context.encoder().encode(values); Ciphertext a = set.encryptor.encrypt(pt);
                     Ciphertext b = set.encryptor.encrypt(pt); Ciphertext prod = eval.multiply(a, b, relin)) {
                    byte[] saved = a.toBytes();
                    byte[] sealBytes = Arrays.copyOfRange(saved, Envelope.HEADER_SIZE, saved.length);
                    long[] handles = {set.encryptor.handle.acquire(), pt.handle.acquire(), a.handle.acquire(),
                        b.handle.acquire(), prod.handle.acquire(), relin.handle.acquire(), galois.handle.acquire()};
                    long context = set.context.handle.acquire();
                    IntSupplier[] java = {
                        () -> close(set.encryptor.encrypt(pt)),
                        () -> close(eval.add(a, b)),
                        () -> close(eval.multiplyPlain(a, pt)),
                        () -> close(eval.multiply(a, b, relin)),
                        () -> close(eval.rescaleToNext(prod)),
                        () -> close(eval.rotate(a, 1, galois)),
                        () -> a.toBytes().length,
                        () -> close(set.context.loadCiphertext(saved)),
                    };
                    for (int op = 0; op < OPS.length; op++) {
                        if (!only.isEmpty() && !only.contains(OPS[op])) {
                            continue;
                        }
                        double[] r = measure(java[op], op, context, handles, sealBytes);
                        String line = String.format(Locale.ROOT,
                                "N=%5d %-15s native %10.1f us  Java API %10.1f us  overhead %+6.1f %% (CPU time, median of %d paired rounds)",
                                params.polyModulusDegree(), OPS[op], r[0], r[1], (r[2] - 1) * 100, ROUNDS);
                        System.out.println(line);
                        text.append(line).append('\n');
                        json.append(String.format(Locale.ROOT,
                                "  {\"n\": %d, \"op\": \"%s\", \"native_us\": %.2f, \"java_us\": %.2f, \"overhead_pct\": %.2f},%n",
                                params.polyModulusDegree(), OPS[op], r[0], r[1], (r[2] - 1) * 100));
                    }
                    set.context.handle.release();
                    for (NativeObject o : new NativeObject[] {set.encryptor, pt, a, b, prod, relin, galois}) {
                        o.handle.release();
                    }
                }
            }
        }
        String body = json.toString().replaceAll(",\\s*$", "\n") + "]\n";
        Files.writeString(Path.of(prefix + ".json"), body);
        Files.writeString(Path.of(prefix + ".txt"), text.toString());
    }

    private static int close(Ciphertext c) {
        int level = c.level();
        c.close();
        return level;
    }

    /** Returns {native us, Java us, Java/native ratio}, medians over rounds. */
    private static double[] measure(IntSupplier java, int op, long context, long[] handles, byte[] saved) {
        // warm-up and batch size: enough calls for about BATCH_NANOS
        long t0 = CPU.getCurrentThreadCpuTime();
        int calls = 0;
        while (CPU.getCurrentThreadCpuTime() - t0 < 3 * BATCH_NANOS) {
            java.getAsInt();
            calls++;
        }
        CkksNative.benchNative(context, op, handles, saved, calls);
        int batch = (int) Math.max(1, calls / 3);
        double[] nat = new double[ROUNDS];
        double[] jav = new double[ROUNDS];
        double[] ratio = new double[ROUNDS];
        int sink = 0;
        for (int r = 0; r < ROUNDS; r++) {
            long javaNanos = 0;
            long nativeNanos = 0;
            for (int half = 0; half < 2; half++) {
                long s = CPU.getCurrentThreadCpuTime();
                if ((half == 0) == (r % 2 == 0)) {
                    for (int i = 0; i < batch; i++) {
                        sink += java.getAsInt();
                    }
                    javaNanos = CPU.getCurrentThreadCpuTime() - s;
                } else {
                    CkksNative.benchNative(context, op, handles, saved, batch);
                    nativeNanos = CPU.getCurrentThreadCpuTime() - s;
                }
            }
            nat[r] = nativeNanos / 1e3 / batch;
            jav[r] = javaNanos / 1e3 / batch;
            ratio[r] = (double) javaNanos / nativeNanos;
        }
        if (sink == 42) {
            System.out.print("");
        }
        return new double[] {median(nat), median(jav), median(ratio)};
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
