package org.genovfl.he;

import java.util.Objects;

/**
 * The entry point of GenoVFL's CKKS API: SEAL's context for one set of
 * {@link CkksParameters}, with the encoder and evaluator bound to it, and the factory and
 * loader of keys, plaintexts and ciphertexts.
 *
 * <pre>{@code
 * try (CkksContext context = CkksContext.create(CkksParameters.n8192());
 *      KeyGenerator keys = context.keyGenerator();
 *      SecretKey secret = keys.secretKey();
 *      PublicKey pub = keys.publicKey();
 *      Encryptor encryptor = context.encryptor(pub);
 *      Decryptor decryptor = context.decryptor(secret);
 *      Ciphertext x = encryptor.encrypt(new double[] {1, 2, 3});
 *      Ciphertext y = context.evaluator().addConstant(x, 0.5)) {
 *     double[] values = decryptor.decryptValues(y); // 1.5, 2.5, 3.5, 0.5, 0.5, ...
 * }
 * }</pre>
 *
 * <p>Objects made or loaded by one context can only be used with that context.
 * <b>Thread safety:</b> a context, its {@link CkksEncoder} and {@link Evaluator}, the keys,
 * {@link Encryptor} and {@link Decryptor} may be shared between threads. {@link Plaintext}
 * and {@link Ciphertext} may be read by several threads but not modified by one while
 * others use them (in-place operations modify); {@link KeyGenerator} is for one thread.
 */
public final class CkksContext extends NativeObject {

    private final CkksParameters parameters;
    private final CkksEncoder encoder;
    private final Evaluator evaluator;

    private CkksContext(CkksParameters parameters, long address) {
        super(NativeHandle.CONTEXT, address, "CKKS context");
        this.parameters = parameters;
        this.encoder = new CkksEncoder(this);
        this.evaluator = new Evaluator(this);
    }

    /**
     * Builds SEAL's context (primes, NTT tables, modulus chain), which takes a few
     * milliseconds: make one per parameter set and share it.
     *
     * @throws NullPointerException if {@code parameters} is null
     * @throws IllegalArgumentException if SEAL refuses the parameters (e.g. no NTT-friendly
     *     primes of the requested sizes)
     */
    public static CkksContext create(CkksParameters parameters) {
        Objects.requireNonNull(parameters, "parameters");
        long address = CkksNative.contextCreate(parameters.polyModulusDegree(), parameters.coeffModulusBits());
        return new CkksContext(parameters, address);
    }

    public CkksParameters parameters() {
        return parameters;
    }

    /** Values per ciphertext: N/2. */
    public int slotCount() {
        return parameters.slotCount();
    }

    /** Level of fresh ciphertexts; each rescale lowers the level by one, down to 0. */
    public int maxLevel() {
        return parameters.maxLevel();
    }

    public CkksEncoder encoder() {
        return encoder;
    }

    public Evaluator evaluator() {
        return evaluator;
    }

    /**
     * A generator of a fresh key set (new secret key). Generate fresh keys per training run.
     *
     * @throws IllegalStateException if this context is closed
     */
    public KeyGenerator keyGenerator() {
        try (Lease lease = new Lease()) {
            return new KeyGenerator(this, CkksNative.keyGenerator(lease.take(this)), KeyId.random());
        }
    }

    /**
     * @throws NullPointerException if {@code publicKey} is null
     * @throws IllegalArgumentException if the key belongs to another context
     * @throws IllegalStateException if this context or the key is closed
     */
    public Encryptor encryptor(PublicKey publicKey) {
        Objects.requireNonNull(publicKey, "publicKey");
        requireOwn(publicKey.context, "public key");
        try (Lease lease = new Lease()) {
            return new Encryptor(this, CkksNative.encryptor(lease.take(this), lease.take(publicKey)), publicKey.keyId);
        }
    }

    /**
     * @throws NullPointerException if {@code secretKey} is null
     * @throws IllegalArgumentException if the key belongs to another context
     * @throws IllegalStateException if this context or the key is closed
     */
    public Decryptor decryptor(SecretKey secretKey) {
        Objects.requireNonNull(secretKey, "secretKey");
        requireOwn(secretKey.context, "secret key");
        try (Lease lease = new Lease()) {
            return new Decryptor(this, CkksNative.decryptor(lease.take(this), lease.take(secretKey)), secretKey.keyId);
        }
    }

    /**
     * Loads a ciphertext written by {@link Ciphertext#toBytes()} from untrusted bytes. The
     * bytes must have GenoVFL's header, SEAL's header, at most the size a ciphertext can have
     * under these parameters once decompressed, this context's parameter id at a data level,
     * two polynomials, and pass SEAL's validity check.
     *
     * @throws NullPointerException if {@code bytes} is null
     * @throws HeFormatException if the bytes are not such a ciphertext
     * @throws IllegalStateException if this context is closed
     */
    public Ciphertext loadCiphertext(byte[] bytes) {
        KeyId keyId = readHeader(bytes, NativeHandle.CIPHERTEXT, "ciphertext");
        return new Ciphertext(this, load(NativeHandle.CIPHERTEXT, bytes), keyId);
    }

    /**
     * Loads a plaintext written by {@link Plaintext#toBytes()}; checked like
     * {@link #loadCiphertext(byte[])}.
     *
     * @throws NullPointerException if {@code bytes} is null
     * @throws HeFormatException if the bytes are not a plaintext for this context
     * @throws IllegalStateException if this context is closed
     */
    public Plaintext loadPlaintext(byte[] bytes) {
        readHeader(bytes, NativeHandle.PLAINTEXT, "plaintext");
        return new Plaintext(this, load(NativeHandle.PLAINTEXT, bytes));
    }

    /**
     * Loads a secret key written by {@link SecretKey#toBytes()}.
     *
     * @throws NullPointerException if {@code bytes} is null
     * @throws HeFormatException if the bytes are not a secret key for this context
     * @throws IllegalStateException if this context is closed
     */
    public SecretKey loadSecretKey(byte[] bytes) {
        KeyId keyId = readHeader(bytes, NativeHandle.SECRET_KEY, "secret key");
        return new SecretKey(this, load(NativeHandle.SECRET_KEY, bytes), keyId);
    }

    /**
     * Loads a public key written by {@link PublicKey#toBytes()}.
     *
     * @throws NullPointerException if {@code bytes} is null
     * @throws HeFormatException if the bytes are not a public key for this context
     * @throws IllegalStateException if this context is closed
     */
    public PublicKey loadPublicKey(byte[] bytes) {
        KeyId keyId = readHeader(bytes, NativeHandle.PUBLIC_KEY, "public key");
        return new PublicKey(this, load(NativeHandle.PUBLIC_KEY, bytes), keyId);
    }

    /**
     * Loads relinearization keys written by {@link RelinKeys#toBytes()}.
     *
     * @throws NullPointerException if {@code bytes} is null
     * @throws HeFormatException if the bytes are not relinearization keys for this context
     * @throws IllegalStateException if this context is closed
     */
    public RelinKeys loadRelinKeys(byte[] bytes) {
        KeyId keyId = readHeader(bytes, NativeHandle.RELIN_KEYS, "relinearization keys");
        return new RelinKeys(this, load(NativeHandle.RELIN_KEYS, bytes), keyId);
    }

    /**
     * Loads Galois keys written by {@link GaloisKeys#toBytes()}.
     *
     * @throws NullPointerException if {@code bytes} is null
     * @throws HeFormatException if the bytes are not Galois keys for this context
     * @throws IllegalStateException if this context is closed
     */
    public GaloisKeys loadGaloisKeys(byte[] bytes) {
        KeyId keyId = readHeader(bytes, NativeHandle.GALOIS_KEYS, "Galois keys");
        return new GaloisKeys(this, load(NativeHandle.GALOIS_KEYS, bytes), keyId);
    }

    private static KeyId readHeader(byte[] bytes, int kind, String what) {
        Objects.requireNonNull(bytes, "bytes");
        return Envelope.read(bytes, kind, what);
    }

    private long load(int kind, byte[] bytes) {
        try (Lease lease = new Lease()) {
            return CkksNative.load(lease.take(this), kind, bytes, Envelope.HEADER_SIZE);
        }
    }

    /** SEAL's zstd-compressed serialization of {@code object} after GenoVFL's header. */
    static byte[] save(NativeObject object, int kind, KeyId keyId, boolean compress) {
        try (Lease lease = new Lease()) {
            return CkksNative.save(kind, lease.take(object), compress, Envelope.header(kind, keyId));
        }
    }

    /** @throws IllegalArgumentException if {@code owner} is not this context */
    void requireOwn(CkksContext owner, String what) {
        if (owner != this) {
            throw new IllegalArgumentException(what + " belongs to another context");
        }
    }
}
