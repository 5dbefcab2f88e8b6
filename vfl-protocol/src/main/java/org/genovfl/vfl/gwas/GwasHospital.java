package org.genovfl.vfl.gwas;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.genovfl.he.CkksContext;
import org.genovfl.he.CkksParameters;
import org.genovfl.he.Encryptor;
import org.genovfl.he.PublicKey;
import org.genovfl.vfl.gwas.GwasMessages.EncryptedNullModel;
import org.genovfl.vfl.gwas.GwasMessages.GwasMessage;
import org.genovfl.vfl.gwas.GwasMessages.KeySetup;
import org.genovfl.vfl.gwas.GwasMessages.NullModelSummary;
import org.genovfl.vfl.gwas.GwasMessages.RunId;

/**
 * The hospital H: holds the outcome and clinical covariates, fits the {@link NullModel} in
 * the clear, and sends it to the labs only encrypted. It sends
 * <pre>
 *   [[kappa r / sqrt(phi)]],  [[kappa^2 w]],  [[kappa B_c]] for c = 1..k
 * </pre>
 * per sample block (layout in {@link TileLayout}). With these a lab's sums are
 * {@code U_enc = kappa sqrt(phi) U} and {@code V_enc = kappa^2 phi V}, so chi2 = U_enc^2 / V_enc
 * needs no scale at all, and beta and se need only {@code effectScale = kappa sqrt(phi)},
 * which goes to the coordinator. {@code kappa = min(1, sqrt(2^18 / n))} keeps V_enc within the
 * level-0 prime for any cohort size (dosages are centred, so V_enc is at most kappa^2 n max(w)).
 */
public final class GwasHospital implements GwasParticipant {

    private final RunId run;
    private final NullModel model;
    private final List<String> labs;
    private final double kappa;
    private Phase phase = Phase.WAITING;

    public GwasHospital(RunId run, NullModel model, List<String> labs) {
        this.run = Objects.requireNonNull(run, "run");
        this.model = Objects.requireNonNull(model, "model");
        this.labs = List.copyOf(labs);
        this.kappa = kappa(model.sampleCount());
    }

    /** The factor that keeps the encrypted V of n patients within the level-0 prime. */
    static double kappa(int patients) {
        return Math.min(1, Math.sqrt(GwasParameters.MAX_ENCRYPTED_VARIANCE / patients));
    }

    @Override
    public String name() {
        return GwasMessages.HOSPITAL;
    }

    @Override
    public Phase phase() {
        return phase;
    }

    @Override
    public List<GwasMessage> start() {
        return List.of(new NullModelSummary(run, model.trait(), model.sampleCount(), model.covariateCount(),
                kappa * Math.sqrt(model.varianceScale()), labs));
    }

    @Override
    public List<GwasMessage> receive(GwasMessage message) {
        if (!message.run().equals(run)) {
            throw new GwasException(run, -1, GwasException.Stage.MISMATCH, "message for another run");
        }
        if (!(message instanceof KeySetup keys) || phase != Phase.WAITING) {
            throw new GwasException(run, -1, GwasException.Stage.OUT_OF_ORDER,
                    "hospital did not expect " + message.getClass().getSimpleName());
        }
        CkksParameters parameters = CkksParameters.fromBytes(keys.parameters());
        try (CkksContext context = CkksContext.create(parameters);
                PublicKey publicKey = context.loadPublicKey(keys.publicKey());
                Encryptor encryptor = context.encryptor(publicKey)) {
            TileLayout layout = new TileLayout(context.slotCount(), keys.samplesPerBlock());
            int n = model.sampleCount();
            double[] residual = new double[n];
            double[] weights = new double[n];
            double residualFactor = kappa / Math.sqrt(model.varianceScale());
            for (int i = 0; i < n; i++) {
                residual[i] = residualFactor * model.residuals()[i];
                weights[i] = kappa * kappa * model.weights()[i];
            }
            List<byte[]> encryptedResidual = encrypt(encryptor, layout, residual);
            List<byte[]> encryptedWeights = encrypt(encryptor, layout, weights);
            List<List<byte[]>> encryptedFactor = new ArrayList<>();
            for (int c = 0; c < model.covariateCount(); c++) {
                double[] column = new double[n];
                for (int i = 0; i < n; i++) {
                    column[i] = kappa * model.covariateFactor()[i][c];
                }
                encryptedFactor.add(encrypt(encryptor, layout, column));
            }
            phase = Phase.DONE;
            // One encryption, the same bytes to every lab: each lab only computes on them.
            return labs.stream().<GwasMessage>map(lab -> new EncryptedNullModel(run, lab, model.trait(), n, encryptedResidual,
                    encryptedWeights, encryptedFactor)).toList();
        }
    }

    private static List<byte[]> encrypt(Encryptor encryptor, TileLayout layout, double[] values) {
        return IntStream.range(0, layout.sampleBlocks(values.length)).parallel().mapToObj(block -> {
            try (var ciphertext = encryptor.encrypt(layout.replicate(values, block))) {
                return ciphertext.toBytes();
            }
        }).toList();
    }

    @Override
    public void close() {
        // Holds no native object between messages.
    }
}
