package org.genovfl.he.ristretto;

import java.lang.ref.Cleaner;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A party's secret exponent k for one private set intersection run, held in native
 * memory only and wiped by {@link #close()} (or, as a safety net, when it becomes
 * unreachable).
 *
 * <pre>{@code
 * try (BlindingKey key = BlindingKey.generate()) {
 *     byte[] mine = key.hashToGroupAndBlind(domainTag, identifiers); // k·H(id), to send
 *     byte[] theirsTwice = key.blind(received);                      // k·(peer's values)
 * }
 * }</pre>
 *
 * <p>Work is spread over all cores; call with chunks of thousands of elements. Safe for
 * concurrent use; {@code close} waits for running calls.
 */
public final class BlindingKey implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Handle handle;
    private final Cleaner.Cleanable cleanable;

    private BlindingKey(long address) {
        this.handle = new Handle(address);
        this.cleanable = CLEANER.register(this, handle);
    }

    /** A fresh random non-zero scalar from the operating system's generator. */
    public static BlindingKey generate() {
        return new BlindingKey(RistrettoNative.generateKey());
    }

    /**
     * Maps each identifier to Ristretto255 (SHA-512 of the length-prefixed domain tag and
     * identifier, then the RFC 9496 one-way map) and multiplies by k.
     *
     * @param domainTag separates projects and identifier types; both parties must use the same
     * @param identifiers the normalised identifiers as bytes (UTF-8)
     * @return k·H(id) for each identifier, 32 bytes each, in input order
     * @throws IllegalStateException if the key is closed
     */
    public byte[] hashToGroupAndBlind(byte[] domainTag, List<byte[]> identifiers) {
        Objects.requireNonNull(domainTag, "domainTag");
        Objects.requireNonNull(identifiers, "identifiers");
        int total = 0;
        int[] ends = new int[identifiers.size()];
        for (int i = 0; i < ends.length; i++) {
            total = Math.addExact(total, Objects.requireNonNull(identifiers.get(i), "identifier").length);
            ends[i] = total;
        }
        byte[] packed = new byte[total];
        int offset = 0;
        for (byte[] identifier : identifiers) {
            System.arraycopy(identifier, 0, packed, offset, identifier.length);
            offset += identifier.length;
        }
        lock.readLock().lock();
        try {
            return RistrettoNative.hashAndBlind(liveHandle(), domainTag, packed, ends);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Multiplies each received element by k, after checking that it decodes and is not the identity.
     *
     * @param points concatenated 32-byte encodings, as received from the peer
     * @return k·P for each element, in input order
     * @throws IllegalArgumentException if {@code points} is not a whole number of elements
     * @throws InvalidPointException if an element is malformed or the identity
     * @throws IllegalStateException if the key is closed
     */
    public byte[] blind(byte[] points) {
        Ristretto255.requirePoints(points, "points");
        lock.readLock().lock();
        try {
            long address = liveHandle();
            try {
                return RistrettoNative.blind(address, points);
            } catch (IllegalArgumentException e) {
                throw new InvalidPointException(e.getMessage());
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Wipes the scalar; idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            cleanable.clean();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private long liveHandle() {
        long address = handle.address;
        if (address == 0) {
            throw new IllegalStateException("blinding key is closed");
        }
        return address;
    }

    /** Owns the native pointer; runs at most once, from close() or the cleaner. */
    private static final class Handle implements Runnable {
        private volatile long address;

        Handle(long address) {
            this.address = address;
        }

        @Override
        public void run() {
            long toFree = address;
            address = 0;
            RistrettoNative.destroyKey(toFree);
        }
    }
}
