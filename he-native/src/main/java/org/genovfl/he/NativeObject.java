package org.genovfl.he;

/**
 * A GenoVFL object backed by native (SEAL) memory. Close it when done; a
 * {@link java.lang.ref.Cleaner} frees it otherwise once unreachable, but native memory
 * does not pressure the Java garbage collector, so relying on that can grow the process.
 * Closing is idempotent; using a closed object throws {@link IllegalStateException}.
 * Closing while another thread is inside a call on the object is safe: the memory is freed
 * when that call returns.
 */
public abstract sealed class NativeObject implements AutoCloseable
        permits CkksContext, KeyGenerator, SecretKey, PublicKey, RelinKeys, GaloisKeys,
                Plaintext, Ciphertext, Encryptor, Decryptor {

    final NativeHandle handle;

    NativeObject(int kind, long address, String name) {
        this.handle = new NativeHandle(this, kind, address, name);
    }

    /** Whether {@link #close()} has been called. */
    public final boolean isClosed() {
        return handle.isClosed();
    }

    /** Frees the native memory (now, or when calls in progress on other threads return). */
    @Override
    public final void close() {
        handle.close();
    }
}
