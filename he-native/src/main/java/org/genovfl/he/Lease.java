package org.genovfl.he;

/**
 * Acquires up to five native handles for one call and releases them in reverse order, so
 * every operation reads {@code try (Lease lease = new Lease()) { long a = lease.take(x); ... }}.
 */
final class Lease implements AutoCloseable {

    private final NativeHandle[] taken = new NativeHandle[5];
    private int count;

    /**
     * @throws IllegalStateException if the object is closed
     */
    long take(NativeObject object) {
        return take(object.handle);
    }

    /**
     * @throws IllegalStateException if the object is closed
     */
    long take(NativeHandle handle) {
        long address = handle.acquire();
        taken[count++] = handle;
        return address;
    }

    @Override
    public void close() {
        while (count > 0) {
            taken[--count].release();
        }
    }
}
