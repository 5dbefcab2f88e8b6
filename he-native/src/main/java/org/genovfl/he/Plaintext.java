package org.genovfl.he;

/**
 * An encoded (not encrypted) vector at a level and scale, made by {@link CkksEncoder}.
 * Pre-encode data used in many products once (e.g. a party's feature blocks per run).
 *
 * <p>Immutable; may be shared between threads.
 */
public final class Plaintext extends NativeObject {

    final CkksContext context;
    private final int level;
    private final double scale;

    Plaintext(CkksContext context, long address) {
        super(NativeHandle.PLAINTEXT, address, "plaintext");
        this.context = context;
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            long p = lease.take(this);
            this.level = CkksNative.plaintextLevel(c, p);
            this.scale = CkksNative.plaintextScale(p);
        }
    }

    /** Level (number of primes left minus one) this plaintext is encoded at. */
    public int level() {
        return level;
    }

    public double scale() {
        return scale;
    }

    /**
     * SEAL's zstd-compressed serialization after GenoVFL's header; read it back with
     * {@link CkksContext#loadPlaintext(byte[])}.
     *
     * @throws IllegalStateException if this plaintext is closed
     */
    public byte[] toBytes() {
        return CkksContext.save(this, NativeHandle.PLAINTEXT, KeyId.NONE, true);
    }
}
