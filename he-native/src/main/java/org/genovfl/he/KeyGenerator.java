package org.genovfl.he;

import java.util.Arrays;
import java.util.Objects;

/**
 * Generates one key set: a fresh secret key at construction, and from it the public key,
 * relinearization keys and Galois keys. In GenoVFL the coordinator generates the set,
 * keeps the secret key, and sends the others to the parties that need them.
 *
 * <p>Not thread-safe: use from one thread.
 */
public final class KeyGenerator extends NativeObject {

    private final CkksContext context;
    private final KeyId keyId;

    KeyGenerator(CkksContext context, long address, KeyId keyId) {
        super(NativeHandle.KEY_GENERATOR, address, "key generator");
        this.context = context;
        this.keyId = keyId;
    }

    /** @throws IllegalStateException if this generator is closed */
    public SecretKey secretKey() {
        try (Lease lease = new Lease()) {
            return new SecretKey(context, CkksNative.secretKey(lease.take(this)), keyId);
        }
    }

    /** A new public key (fresh randomness on each call). @throws IllegalStateException if closed */
    public PublicKey publicKey() {
        try (Lease lease = new Lease()) {
            return new PublicKey(context, CkksNative.publicKey(lease.take(this)), keyId);
        }
    }

    /**
     * @throws IllegalStateException if this generator is closed, or the parameters allow no
     *     key switching ({@link CkksParameters#supportsKeySwitching()})
     */
    public RelinKeys relinKeys() {
        requireKeySwitching("relinearization keys");
        try (Lease lease = new Lease()) {
            return new RelinKeys(context, CkksNative.relinKeys(lease.take(this)), keyId);
        }
    }

    /**
     * Galois keys for exactly the given rotation steps (positive: left, negative: right).
     * Each key at N=8192 is about 1.5 MB uncompressed, so ask only for what is used.
     *
     * @throws NullPointerException if {@code steps} is null
     * @throws IllegalArgumentException if there is no step, or a step is 0 or not below the
     *     slot count in magnitude
     * @throws IllegalStateException if this generator or its context is closed, or the
     *     parameters allow no key switching ({@link CkksParameters#supportsKeySwitching()})
     */
    public GaloisKeys galoisKeys(int... steps) {
        Objects.requireNonNull(steps, "steps");
        if (steps.length == 0) {
            throw new IllegalArgumentException("at least one rotation step is needed");
        }
        for (int step : steps) {
            if (step == 0 || Math.abs((long) step) >= context.slotCount()) {
                throw new IllegalArgumentException("rotation step " + step + " must be non-zero and below "
                        + context.slotCount() + " in magnitude");
            }
        }
        requireKeySwitching("Galois keys");
        int[] distinct = Arrays.stream(steps).distinct().toArray();
        try (Lease lease = new Lease()) {
            return new GaloisKeys(context, CkksNative.galoisKeys(lease.take(context), lease.take(this), distinct),
                    keyId);
        }
    }

    /**
     * Galois keys for {@link Evaluator#sumSlots}: steps 1, 2, 4, ..., slots/2.
     *
     * @throws IllegalStateException if this generator or its context is closed, or the
     *     parameters allow no key switching
     */
    public GaloisKeys galoisKeysForSum() {
        return galoisKeys(powersOfTwoBelow(context.slotCount()));
    }

    private void requireKeySwitching(String what) {
        if (!context.parameters().supportsKeySwitching()) {
            throw new IllegalStateException("no " + what + " under " + context.parameters()
                    + ": a single prime allows no key switching");
        }
    }

    static int[] powersOfTwoBelow(int slots) {
        return java.util.stream.IntStream.iterate(1, s -> s < slots, s -> s * 2).toArray();
    }
}
