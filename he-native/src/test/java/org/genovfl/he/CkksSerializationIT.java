package org.genovfl.he;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Round trips through bytes, and objects from other parameters or keys refused. */
class CkksSerializationIT {

    static KeySet set;
    static CkksContext context;
    static KeyGenerator keys;
    static SecretKey secret;
    static PublicKey pub;
    static Encryptor encryptor;
    static Decryptor decryptor;
    final Random random = new Random(7);

    @BeforeAll
    static void setUp() {
        set = new KeySet(CkksParameters.n8192());
        context = set.context;
        keys = set.keys;
        secret = set.secret;
        pub = set.pub;
        encryptor = set.encryptor;
        decryptor = set.decryptor;
    }

    @AfterAll
    static void tearDown() {
        set.close();
    }

    double[] vector() {
        double[] v = new double[context.slotCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    static double maxError(double[] a, double[] b) {
        return KeySet.maxError(a, b);
    }

    @Test
    void ciphertextAndPlaintextRoundTrip() {
        double[] x = vector();
        try (Ciphertext c = encryptor.encrypt(x); Ciphertext back = context.loadCiphertext(c.toBytes());
             Plaintext p = context.encoder().encode(x); Plaintext pBack = context.loadPlaintext(p.toBytes())) {
            assertThat(back.level()).isEqualTo(c.level());
            assertThat(back.scale()).isEqualTo(c.scale());
            assertThat(maxError(x, decryptor.decryptValues(back))).isLessThan(1e-5);
            assertThat(maxError(x, context.encoder().decode(pBack))).isLessThan(1e-9);
            // SEAL's zstd saves about a quarter: 40- and 60-bit residues in 64-bit words
            assertThat(c.toBytes().length).isLessThan(c.toBytes(false).length);
            try (Ciphertext raw = context.loadCiphertext(c.toBytes(false))) {
                assertThat(maxError(x, decryptor.decryptValues(raw))).isLessThan(1e-5);
            }
        }
    }

    @Test
    void keysRoundTripAndWork() {
        double[] x = vector();
        try (SecretKey sk = context.loadSecretKey(secret.toBytes()); PublicKey pk = context.loadPublicKey(pub.toBytes());
             RelinKeys rk0 = keys.relinKeys(); RelinKeys rk = context.loadRelinKeys(rk0.toBytes());
             GaloisKeys gk0 = keys.galoisKeys(1, -1); GaloisKeys gk = context.loadGaloisKeys(gk0.toBytes());
             Encryptor enc = context.encryptor(pk); Decryptor dec = context.decryptor(sk);
             Ciphertext c = enc.encrypt(x); Ciphertext sq = context.evaluator().multiply(c, c, rk);
             Ciphertext rot = context.evaluator().rotate(c, -1, gk)) {
            double[] got = dec.decryptValues(sq);
            for (int i = 0; i < x.length; i++) {
                assertThat(Math.abs(got[i] - x[i] * x[i])).isLessThan(1e-5);
            }
            double[] r = dec.decryptValues(rot);
            assertThat(Math.abs(r[1] - x[0])).isLessThan(1e-5);
        }
    }

    @Test
    void parametersRoundTrip() {
        assertThat(CkksParameters.fromBytes(context.parameters().toBytes())).isEqualTo(context.parameters());
    }

    @Test
    void ciphertextUnderOtherParametersIsRejected() {
        try (CkksContext other = CkksContext.create(CkksParameters.n16384()); KeyGenerator kg = other.keyGenerator();
             PublicKey pk = kg.publicKey(); Encryptor enc = other.encryptor(pk); Ciphertext c = enc.encrypt(vector())) {
            byte[] bytes = c.toBytes();
            assertThatThrownBy(() -> context.loadCiphertext(bytes)).isInstanceOf(HeFormatException.class);
            assertThatThrownBy(() -> context.loadPublicKey(pk.toBytes())).isInstanceOf(HeFormatException.class);
            // same N, other primes: same sizes, different parameter id
            CkksParameters sibling = CkksParameters.builder().polyModulusDegree(8192).coeffModulusBits(60, 30, 30, 60)
                    .scale(Math.pow(2, 30)).build();
            try (CkksContext ctx2 = CkksContext.create(sibling); KeyGenerator kg2 = ctx2.keyGenerator();
                 PublicKey pk2 = kg2.publicKey(); Encryptor enc2 = ctx2.encryptor(pk2);
                 Ciphertext c2 = enc2.encrypt(vector())) {
                assertThatThrownBy(() -> context.loadCiphertext(c2.toBytes())).isInstanceOf(HeFormatException.class)
                        .hasMessageContaining("not a valid Ciphertext");
            }
        }
    }

    @Test
    void ciphertextUnderAnotherKeyIsDetected() {
        try (KeyGenerator otherKeys = context.keyGenerator(); PublicKey otherPk = otherKeys.publicKey();
             Encryptor otherEnc = context.encryptor(otherPk); Ciphertext foreign = otherEnc.encrypt(vector());
             Ciphertext mine = encryptor.encrypt(vector());
             Ciphertext loaded = context.loadCiphertext(foreign.toBytes())) {
            assertThatThrownBy(() -> decryptor.decryptValues(loaded)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("key set");
            assertThatThrownBy(() -> context.evaluator().add(mine, loaded))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different key sets");
        }
    }

    @Test
    void wrongKindOrHeaderIsRejected() {
        try (Ciphertext c = encryptor.encrypt(vector())) {
            byte[] bytes = c.toBytes();
            assertThatThrownBy(() -> context.loadPlaintext(bytes)).isInstanceOf(HeFormatException.class)
                    .hasMessageContaining("kind");
            assertThatThrownBy(() -> context.loadSecretKey(pub.toBytes())).isInstanceOf(HeFormatException.class);
            byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 10);
            assertThatThrownBy(() -> context.loadCiphertext(truncated)).isInstanceOf(HeFormatException.class);
            assertThatThrownBy(() -> context.loadCiphertext(new byte[0])).isInstanceOf(HeFormatException.class);
        }
    }
}
