package org.genovfl.he.ristretto;

/**
 * Bytes received from another party are not a valid Ristretto255 element, or are the
 * identity element. The message gives the position within the chunk, never the bytes
 * (a blinded value is a pseudonym).
 */
public final class InvalidPointException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidPointException(String message) {
        super(message);
    }
}
