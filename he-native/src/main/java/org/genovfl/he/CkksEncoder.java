package org.genovfl.he;

import java.util.Objects;

/**
 * Encodes vectors of real numbers into {@link Plaintext}s and decodes them back.
 * Thread-safe; get it from {@link CkksContext#encoder()}.
 */
public final class CkksEncoder {

    private final CkksContext context;

    CkksEncoder(CkksContext context) {
        this.context = context;
    }

    /**
     * Encodes at the top level and the default scale Δ (for fresh encryption or for
     * operands of fresh ciphertexts).
     *
     * @throws NullPointerException if {@code values} is null
     * @throws IllegalArgumentException if there are more values than slots, or one is not finite
     * @throws IllegalStateException if the context is closed
     */
    public Plaintext encode(double[] values) {
        return encode(values, context.maxLevel(), context.parameters().scale());
    }

    /**
     * Encodes at a given level and scale, e.g. {@code encode(v, ct.level(), ct.scale())}
     * for {@link Evaluator#addPlain} on a ciphertext that has been rescaled. Unused slots
     * are zero.
     *
     * @throws NullPointerException if {@code values} is null
     * @throws IllegalArgumentException if there are more values than slots, a value is not
     *     finite, the level is outside 0..maxLevel, or the scale is not positive and finite
     *     or too large for the level (SEAL's check)
     * @throws IllegalStateException if the context is closed
     */
    public Plaintext encode(double[] values, int level, double scale) {
        Objects.requireNonNull(values, "values");
        checkValues(context, values);
        checkLevelAndScale(context, level, scale);
        try (Lease lease = new Lease()) {
            return new Plaintext(context, CkksNative.encode(lease.take(context), values, level, scale));
        }
    }

    /**
     * All slots of the plaintext (N/2 values).
     *
     * @throws NullPointerException if {@code plaintext} is null
     * @throws IllegalArgumentException if it belongs to another context
     * @throws IllegalStateException if it or the context is closed
     */
    public double[] decode(Plaintext plaintext) {
        Objects.requireNonNull(plaintext, "plaintext");
        context.requireOwn(plaintext.context, "plaintext");
        try (Lease lease = new Lease()) {
            return CkksNative.decode(lease.take(context), lease.take(plaintext));
        }
    }

    static void checkValues(CkksContext context, double[] values) {
        if (values.length > context.slotCount()) {
            throw new IllegalArgumentException(values.length + " values exceed the " + context.slotCount() + " slots");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("value " + i + " is not finite: " + values[i]);
            }
        }
    }

    static void checkLevelAndScale(CkksContext context, int level, double scale) {
        if (level < 0 || level > context.maxLevel()) {
            throw new IllegalArgumentException("level " + level + " outside 0.." + context.maxLevel());
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, not " + scale);
        }
    }
}
