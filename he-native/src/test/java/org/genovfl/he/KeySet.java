package org.genovfl.he;

/** A context at the N=8192 preset with one key set, shared by a test class. */
final class KeySet implements AutoCloseable {

    final CkksContext context;
    final KeyGenerator keys;
    final SecretKey secret;
    final PublicKey pub;
    final Encryptor encryptor;
    final Decryptor decryptor;

    KeySet(CkksParameters parameters) {
        context = CkksContext.create(parameters);
        keys = context.keyGenerator();
        secret = keys.secretKey();
        pub = keys.publicKey();
        encryptor = context.encryptor(pub);
        decryptor = context.decryptor(secret);
    }

    static double maxError(double[] expected, double[] actual) {
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        return max;
    }

    @Override
    public void close() {
        for (NativeObject o : new NativeObject[] {decryptor, encryptor, pub, secret, keys, context}) {
            o.close();
        }
    }
}
