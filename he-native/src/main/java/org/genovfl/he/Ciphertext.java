package org.genovfl.he;

/**
 * An encrypted vector of {@link CkksContext#slotCount()} real values, with its level
 * (rescales left), scale, and the id of the key set it is encrypted under.
 *
 * <p>Not thread-safe for modification: the in-place operations of {@link Evaluator}
 * change it. Concurrent reads (as an operand) are fine.
 */
public final class Ciphertext extends NativeObject {

    final CkksContext context;
    final KeyId keyId;
    private int level;
    private int size;
    private double scale;

    Ciphertext(CkksContext context, long address, KeyId keyId) {
        super(NativeHandle.CIPHERTEXT, address, "ciphertext");
        this.context = context;
        this.keyId = keyId;
        refresh();
    }

    /** Re-reads level, size and scale after a native operation wrote this ciphertext. */
    void refresh() {
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            long self = lease.take(this);
            long shape = CkksNative.ciphertextShape(c, self);
            level = (int) (shape & 0xffff);
            size = (int) (shape >>> 16);
            scale = CkksNative.ciphertextScale(self);
        }
    }

    /** Rescales left before the modulus is exhausted; fresh ciphertexts are at {@link CkksContext#maxLevel()}. */
    public int level() {
        return level;
    }

    /** Current scale: Δ when fresh, about Δ² after a multiplication, about Δ again after a rescale. */
    public double scale() {
        return scale;
    }

    /** Number of polynomials: 2 (GenoVFL relinearizes after every multiplication). */
    public int size() {
        return size;
    }

    /**
     * SEAL's zstd-compressed serialization after GenoVFL's header and the key-set id; read
     * it back with {@link CkksContext#loadCiphertext(byte[])}.
     *
     * @throws IllegalStateException if this ciphertext is closed
     */
    public byte[] toBytes() {
        return CkksContext.save(this, NativeHandle.CIPHERTEXT, keyId, true);
    }

    /**
     * As {@link #toBytes()}; without compression when {@code compress} is false. CKKS
     * ciphertexts are close to uniformly random, so zstd saves little (their top bits only)
     * and costs more time than the bytes it saves on a fast link: protocols that stream
     * many ciphertexts send them uncompressed. Loading accepts both forms.
     *
     * @throws IllegalStateException if this ciphertext is closed
     */
    public byte[] toBytes(boolean compress) {
        return CkksContext.save(this, NativeHandle.CIPHERTEXT, keyId, compress);
    }

    @Override
    public String toString() {
        return "Ciphertext[level=" + level + ", scale=2^" + Math.log(scale) / Math.log(2) + ", size=" + size + "]";
    }
}
