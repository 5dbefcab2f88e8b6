package org.genovfl.he;

/**
 * Galois keys for the rotation steps they were generated for ({@link KeyGenerator#galoisKeys(int...)}); needed by whoever rotates ({@link Evaluator#rotate}, {@link Evaluator#sumSlots}). Generate and share only the steps a protocol uses.
 *
 * <p>Immutable once made; may be shared between threads.
 */
public final class GaloisKeys extends NativeObject {

    final CkksContext context;
    final KeyId keyId;

    GaloisKeys(CkksContext context, long address, KeyId keyId) {
        super(NativeHandle.GALOIS_KEYS, address, "Galois keys");
        this.context = context;
        this.keyId = keyId;
    }

    /**
     * SEAL's serialization (zstd-compressed) after GenoVFL's header with the key-set id;
     * read it back with {@link CkksContext#loadGaloisKeys(byte[])}.
     *
     * @throws IllegalStateException if this key is closed
     */
    public byte[] toBytes() {
        return CkksContext.save(this, NativeHandle.GALOIS_KEYS, keyId, true);
    }
}
