package org.genovfl.he;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns one native object: frees it exactly once, after {@link #close()} (or, as a safety
 * net, after its owner becomes unreachable) and after the last call using it has returned.
 *
 * <p>Every native call brackets its use with {@link #acquire}/{@link #release}; the state
 * counts those users and carries a closed bit, so closing an object while another thread
 * uses it defers the free instead of freeing memory under SEAL's feet. This is also why a
 * Cleaner may run while a method of the owner is still in a native call.
 */
final class NativeHandle implements Runnable {

    static final int CONTEXT = 1;
    static final int PLAINTEXT = 2;
    static final int CIPHERTEXT = 3;
    static final int SECRET_KEY = 4;
    static final int PUBLIC_KEY = 5;
    static final int RELIN_KEYS = 6;
    static final int GALOIS_KEYS = 7;
    static final int KEY_GENERATOR = 8;
    static final int ENCRYPTOR = 9;
    static final int DECRYPTOR = 10;

    private static final Cleaner CLEANER = Cleaner.create();
    private static final long CLOSED = 1L << 62;

    private final int kind;
    private final long address;
    private final String name;
    private final AtomicLong state = new AtomicLong();
    private final Cleaner.Cleanable cleanable;

    /** Takes ownership of {@code address}; {@code owner} must not be referenced by this. */
    NativeHandle(Object owner, int kind, long address, String name) {
        if (address == 0) {
            throw new IllegalStateException("native call returned no " + name);
        }
        this.kind = kind;
        this.address = address;
        this.name = name;
        this.cleanable = CLEANER.register(owner, this);
    }

    /**
     * Registers a user and returns the address.
     *
     * @throws IllegalStateException if the object is closed
     */
    long acquire() {
        while (true) {
            long s = state.get();
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException(name + " is closed");
            }
            if (state.compareAndSet(s, s + 1)) {
                return address;
            }
        }
    }

    void release() {
        if (state.decrementAndGet() == CLOSED) {
            free();
        }
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /** Idempotent; frees now, or when the last current user releases. */
    void close() {
        cleanable.clean();
    }

    /** The cleaning action: runs at most once, from {@link #close()} or the Cleaner. */
    @Override
    public void run() {
        long previous = state.getAndUpdate(s -> s | CLOSED);
        if (previous == 0) {
            free();
        }
    }

    private void free() {
        CkksNative.destroy(kind, address);
    }
}
