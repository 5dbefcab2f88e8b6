package org.genovfl.he;

/**
 * Relinearization keys: needed by whoever multiplies two ciphertexts ({@link Evaluator#multiply}).
 *
 * <p>Immutable once made; may be shared between threads.
 */
public final class RelinKeys extends NativeObject {

    final CkksContext context;
    final KeyId keyId;

    RelinKeys(CkksContext context, long address, KeyId keyId) {
        super(NativeHandle.RELIN_KEYS, address, "relinearization keys");
        this.context = context;
        this.keyId = keyId;
    }

    /**
     * SEAL's serialization (zstd-compressed) after GenoVFL's header with the key-set id;
     * read it back with {@link CkksContext#loadRelinKeys(byte[])}.
     *
     * @throws IllegalStateException if this key is closed
     */
    public byte[] toBytes() {
        return CkksContext.save(this, NativeHandle.RELIN_KEYS, keyId, true);
    }
}
