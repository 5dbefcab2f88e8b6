package org.genovfl.he;

/**
 * Bytes given to a {@code load} or {@code fromBytes} method are not a valid object for the
 * context: malformed, truncated, too large, of another kind, made under other parameters,
 * or failing SEAL's validity checks. Such bytes come from another organisation, so this is
 * an expected outcome of hostile or corrupted input, never a crash.
 */
public final class HeFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public HeFormatException(String message) {
        super(message);
    }
}
