package org.genovfl.he;

import java.util.Objects;

/**
 * Homomorphic operations on {@link Ciphertext}s. Thread-safe; get it from
 * {@link CkksContext#evaluator()}. Methods return a new ciphertext (close it when done)
 * unless named {@code ...InPlace}, which overwrite their first argument.
 *
 * <h2>Levels and scales</h2>
 * A fresh ciphertext is at level {@link CkksContext#maxLevel()} with scale Δ. A product
 * has scale Δ²; {@link #rescaleToNext} divides by the last prime (≈ Δ) and lowers the level
 * by one. Operands of an addition must have the same level and scale: bring a
 * higher-level operand down with {@link #matchLevel}. Every method checks its
 * preconditions in the order of its {@code @throws} list: null, context, key set, level,
 * scale; a closed operand is reported when the call starts. SEAL checks again, and what it
 * refuses (e.g. a scale out of bounds) also ends in {@link IllegalArgumentException}.
 */
public final class Evaluator {

    /** Relative scale difference below which scales count as equal. */
    private static final double SCALE_TOLERANCE = 0x1p-40;

    private final CkksContext context;

    Evaluator(CkksContext context) {
        this.context = context;
    }

    /**
     * {@code a + b}.
     *
     * @throws NullPointerException if an operand is null
     * @throws IllegalArgumentException if an operand belongs to another context, the key
     *     sets differ, the levels differ, or the scales differ
     * @throws IllegalStateException if an operand or the context is closed
     */
    public Ciphertext add(Ciphertext a, Ciphertext b) {
        checkPair(a, b);
        return binary(CkksNative.OP_ADD, a, b.handle, null, a.keyId);
    }

    /**
     * {@code a += b}; same preconditions as {@link #add}.
     *
     * @throws NullPointerException if an operand is null
     * @throws IllegalArgumentException if an operand belongs to another context, the key
     *     sets differ, the levels differ, or the scales differ
     * @throws IllegalStateException if an operand or the context is closed
     */
    public void addInPlace(Ciphertext a, Ciphertext b) {
        checkPair(a, b);
        binary(CkksNative.OP_ADD, a, b.handle, a, a.keyId);
    }

    /**
     * {@code a - b}; same preconditions as {@link #add}.
     *
     * @throws NullPointerException if an operand is null
     * @throws IllegalArgumentException if an operand belongs to another context, the key
     *     sets differ, the levels differ, or the scales differ
     * @throws IllegalStateException if an operand or the context is closed
     */
    public Ciphertext sub(Ciphertext a, Ciphertext b) {
        checkPair(a, b);
        return binary(CkksNative.OP_SUB, a, b.handle, null, a.keyId);
    }

    /**
     * {@code -a}.
     *
     * @throws NullPointerException if {@code a} is null
     * @throws IllegalArgumentException if it belongs to another context
     * @throws IllegalStateException if it or the context is closed
     */
    public Ciphertext negate(Ciphertext a) {
        checkOwn(a, "a");
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            return new Ciphertext(context, CkksNative.negate(c, lease.take(a), 0), a.keyId);
        }
    }

    /**
     * {@code a + p}; encode {@code p} at {@code a}'s level and scale.
     *
     * @throws NullPointerException if an operand is null
     * @throws IllegalArgumentException if an operand belongs to another context, the levels
     *     differ, or the scales differ
     * @throws IllegalStateException if an operand or the context is closed
     */
    public Ciphertext addPlain(Ciphertext a, Plaintext p) {
        checkPlain(a, p, true);
        return binary(CkksNative.OP_ADD_PLAIN, a, p.handle, null, a.keyId);
    }

    /**
     * {@code a - p}; same preconditions as {@link #addPlain}.
     *
     * @throws NullPointerException if an operand is null
     * @throws IllegalArgumentException if an operand belongs to another context, the levels
     *     differ, or the scales differ
     * @throws IllegalStateException if an operand or the context is closed
     */
    public Ciphertext subPlain(Ciphertext a, Plaintext p) {
        checkPlain(a, p, true);
        return binary(CkksNative.OP_SUB_PLAIN, a, p.handle, null, a.keyId);
    }

    /**
     * {@code a * p} slot-wise; the result's scale is the product of the scales, so rescale
     * before the next multiplication.
     *
     * @throws NullPointerException if an operand is null
     * @throws IllegalArgumentException if an operand belongs to another context, the levels
     *     differ, or the product of the scales exceeds the modulus at that level
     * @throws IllegalStateException if an operand or the context is closed
     */
    public Ciphertext multiplyPlain(Ciphertext a, Plaintext p) {
        checkPlain(a, p, false);
        return binary(CkksNative.OP_MULTIPLY_PLAIN, a, p.handle, null, a.keyId);
    }

    /**
     * {@code a *= p} slot-wise; same preconditions as {@link #multiplyPlain}. SEAL then
     * multiplies {@code a}'s polynomials where they are, without first copying them into a
     * new ciphertext: the fastest form for accumulating products.
     *
     * @throws NullPointerException if an operand is null
     * @throws IllegalArgumentException if an operand belongs to another context, the levels
     *     differ, or the product of the scales exceeds the modulus at that level
     * @throws IllegalStateException if an operand or the context is closed
     */
    public void multiplyPlainInPlace(Ciphertext a, Plaintext p) {
        checkPlain(a, p, false);
        binary(CkksNative.OP_MULTIPLY_PLAIN, a, p.handle, a, a.keyId);
    }

    /**
     * {@code a + c} in every slot (the constant is encoded at {@code a}'s level and scale).
     *
     * @throws NullPointerException if {@code a} is null
     * @throws IllegalArgumentException if it belongs to another context or {@code c} is not finite
     * @throws IllegalStateException if it or the context is closed
     */
    public Ciphertext addConstant(Ciphertext a, double c) {
        checkOwn(a, "a");
        checkFinite(c);
        return constant(false, a, c, a.scale());
    }

    /**
     * {@code a * c} in every slot; {@code c} is encoded at scale Δ, so the result has scale
     * {@code a.scale() * Δ} and wants a rescale.
     *
     * @throws NullPointerException if {@code a} is null
     * @throws IllegalArgumentException if it belongs to another context, {@code c} is not
     *     finite, or the product of the scales exceeds the modulus at its level
     * @throws IllegalStateException if it or the context is closed
     */
    public Ciphertext multiplyConstant(Ciphertext a, double c) {
        checkOwn(a, "a");
        checkFinite(c);
        return constant(true, a, c, context.parameters().scale());
    }

    /**
     * {@code a * b}, relinearized back to two polynomials; scale is the product of the
     * scales, so rescale afterwards.
     *
     * @throws NullPointerException if an operand or {@code relinKeys} is null
     * @throws IllegalArgumentException if an operand or the keys belong to another context,
     *     the key sets differ, the levels differ, or the product of the scales exceeds the
     *     modulus at that level
     * @throws IllegalStateException if an operand, the keys or the context is closed
     */
    public Ciphertext multiply(Ciphertext a, Ciphertext b, RelinKeys relinKeys) {
        checkOwn(a, "a");
        checkOwn(b, "b");
        Objects.requireNonNull(relinKeys, "relinKeys");
        context.requireOwn(relinKeys.context, "relinearization keys");
        checkSameKey(a.keyId, b.keyId);
        checkSameKey(a.keyId, relinKeys.keyId);
        checkSameLevel(a.level(), b.level());
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            long r = CkksNative.multiplyRelin(c, lease.take(a), lease.take(b), lease.take(relinKeys), 0);
            return new Ciphertext(context, r, a.keyId);
        }
    }

    /**
     * Divides by the last prime of the current level and drops it: scale ≈ scale/Δ, level - 1.
     *
     * @throws NullPointerException if {@code a} is null
     * @throws IllegalArgumentException if it belongs to another context or is at level 0
     * @throws IllegalStateException if it or the context is closed
     */
    public Ciphertext rescaleToNext(Ciphertext a) {
        checkRescale(a);
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            return new Ciphertext(context, CkksNative.rescale(c, lease.take(a), 0), a.keyId);
        }
    }

    /**
     * In-place {@link #rescaleToNext}.
     *
     * @throws NullPointerException if {@code a} is null
     * @throws IllegalArgumentException if it belongs to another context or is at level 0
     * @throws IllegalStateException if it or the context is closed
     */
    public void rescaleToNextInPlace(Ciphertext a) {
        checkRescale(a);
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            long self = lease.take(a);
            CkksNative.rescale(c, self, self);
        }
        a.refresh();
    }

    /**
     * Drops primes without dividing (scale unchanged) down to {@code level}.
     *
     * @throws NullPointerException if {@code a} is null
     * @throws IllegalArgumentException if it belongs to another context, or {@code level}
     *     is negative or above its level
     * @throws IllegalStateException if it or the context is closed
     */
    public Ciphertext modSwitchTo(Ciphertext a, int level) {
        checkOwn(a, "a");
        checkTargetLevel(a.level(), level);
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            return new Ciphertext(context, CkksNative.modSwitch(c, lease.take(a), level, 0), a.keyId);
        }
    }

    /**
     * A plaintext switched down to {@code level} (scale unchanged).
     *
     * @throws NullPointerException if {@code p} is null
     * @throws IllegalArgumentException if it belongs to another context, or {@code level}
     *     is negative or above its level
     * @throws IllegalStateException if it or the context is closed
     */
    public Plaintext modSwitchTo(Plaintext p, int level) {
        Objects.requireNonNull(p, "p");
        context.requireOwn(p.context, "plaintext");
        checkTargetLevel(p.level(), level);
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            return new Plaintext(context, CkksNative.modSwitchPlain(c, lease.take(p), level));
        }
    }

    /**
     * A copy of {@code a} at {@code target}'s level and exactly its scale, ready to be
     * added to it. From a higher level this multiplies by the constant 1 encoded at the
     * scale that makes the following rescale land exactly on {@code target}'s scale (a
     * rescale divides by a prime q that is only close to Δ, so scales drift apart and
     * simply overwriting the scale would add an error of that relative size, about 1e-5 at
     * N=16384). Cost: one plaintext multiplication and one rescale; noise added: one
     * rescale's rounding.
     *
     * @throws NullPointerException if an operand is null
     * @throws IllegalArgumentException if an operand belongs to another context, the key
     *     sets differ, {@code a} is below {@code target}'s level, or both are at the same
     *     level with different scales
     * @throws IllegalStateException if an operand or the context is closed
     */
    public Ciphertext matchLevel(Ciphertext a, Ciphertext target) {
        checkOwn(a, "a");
        checkOwn(target, "target");
        checkSameKey(a.keyId, target.keyId);
        checkTargetLevel(a.level(), target.level());
        if (a.level() == target.level()) {
            checkSameScale(a.scale(), target.scale());
        }
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            long r = CkksNative.matchLevel(c, lease.take(a), target.level(), target.scale(), 0);
            return new Ciphertext(context, r, a.keyId);
        }
    }

    /**
     * Rotates the slots left by {@code steps} (right if negative), cyclically.
     *
     * @throws NullPointerException if {@code a} or {@code galoisKeys} is null
     * @throws IllegalArgumentException if an argument belongs to another context, the key
     *     sets differ, {@code steps} is not below the slot count in magnitude, or the keys
     *     cannot make this rotation (SEAL composes it from the steps it has keys for)
     * @throws IllegalStateException if an argument or the context is closed
     */
    public Ciphertext rotate(Ciphertext a, int steps, GaloisKeys galoisKeys) {
        checkGalois(a, galoisKeys);
        if (Math.abs((long) steps) >= context.slotCount()) {
            throw new IllegalArgumentException("rotation step " + steps + " not below " + context.slotCount());
        }
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            long r = CkksNative.rotate(c, lease.take(a), steps, lease.take(galoisKeys), 0);
            return new Ciphertext(context, r, a.keyId);
        }
    }

    /**
     * Every slot of the result holds the sum of all slots of {@code a}: log2(slots)
     * rotations and additions; needs {@link KeyGenerator#galoisKeysForSum()}.
     *
     * @throws NullPointerException if {@code a} or {@code galoisKeys} is null
     * @throws IllegalArgumentException if an argument belongs to another context, the key
     *     sets differ, or the keys lack a power-of-two step
     * @throws IllegalStateException if an argument or the context is closed
     */
    public Ciphertext sumSlots(Ciphertext a, GaloisKeys galoisKeys) {
        checkGalois(a, galoisKeys);
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            long r = CkksNative.sumSlots(c, lease.take(a), lease.take(galoisKeys), 0);
            return new Ciphertext(context, r, a.keyId);
        }
    }

    // ----- preconditions and plumbing -----

    private Ciphertext binary(int op, Ciphertext a, NativeHandle b, Ciphertext dest, KeyId keyId) {
        long result;
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            long ha = lease.take(a);
            long hb = lease.take(b);
            result = CkksNative.binary(c, op, ha, hb, dest == null ? 0 : ha);
        }
        if (dest != null) {
            dest.refresh();
            return dest;
        }
        return new Ciphertext(context, result, keyId);
    }

    private Ciphertext constant(boolean multiply, Ciphertext a, double value, double scale) {
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            return new Ciphertext(context, CkksNative.constant(c, multiply, lease.take(a), value, scale, 0), a.keyId);
        }
    }

    private void checkOwn(Ciphertext a, String name) {
        Objects.requireNonNull(a, name);
        context.requireOwn(a.context, "ciphertext " + name);
    }

    private void checkPair(Ciphertext a, Ciphertext b) {
        checkOwn(a, "a");
        checkOwn(b, "b");
        checkSameKey(a.keyId, b.keyId);
        checkSameLevel(a.level(), b.level());
        checkSameScale(a.scale(), b.scale());
    }

    private void checkPlain(Ciphertext a, Plaintext p, boolean sameScale) {
        checkOwn(a, "a");
        Objects.requireNonNull(p, "p");
        context.requireOwn(p.context, "plaintext");
        checkSameLevel(a.level(), p.level());
        if (sameScale) {
            checkSameScale(a.scale(), p.scale());
        }
    }

    private void checkRescale(Ciphertext a) {
        checkOwn(a, "a");
        if (a.level() == 0) {
            throw new IllegalArgumentException("ciphertext is at level 0: no prime left to rescale by");
        }
    }

    private void checkGalois(Ciphertext a, GaloisKeys galoisKeys) {
        checkOwn(a, "a");
        Objects.requireNonNull(galoisKeys, "galoisKeys");
        context.requireOwn(galoisKeys.context, "Galois keys");
        checkSameKey(a.keyId, galoisKeys.keyId);
    }

    private static void checkSameKey(KeyId a, KeyId b) {
        if (!a.equals(b)) {
            throw new IllegalArgumentException("operands are under different key sets (" + a + ", " + b + ")");
        }
    }

    private static void checkSameLevel(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("levels differ (" + a + ", " + b + "): use matchLevel or modSwitchTo");
        }
    }

    private static void checkSameScale(double a, double b) {
        if (Math.abs(a - b) > SCALE_TOLERANCE * Math.max(a, b)) {
            throw new IllegalArgumentException("scales differ (2^" + log2(a) + ", 2^" + log2(b) + ")");
        }
    }

    private static void checkTargetLevel(int from, int to) {
        if (to < 0 || to > from) {
            throw new IllegalArgumentException("cannot switch from level " + from + " to level " + to);
        }
    }

    private static void checkFinite(double c) {
        if (!Double.isFinite(c)) {
            throw new IllegalArgumentException("constant is not finite: " + c);
        }
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
