package org.genovfl.he;

/**
 * The secret key: only the coordinator holds it; it decrypts. Never send it to another party.
 *
 * <p>Immutable once made; may be shared between threads.
 */
public final class SecretKey extends NativeObject {

    final CkksContext context;
    final KeyId keyId;

    SecretKey(CkksContext context, long address, KeyId keyId) {
        super(NativeHandle.SECRET_KEY, address, "secret key");
        this.context = context;
        this.keyId = keyId;
    }

    /**
     * SEAL's serialization (zstd-compressed) after GenoVFL's header with the key-set id;
     * read it back with {@link CkksContext#loadSecretKey(byte[])}.
     *
     * @throws IllegalStateException if this key is closed
     */
    public byte[] toBytes() {
        return CkksContext.save(this, NativeHandle.SECRET_KEY, keyId, true);
    }
}
