package org.genovfl.he.bench;

import java.util.concurrent.TimeUnit;
import org.genovfl.he.Ciphertext;
import org.genovfl.he.CkksContext;
import org.genovfl.he.CkksParameters;
import org.genovfl.he.Encryptor;
import org.genovfl.he.Evaluator;
import org.genovfl.he.GaloisKeys;
import org.genovfl.he.KeyGenerator;
import org.genovfl.he.Plaintext;
import org.genovfl.he.PublicKey;
import org.genovfl.he.RelinKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Java API's cost per CKKS operation, to compare with the same operations called
 * natively ({@code he-native/native/examples/ckks_bench.rs}). Each benchmark makes and
 * closes its result, as the native benchmark does. Run by {@code bench/he-native/run.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CkksBenchmark {

    @Param({"8192", "16384"})
    public int n;

    CkksContext context;
    KeyGenerator keys;
    PublicKey pub;
    RelinKeys relin;
    GaloisKeys galois;
    Encryptor encryptor;
    Evaluator eval;
    Plaintext pt;
    Ciphertext a;
    Ciphertext b;
    Ciphertext prod;
    byte[] saved;

    @Setup
    public void setUp() {
        context = CkksContext.create(n == 8192 ? CkksParameters.n8192() : CkksParameters.n16384());
        keys = context.keyGenerator();
        pub = keys.publicKey();
        relin = keys.relinKeys();
        galois = keys.galoisKeys(1);
        encryptor = context.encryptor(pub);
        eval = context.evaluator();
        double[] values = new double[context.slotCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ((i * 7919) % 1000) / 250.0 - 2.0;
        }
        pt = context.encoder().encode(values);
        a = encryptor.encrypt(pt);
        b = encryptor.encrypt(pt);
        prod = eval.multiply(a, b, relin);
        saved = a.toBytes();
    }

    @TearDown
    public void tearDown() {
        for (AutoCloseable c : new AutoCloseable[] {prod, b, a, pt, encryptor, galois, relin, pub, keys, context}) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Benchmark
    public int encrypt() {
        try (Ciphertext c = encryptor.encrypt(pt)) {
            return c.level();
        }
    }

    @Benchmark
    public int add() {
        try (Ciphertext c = eval.add(a, b)) {
            return c.level();
        }
    }

    @Benchmark
    public int multiplyPlain() {
        try (Ciphertext c = eval.multiplyPlain(a, pt)) {
            return c.level();
        }
    }

    @Benchmark
    public int multiplyRelin() {
        try (Ciphertext c = eval.multiply(a, b, relin)) {
            return c.level();
        }
    }

    @Benchmark
    public int rescale() {
        try (Ciphertext c = eval.rescaleToNext(prod)) {
            return c.level();
        }
    }

    @Benchmark
    public int rotate() {
        try (Ciphertext c = eval.rotate(a, 1, galois)) {
            return c.level();
        }
    }

    @Benchmark
    public byte[] save() {
        return a.toBytes();
    }

    @Benchmark
    public int load() {
        try (Ciphertext c = context.loadCiphertext(saved)) {
            return c.level();
        }
    }
}
