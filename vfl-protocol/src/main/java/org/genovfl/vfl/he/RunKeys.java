package org.genovfl.vfl.he;

import java.util.List;
import java.util.stream.IntStream;
import org.genovfl.he.Ciphertext;
import org.genovfl.he.CkksContext;
import org.genovfl.he.CkksParameters;
import org.genovfl.he.Encryptor;
import org.genovfl.he.GaloisKeys;
import org.genovfl.he.PublicKey;
import org.genovfl.he.RelinKeys;
import org.genovfl.vfl.protocol.Messages.KeySetup;

/**
 * A data holder's (hospital's or lab's) view of a run's keys: the context, the public key,
 * relinearization keys and the Galois keys of the fold steps, loaded and validated from
 * the coordinator's {@link KeySetup}. Thread-safe; close it when the run ends.
 */
public final class RunKeys implements AutoCloseable {

    private final CkksContext context;
    private final PublicKey publicKey;
    private final RelinKeys relinKeys;
    private final GaloisKeys galoisKeys;
    private final Encryptor encryptor;
    private final SlotLayout layout;

    private RunKeys(CkksContext context, PublicKey publicKey, RelinKeys relinKeys, GaloisKeys galoisKeys,
            SlotLayout layout) {
        this.context = context;
        this.publicKey = publicKey;
        this.relinKeys = relinKeys;
        this.galoisKeys = galoisKeys;
        this.encryptor = context.encryptor(publicKey);
        this.layout = layout;
    }

    /**
     * Loads the key setup; every byte array is untrusted and validated against the parameters.
     *
     * @throws org.genovfl.he.HeFormatException if a key does not load under the announced parameters
     * @throws IllegalArgumentException if the parameters are insecure or the layout does not fit them
     */
    public static RunKeys load(KeySetup setup) {
        CkksContext context = CkksContext.create(CkksParameters.fromBytes(setup.parameters()));
        try {
            SlotLayout layout = new SlotLayout(context.slotCount(), setup.featuresPerBlock());
            return new RunKeys(context, context.loadPublicKey(setup.publicKey()), context.loadRelinKeys(setup.relinKeys()),
                    context.loadGaloisKeys(setup.galoisKeys()), layout);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    public CkksContext context() {
        return context;
    }

    public SlotLayout layout() {
        return layout;
    }

    public RelinKeys relinKeys() {
        return relinKeys;
    }

    public GaloisKeys galoisKeys() {
        return galoisKeys;
    }

    /** Encrypts {@code values} replicated in the slot layout, one ciphertext per sample block. */
    public List<Ciphertext> encryptReplicated(double[] values) {
        return IntStream.range(0, layout.sampleBlocks(values.length)).parallel()
                .mapToObj(block -> encryptor.encrypt(layout.replicate(values, block)))
                .toList();
    }

    /** Encrypts {@code values} one per slot. */
    public List<Ciphertext> encryptPacked(double[] values) {
        int slots = layout.slots();
        return IntStream.range(0, (values.length + slots - 1) / slots).parallel()
                .mapToObj(block -> {
                    double[] chunk = new double[slots];
                    System.arraycopy(values, block * slots, chunk, 0, Math.min(slots, values.length - block * slots));
                    return encryptor.encrypt(chunk);
                })
                .toList();
    }

    @Override
    public void close() {
        encryptor.close();
        galoisKeys.close();
        relinKeys.close();
        publicKey.close();
        context.close();
    }
}
