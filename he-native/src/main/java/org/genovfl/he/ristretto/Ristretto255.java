package org.genovfl.he.ristretto;

import java.util.Objects;

/**
 * Set operations on encoded Ristretto255 elements (32 bytes each, concatenated).
 *
 * <pre>{@code
 * int[] rows = Ristretto255.intersect(myDoublyBlinded, peersDoublyBlinded);
 * // rows[i] is the position in myDoublyBlinded of the i-th common value, in ascending
 * // order of the value's encoding: the peer computes the same order for its own rows.
 * }</pre>
 */
public final class Ristretto255 {

    /** Bytes of one encoded element. */
    public static final int POINT_BYTES = 32;

    private Ristretto255() {
    }

    /**
     * Positions in {@code own} of the values also in {@code peer}, ordered by the values'
     * encodings (unsigned lexicographic). Runs natively in O((n + m) log(n + m)).
     *
     * @throws IllegalArgumentException if either array is not a whole number of elements
     * @throws InvalidPointException if either set repeats a value (no honest run does)
     */
    public static int[] intersect(byte[] own, byte[] peer) {
        requirePoints(own, "own");
        requirePoints(peer, "peer");
        try {
            return RistrettoNative.intersect(own, peer);
        } catch (IllegalArgumentException e) {
            throw new InvalidPointException(e.getMessage());
        }
    }

    /** Number of elements in {@code points}, checking it is a whole number of them. */
    public static int count(byte[] points) {
        requirePoints(points, "points");
        return points.length / POINT_BYTES;
    }

    static void requirePoints(byte[] points, String name) {
        Objects.requireNonNull(points, name);
        if (points.length % POINT_BYTES != 0) {
            throw new IllegalArgumentException(name + ": " + points.length + " bytes is not a whole number of "
                    + POINT_BYTES + "-byte elements");
        }
    }
}
