package org.genovfl.he;

import java.security.SecureRandom;

/**
 * Random 128-bit identifier of one key set (secret, public, relinearization and Galois keys
 * from one {@link KeyGenerator}). Every serialized key and ciphertext carries it, and
 * operations and decryption compare it, so a ciphertext under another key is refused
 * instead of decrypting to noise. It is a label against mistakes, not an authenticator:
 * integrity of messages between parties comes from their signed transport.
 */
record KeyId(long high, long low) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The id of objects not bound to a key (plaintexts). */
    static final KeyId NONE = new KeyId(0, 0);

    static KeyId random() {
        return new KeyId(RANDOM.nextLong(), RANDOM.nextLong());
    }

    @Override
    public String toString() {
        return String.format("%016x%016x", high, low);
    }
}
