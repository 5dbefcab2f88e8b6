package org.genovfl.he.ristretto;

import org.genovfl.he.NativeLibrary;

/** The native Ristretto255 operations (he-native/native/src/psi.rs); callers check arguments first. */
final class RistrettoNative {

    static {
        NativeLibrary.load();
    }

    private RistrettoNative() {
    }

    static native long generateKey();

    static native void destroyKey(long handle);

    static native byte[] hashAndBlind(long handle, byte[] domainTag, byte[] identifiers, int[] ends);

    static native byte[] blind(long handle, byte[] points);

    static native int[] intersect(byte[] own, byte[] peer);
}
