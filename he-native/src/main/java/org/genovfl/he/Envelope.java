package org.genovfl.he;

import java.nio.ByteBuffer;

/**
 * The 22-byte header GenoVFL puts before SEAL's own serialization of a key, plaintext or
 * ciphertext: magic {@code GVHE}, format version 1, the object kind, and the {@link KeyId}.
 * SEAL's bytes follow (with SEAL's header, zstd-compressed).
 */
final class Envelope {

    static final int HEADER_SIZE = 22;
    private static final int MAGIC = 0x47564845; // "GVHE"
    private static final byte VERSION = 1;

    private Envelope() {
    }

    static byte[] header(int kind, KeyId keyId) {
        return ByteBuffer.allocate(HEADER_SIZE).putInt(MAGIC).put(VERSION).put((byte) kind)
                .putLong(keyId.high()).putLong(keyId.low()).array();
    }

    /**
     * Checks the header of untrusted bytes and returns their key id.
     *
     * @throws HeFormatException if the header is missing, of another version or kind
     */
    static KeyId read(byte[] bytes, int kind, String what) {
        if (bytes.length <= HEADER_SIZE) {
            throw new HeFormatException(what + ": " + bytes.length + " bytes are too few");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt() != MAGIC || in.get() != VERSION) {
            throw new HeFormatException(what + ": not a GenoVFL HE object (bad header)");
        }
        int actual = in.get();
        if (actual != kind) {
            throw new HeFormatException(what + ": bytes hold object kind " + actual + ", expected " + kind);
        }
        return new KeyId(in.getLong(), in.getLong());
    }
}
