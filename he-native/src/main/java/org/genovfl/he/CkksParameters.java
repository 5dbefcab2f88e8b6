package org.genovfl.he;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * CKKS encryption parameters: the polynomial modulus degree N, the bit sizes of the primes
 * of the coefficient modulus q, and the default scale Δ at which values are encoded.
 *
 * <h2>Choosing parameters</h2>
 * <ul>
 *   <li>N sets security and the slot count (N/2 values per ciphertext). Security depends on
 *       N and the total bit count of q: by the HomomorphicEncryption.org standard (2018,
 *       ternary secret, 128-bit classical security) log2 q may be at most 27, 54, 109, 218,
 *       438 and 881 bits for N = 1024, 2048, 4096, 8192, 16384 and 32768.
 *       {@link Builder#build()} refuses anything above that bound, and SEAL checks it
 *       again.</li>
 *   <li>The first prime holds the integer part and precision of a decrypted value, so it is
 *       larger than Δ (60 bits against Δ = 2^40 leaves 20 bits for values up to about
 *       10^5). Each middle prime is close to Δ and is consumed by one rescale after a
 *       multiplication, so their count is the multiplicative depth. The last prime is the
 *       special prime used only during key switching (relinearization, rotation); it should
 *       be at least as large as the largest other prime.</li>
 *   <li>Fewer primes give less: with two (a first and a special prime) there is no rescale,
 *       so the level is 0 and a product must not outgrow the first prime. With one prime
 *       there is no special prime, and SEAL then does no key switching: no relinearization
 *       or Galois keys, so no {@code multiply} or {@code rotate}, only encryption, addition
 *       and products with plaintexts and constants. The small degrees only fit such
 *       parameters (N = 1024 holds one prime of at most 27 bits), which suit cheap tests of
 *       the machinery, not GenoVFL's protocols.</li>
 *   <li>Δ = 2^40 gives about 40 - log2(N) - a few bits of precision after decoding: in
 *       GenoVFL's tests, below 1e-5 absolute error on values of magnitude up to 10.</li>
 * </ul>
 * {@link #n8192()} (depth 2, the logistic-regression round of the design notes) and
 * {@link #n16384()} (depth 6) are the presets.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CkksParameters {

    private static final byte[] MAGIC = {'G', 'V', 'C', 'P'};
    private static final byte FORMAT_VERSION = 1;
    private static final int MIN_PRIME_BITS = 20;
    private static final int MAX_PRIME_BITS = 60;

    private final int polyModulusDegree;
    private final int[] coeffModulusBits;
    private final double scale;

    private CkksParameters(Builder builder) {
        this.polyModulusDegree = builder.polyModulusDegree;
        this.coeffModulusBits = builder.coeffModulusBits.clone();
        this.scale = builder.scale;
    }

    /** N = 8192, q of 60 + 40 + 40 + 60 = 200 bits (limit 218), Δ = 2^40: depth 2, 4096 slots. */
    public static CkksParameters n8192() {
        return builder().polyModulusDegree(8192).coeffModulusBits(60, 40, 40, 60).scale(Math.pow(2, 40)).build();
    }

    /** N = 16384, q of 60 + 6 × 40 + 60 = 360 bits (limit 438), Δ = 2^40: depth 6, 8192 slots. */
    public static CkksParameters n16384() {
        return builder().polyModulusDegree(16384).coeffModulusBits(60, 40, 40, 40, 40, 40, 40, 60)
                .scale(Math.pow(2, 40)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The largest total coefficient modulus bit count that gives 128-bit security for
     * degree {@code n} by the HomomorphicEncryption.org standard, or 0 if {@code n} is not
     * a supported degree.
     */
    public static int maxCoeffModulusBits(int n) {
        return switch (n) {
            case 1024 -> 27;
            case 2048 -> 54;
            case 4096 -> 109;
            case 8192 -> 218;
            case 16384 -> 438;
            case 32768 -> 881;
            default -> 0;
        };
    }

    public int polyModulusDegree() {
        return polyModulusDegree;
    }

    /** Bit sizes of the coefficient modulus primes; the last one is the special prime. */
    public int[] coeffModulusBits() {
        return coeffModulusBits.clone();
    }

    /** Default encoding scale Δ. */
    public double scale() {
        return scale;
    }

    /** Number of values a ciphertext holds: N/2. */
    public int slotCount() {
        return polyModulusDegree / 2;
    }

    /** Level of a fresh ciphertext = number of rescales it allows. */
    public int maxLevel() {
        return Math.max(0, coeffModulusBits.length - 2);
    }

    /**
     * Whether SEAL can switch keys under these parameters, which relinearization and
     * rotation need: only with a special prime, so with at least two primes.
     */
    public boolean supportsKeySwitching() {
        return coeffModulusBits.length >= 2;
    }

    /** Total bit count of q. */
    public int totalCoeffModulusBits() {
        return Arrays.stream(coeffModulusBits).sum();
    }

    /** A compact, deterministic encoding; read it back with {@link #fromBytes(byte[])}. */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(4 + 1 + 4 + 1 + coeffModulusBits.length + 8);
        out.put(MAGIC).put(FORMAT_VERSION).putInt(polyModulusDegree).put((byte) coeffModulusBits.length);
        for (int bits : coeffModulusBits) {
            out.put((byte) bits);
        }
        return out.putDouble(scale).array();
    }

    /**
     * Reads parameters written by {@link #toBytes()} from untrusted bytes and applies every
     * check of {@link Builder#build()}, so insecure parameters are refused.
     *
     * @throws NullPointerException if {@code bytes} is null
     * @throws HeFormatException if the bytes are malformed or describe refused parameters
     */
    public static CkksParameters fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 4), MAGIC) || bytes[4] != FORMAT_VERSION) {
            throw new HeFormatException("not GenoVFL CKKS parameters (bad header)");
        }
        in.position(5);
        int degree = in.getInt();
        int count = in.get() & 0xff;
        if (bytes.length != 10 + count + 8) {
            throw new HeFormatException("CKKS parameters of " + count + " primes must take " + (18 + count)
                    + " bytes, not " + bytes.length);
        }
        int[] bits = new int[count];
        for (int i = 0; i < count; i++) {
            bits[i] = in.get();
        }
        double scale = in.getDouble();
        try {
            return builder().polyModulusDegree(degree).coeffModulusBits(bits).scale(scale).build();
        } catch (IllegalArgumentException e) {
            throw new HeFormatException("refused CKKS parameters: " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CkksParameters p && p.polyModulusDegree == polyModulusDegree
                && Arrays.equals(p.coeffModulusBits, coeffModulusBits)
                && Double.doubleToLongBits(p.scale) == Double.doubleToLongBits(scale);
    }

    @Override
    public int hashCode() {
        return Objects.hash(polyModulusDegree, Arrays.hashCode(coeffModulusBits), scale);
    }

    @Override
    public String toString() {
        return "CkksParameters[N=" + polyModulusDegree + ", q bits=" + Arrays.toString(coeffModulusBits)
                + ", scale=2^" + Math.log(scale) / Math.log(2) + "]";
    }

    /** Builds {@link CkksParameters}; every setter checks its argument. */
    public static final class Builder {

        private int polyModulusDegree;
        private int[] coeffModulusBits;
        private double scale;

        private Builder() {
        }

        /**
         * @param n the polynomial modulus degree: a power of two from 1024 to 32768
         * @throws IllegalArgumentException if {@code n} is not one of those
         */
        public Builder polyModulusDegree(int n) {
            if (maxCoeffModulusBits(n) == 0) {
                throw new IllegalArgumentException("poly modulus degree must be a power of two from 1024 to 32768, not "
                        + n);
            }
            this.polyModulusDegree = n;
            return this;
        }

        /**
         * @param bits bit sizes of the coefficient modulus primes, special prime last
         * @throws NullPointerException if {@code bits} is null
         * @throws IllegalArgumentException if there is no prime or a size is outside 20..60
         *     (fewer than 3 primes allow no rescale, 1 prime no key switching: see above)
         */
        public Builder coeffModulusBits(int... bits) {
            Objects.requireNonNull(bits, "bits");
            if (bits.length == 0) {
                throw new IllegalArgumentException("need at least one coefficient modulus prime");
            }
            for (int b : bits) {
                if (b < MIN_PRIME_BITS || b > MAX_PRIME_BITS) {
                    throw new IllegalArgumentException("prime bit size " + b + " outside " + MIN_PRIME_BITS + ".."
                            + MAX_PRIME_BITS);
                }
            }
            this.coeffModulusBits = bits.clone();
            return this;
        }

        /**
         * @param scale the default encoding scale Δ
         * @throws IllegalArgumentException if it is not finite or below 2^20 (too little
         *     precision to be useful)
         */
        public Builder scale(double scale) {
            if (!Double.isFinite(scale) || scale < 0x1p20) {
                throw new IllegalArgumentException("scale must be finite and at least 2^20, not " + scale);
            }
            this.scale = scale;
            return this;
        }

        /**
         * @throws IllegalStateException if a value was not set
         * @throws IllegalArgumentException if the total coefficient modulus exceeds the
         *     128-bit security bound for N, or Δ does not fit below the first prime
         */
        public CkksParameters build() {
            if (polyModulusDegree == 0 || coeffModulusBits == null || scale == 0) {
                throw new IllegalStateException("poly modulus degree, coefficient modulus and scale must all be set");
            }
            int total = Arrays.stream(coeffModulusBits).sum();
            int max = maxCoeffModulusBits(polyModulusDegree);
            if (total > max) {
                throw new IllegalArgumentException("insecure: " + total + " coefficient modulus bits exceed "
                        + max + ", the 128-bit security bound for N=" + polyModulusDegree);
            }
            if (Math.log(scale) / Math.log(2) >= coeffModulusBits[0]) {
                throw new IllegalArgumentException("scale 2^" + Math.log(scale) / Math.log(2)
                        + " must be below the first prime (" + coeffModulusBits[0] + " bits)");
            }
            return new CkksParameters(this);
        }
    }
}
