package org.genovfl.he;

import java.util.Objects;

/**
 * Encrypts with a public key, so any party holding the public key can encrypt.
 * Thread-safe. Get one from {@link CkksContext#encryptor(PublicKey)}.
 */
public final class Encryptor extends NativeObject {

    private final CkksContext context;
    private final KeyId keyId;

    Encryptor(CkksContext context, long address, KeyId keyId) {
        super(NativeHandle.ENCRYPTOR, address, "encryptor");
        this.context = context;
        this.keyId = keyId;
    }

    /**
     * @throws NullPointerException if {@code plaintext} is null
     * @throws IllegalArgumentException if it belongs to another context
     * @throws IllegalStateException if it, this encryptor or the context is closed
     */
    public Ciphertext encrypt(Plaintext plaintext) {
        Objects.requireNonNull(plaintext, "plaintext");
        context.requireOwn(plaintext.context, "plaintext");
        try (Lease lease = new Lease()) {
            long self = lease.take(this);
            return new Ciphertext(context, CkksNative.encrypt(self, lease.take(plaintext)), keyId);
        }
    }

    /**
     * Encodes at the top level and scale Δ, then encrypts, in one native call.
     *
     * @throws NullPointerException if {@code values} is null
     * @throws IllegalArgumentException if there are more values than slots or one is not finite
     * @throws IllegalStateException if this encryptor or the context is closed
     */
    public Ciphertext encrypt(double[] values) {
        Objects.requireNonNull(values, "values");
        CkksEncoder.checkValues(context, values);
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            long self = lease.take(this);
            long ct = CkksNative.encryptValues(c, self, values, context.maxLevel(), context.parameters().scale());
            return new Ciphertext(context, ct, keyId);
        }
    }
}
