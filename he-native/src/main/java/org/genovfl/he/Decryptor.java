package org.genovfl.he;

import java.util.Objects;

/**
 * Decrypts with the secret key; in GenoVFL only the coordinator has one. Thread-safe.
 *
 * <p>A raw CKKS decryption can reveal the secret key to someone who knows the exact
 * plaintext (Li and Micciancio, 2021): return only decoded values rounded to the precision
 * a protocol needs, and never decrypt for a party a ciphertext whose plaintext it knows.
 */
public final class Decryptor extends NativeObject {

    private final CkksContext context;
    private final KeyId keyId;

    Decryptor(CkksContext context, long address, KeyId keyId) {
        super(NativeHandle.DECRYPTOR, address, "decryptor");
        this.context = context;
        this.keyId = keyId;
    }

    /**
     * @throws NullPointerException if {@code ciphertext} is null
     * @throws IllegalArgumentException if it belongs to another context or is encrypted
     *     under another key set
     * @throws IllegalStateException if it, this decryptor or the context is closed
     */
    public Plaintext decrypt(Ciphertext ciphertext) {
        check(ciphertext);
        try (Lease lease = new Lease()) {
            long self = lease.take(this);
            return new Plaintext(context, CkksNative.decrypt(self, lease.take(ciphertext)));
        }
    }

    /**
     * Decrypts and decodes: all N/2 slots.
     *
     * @throws NullPointerException if {@code ciphertext} is null
     * @throws IllegalArgumentException if it belongs to another context or is encrypted
     *     under another key set
     * @throws IllegalStateException if it, this decryptor or the context is closed
     */
    public double[] decryptValues(Ciphertext ciphertext) {
        check(ciphertext);
        try (Lease lease = new Lease()) {
            long c = lease.take(context);
            long self = lease.take(this);
            return CkksNative.decryptValues(c, self, lease.take(ciphertext));
        }
    }

    private void check(Ciphertext ciphertext) {
        Objects.requireNonNull(ciphertext, "ciphertext");
        context.requireOwn(ciphertext.context, "ciphertext");
        if (!ciphertext.keyId.equals(keyId)) {
            throw new IllegalArgumentException("ciphertext is encrypted under key set " + ciphertext.keyId
                    + ", this decryptor holds " + keyId);
        }
    }
}
