package org.genovfl.he;

/**
 * The native methods of the CKKS API ({@code native/src/ckks_jni.rs}). Handles are SEAL
 * object pointers owned by {@link NativeHandle}; every precondition a Java caller can
 * break is checked in the public classes before a call reaches here. Operations write to
 * {@code dest}, or to a new ciphertext when {@code dest} is 0, and return the handle.
 */
final class CkksNative {

    static final int OP_ADD = 0;
    static final int OP_SUB = 1;
    static final int OP_ADD_PLAIN = 2;
    static final int OP_SUB_PLAIN = 3;
    static final int OP_MULTIPLY_PLAIN = 4;

    static {
        NativeLibrary.load();
    }

    private CkksNative() {
    }

    static native long contextCreate(long degree, int[] bitSizes);

    static native void destroy(int kind, long handle);

    /**
     * Contexts and SEAL objects allocated natively and not yet freed, in the whole process:
     * what closing (or the Cleaner) has not yet released.
     */
    static native long liveObjects();

    static native long encode(long context, double[] values, int level, double scale);

    static native long encodeConstant(long context, double value, int level, double scale);

    static native double[] decode(long context, long plaintext);

    static native long keyGenerator(long context);

    static native long secretKey(long keyGenerator);

    static native long publicKey(long keyGenerator);

    static native long relinKeys(long keyGenerator);

    static native long galoisKeys(long context, long keyGenerator, int[] steps);

    static native long encryptor(long context, long publicKey);

    static native long decryptor(long context, long secretKey);

    static native long encrypt(long encryptor, long plaintext);

    static native long encryptValues(long context, long encryptor, double[] values, int level, double scale);

    static native long decrypt(long decryptor, long ciphertext);

    static native double[] decryptValues(long context, long decryptor, long ciphertext);

    static native long binary(long context, int op, long a, long b, long dest);

    static native long constant(long context, boolean multiply, long a, double value, double scale, long dest);

    static native long negate(long context, long a, long dest);

    static native long multiplyRelin(long context, long a, long b, long relinKeys, long dest);

    static native long rescale(long context, long a, long dest);

    static native long modSwitch(long context, long a, int level, long dest);

    static native long matchLevel(long context, long a, int level, double scale, long dest);

    static native long modSwitchPlain(long context, long plaintext, int level);

    static native long rotate(long context, long a, int steps, long galoisKeys, long dest);

    static native long sumSlots(long context, long a, long galoisKeys, long dest);

    /** Level in the low 16 bits, number of polynomials above. */
    static native long ciphertextShape(long context, long ciphertext);

    static native double ciphertextScale(long ciphertext);

    static native int plaintextLevel(long context, long plaintext);

    static native double plaintextScale(long plaintext);

    /** SEAL serialization of the object, after a copy of {@code prefix}. */
    static native byte[] save(int kind, long handle, boolean compress, byte[] prefix);

    /**
     * Benchmark hook: runs benchmark operation {@code op} (see {@code ckks_bench.rs}) natively
     * {@code iterations} times on {encryptor, pt, a, b, prod, relin, galois} and returns the
     * elapsed nanoseconds, so the JNI overhead can be measured in the same process.
     */
    static native long benchNative(long context, int op, long[] handles, byte[] saved, int iterations);

    /** Loads from {@code bytes[offset..]}. */
    static native long load(long context, int kind, byte[] bytes, int offset);
}
