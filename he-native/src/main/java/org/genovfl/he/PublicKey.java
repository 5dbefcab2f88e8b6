package org.genovfl.he;

/**
 * The public key: every party may hold it to encrypt.
 *
 * <p>Immutable once made; may be shared between threads.
 */
public final class PublicKey extends NativeObject {

    final CkksContext context;
    final KeyId keyId;

    PublicKey(CkksContext context, long address, KeyId keyId) {
        super(NativeHandle.PUBLIC_KEY, address, "public key");
        this.context = context;
        this.keyId = keyId;
    }

    /**
     * SEAL's serialization (zstd-compressed) after GenoVFL's header with the key-set id;
     * read it back with {@link CkksContext#loadPublicKey(byte[])}.
     *
     * @throws IllegalStateException if this key is closed
     */
    public byte[] toBytes() {
        return CkksContext.save(this, NativeHandle.PUBLIC_KEY, keyId, true);
    }
}
