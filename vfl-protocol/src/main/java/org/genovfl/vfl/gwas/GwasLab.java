package org.genovfl.vfl.gwas;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.genovfl.he.Ciphertext;
import org.genovfl.he.CkksContext;
import org.genovfl.he.CkksEncoder;
import org.genovfl.he.CkksParameters;
import org.genovfl.he.Evaluator;
import org.genovfl.he.GaloisKeys;
import org.genovfl.he.Plaintext;
import org.genovfl.he.RelinKeys;
import org.genovfl.vfl.gwas.GwasMessages.BlockId;
import org.genovfl.vfl.gwas.GwasMessages.BlockResult;
import org.genovfl.vfl.gwas.GwasMessages.EncryptedNullModel;
import org.genovfl.vfl.gwas.GwasMessages.GwasMessage;
import org.genovfl.vfl.gwas.GwasMessages.KeySetup;
import org.genovfl.vfl.gwas.GwasMessages.LabReady;
import org.genovfl.vfl.gwas.GwasMessages.RunId;
import org.genovfl.vfl.gwas.GwasMessages.ScanBlock;

/**
 * A lab L: holds genotype dosages, which never leave it in the clear. On the hospital's
 * encrypted null model it computes, per block of variants and under encryption only,
 * <pre>
 *   U_j = sum_i g_ij r_i,   S_j = sum_i g_ij^2 w_i,   T_jc = sum_i g_ij B_ic  (c = 1..k)
 *   V_j = S_j - sum_c T_jc^2
 * </pre>
 * Everything that involves its genotypes is a plaintext-ciphertext product or an addition;
 * the only ciphertext-ciphertext products are the squares of its own T_jc, which keep the
 * k covariate projections of a variant from ever being decrypted (decrypting B'g would let
 * anyone who knows B solve for g). Then each tile is masked into its row of the block, so
 * the two ciphertexts it sends hold exactly one U and one V per variant and nothing else.
 */
public final class GwasLab implements GwasParticipant {

    private final String name;
    private final RunId run;
    private final LabGenotypes.Prepared genotypes;
    private final int filteredOut;
    private Phase phase = Phase.WAITING;
    private CkksContext context;
    private RelinKeys relinKeys;
    private GaloisKeys galoisKeys;
    private TileLayout layout;
    private List<Ciphertext> residual;
    private List<Ciphertext> weights;
    private List<List<Ciphertext>> covariateFactor;

    /**
     * @param genotypes the prepared (filtered, imputed, centred) columns for the aligned cohort
     * @param filteredOut how many variants the filters removed (reported as a count)
     */
    public GwasLab(String name, RunId run, LabGenotypes.Prepared genotypes, int filteredOut) {
        this.name = Objects.requireNonNull(name, "name");
        this.run = Objects.requireNonNull(run, "run");
        this.genotypes = Objects.requireNonNull(genotypes, "genotypes");
        this.filteredOut = filteredOut;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Phase phase() {
        return phase;
    }

    @Override
    public List<GwasMessage> receive(GwasMessage message) {
        if (!message.run().equals(run) || !message.to().equals(name)) {
            throw new GwasException(run, -1, GwasException.Stage.MISMATCH, "message for another run or party");
        }
        if (message instanceof KeySetup keys && context == null) {
            loadKeys(keys);
            return List.of();
        }
        if (message instanceof EncryptedNullModel model && context != null && residual == null) {
            return List.of(loadNullModel(model));
        }
        if (message instanceof ScanBlock scan && phase == Phase.SCANNING) {
            return List.of(scan(scan.block()));
        }
        throw new GwasException(run, -1, GwasException.Stage.OUT_OF_ORDER,
                name + " did not expect " + message.getClass().getSimpleName() + " in phase " + phase);
    }

    private void loadKeys(KeySetup keys) {
        context = CkksContext.create(CkksParameters.fromBytes(keys.parameters()));
        if (context.maxLevel() < 3) {
            throw new GwasException(run, -1, GwasException.Stage.MISMATCH, "parameters allow depth "
                    + context.maxLevel() + ", the scan needs 3");
        }
        relinKeys = context.loadRelinKeys(keys.relinKeys());
        galoisKeys = context.loadGaloisKeys(keys.galoisKeys());
        layout = new TileLayout(context.slotCount(), keys.samplesPerBlock());
    }

    private GwasMessage loadNullModel(EncryptedNullModel model) {
        int blocks = layout.sampleBlocks(genotypes.sampleCount());
        if (model.patients() != genotypes.sampleCount() || model.covariateFactor().isEmpty()
                || model.residual().size() != blocks
                || model.weights().size() != blocks || model.covariateFactor().stream().anyMatch(c -> c.size() != blocks)) {
            throw new GwasException(run, -1, GwasException.Stage.MISMATCH, "encrypted null model for "
                    + model.patients() + " patients, the lab's cohort has " + genotypes.sampleCount());
        }
        residual = load(model.residual());
        weights = load(model.weights());
        covariateFactor = model.covariateFactor().stream().map(this::load).toList();
        phase = genotypes.size() == 0 ? Phase.DONE : Phase.SCANNING;
        int components = genotypes.components().length;
        byte[] componentScores = null;
        if (model.trait() == Trait.QUANTITATIVE && components > 0) {
            try (Ciphertext scores = componentScores()) {
                componentScores = scores.toBytes();
            }
        }
        return new LabReady(run, name, genotypes.size(), filteredOut, components, componentScores);
    }

    private List<Ciphertext> load(List<byte[]> ciphertexts) {
        List<Ciphertext> loaded = ciphertexts.stream().map(context::loadCiphertext).toList();
        for (Ciphertext c : loaded) {
            if (c.level() != context.maxLevel()) {
                throw new GwasException(run, -1, GwasException.Stage.MISMATCH, "null model ciphertext at level "
                        + c.level() + ", expected " + context.maxLevel());
            }
        }
        return loaded;
    }

    /** Number of blocks this lab scans. */
    public int blockCount() {
        return layout.blocks(genotypes.size());
    }

    private BlockResult scan(BlockId block) {
        int blocks = blockCount();
        if (!block.lab().equals(name) || block.block() >= blocks) {
            throw new GwasException(run, block.block(), GwasException.Stage.MISMATCH, "no such block at " + name);
        }
        int firstTile = block.block() * layout.samplesPerBlock();
        int tiles = Math.min(layout.samplesPerBlock(), layout.tiles(genotypes.size()) - firstTile);
        List<Ciphertext[]> masked = IntStream.range(0, tiles).parallel()
                .mapToObj(row -> tile(firstTile + row, row)).toList();
        Evaluator evaluator = context.evaluator();
        Ciphertext score = masked.get(0)[0];
        Ciphertext variance = masked.get(0)[1];
        for (Ciphertext[] other : masked.subList(1, masked.size())) {
            evaluator.addInPlace(score, other[0]);
            evaluator.addInPlace(variance, other[1]);
            other[0].close();
            other[1].close();
        }
        int from = block.block() * layout.variantsPerBlock();
        int to = Math.min(genotypes.size(), from + layout.variantsPerBlock());
        BlockResult result = new BlockResult(block, genotypes.variants().subList(from, to),
                genotypes.qc().subList(from, to), score.toBytes(), variance.toBytes());
        score.close();
        variance.close();
        if (block.block() == blocks - 1) {
            phase = Phase.DONE;
        }
        return result;
    }

    /** One tile's U and V, masked into {@code row}: {U at level 1, V at level 0}. */
    private Ciphertext[] tile(int tile, int row) {
        Evaluator evaluator = context.evaluator();
        CkksEncoder encoder = context.encoder();
        int k = covariateFactor.size();
        Ciphertext score = null;
        Ciphertext squares = null;
        Ciphertext[] projections = new Ciphertext[k];
        for (int a = 0; a < residual.size(); a++) {
            double[] dosages = layout.tile(genotypes.columns(), tile, a);
            double[] squared = dosages.clone();
            for (int i = 0; i < squared.length; i++) {
                squared[i] *= squared[i];
            }
            try (Plaintext g = encoder.encode(dosages); Plaintext g2 = encoder.encode(squared)) {
                score = accumulate(evaluator, score, residual.get(a), g);
                squares = accumulate(evaluator, squares, weights.get(a), g2);
                for (int c = 0; c < k; c++) {
                    projections[c] = accumulate(evaluator, projections[c], covariateFactor.get(c).get(a), g);
                }
            }
        }
        // Level 3 -> 2, then the fold: every row now holds the tile's f sums.
        score = foldRescaled(evaluator, score);
        squares = foldRescaled(evaluator, squares);
        // The null model always has an intercept, so k >= 1 and there is a correction.
        Ciphertext correction = null;
        for (int c = 0; c < k; c++) {
            Ciphertext t = foldRescaled(evaluator, projections[c]);
            Ciphertext square = evaluator.multiply(t, t, relinKeys);
            t.close();
            evaluator.rescaleToNextInPlace(square);
            if (correction == null) {
                correction = square;
            } else {
                evaluator.addInPlace(correction, square);
                square.close();
            }
        }
        Ciphertext variance;
        try (Ciphertext matched = evaluator.matchLevel(squares, correction)) {
            variance = evaluator.sub(matched, correction);
        }
        squares.close();
        correction.close();
        double[] mask = layout.rowMask(row);
        Ciphertext maskedScore = maskRescaled(evaluator, encoder, score, mask);
        Ciphertext maskedVariance = maskRescaled(evaluator, encoder, variance, mask);
        score.close();
        variance.close();
        return new Ciphertext[] {maskedScore, maskedVariance};
    }

    /** [[P'r]] of its ancestry components in slots 0..p-1 (one tile, U only, masked into row 0): level 1. */
    private Ciphertext componentScores() {
        if (genotypes.components().length > layout.variantsPerTile()) {
            throw new GwasException(run, -1, GwasException.Stage.MISMATCH, "more ancestry components than a tile holds");
        }
        Evaluator evaluator = context.evaluator();
        Ciphertext sum = null;
        for (int a = 0; a < residual.size(); a++) {
            try (Plaintext p = context.encoder().encode(layout.tile(genotypes.components(), 0, a))) {
                sum = accumulate(evaluator, sum, residual.get(a), p);
            }
        }
        Ciphertext folded = foldRescaled(evaluator, sum);
        Ciphertext masked = maskRescaled(evaluator, context.encoder(), folded, layout.rowMask(0));
        folded.close();
        return masked;
    }

    private static Ciphertext accumulate(Evaluator evaluator, Ciphertext sum, Ciphertext encrypted, Plaintext plain) {
        Ciphertext product = evaluator.multiplyPlain(encrypted, plain);
        if (sum == null) {
            return product;
        }
        evaluator.addInPlace(sum, product);
        product.close();
        return sum;
    }

    private Ciphertext foldRescaled(Evaluator evaluator, Ciphertext sum) {
        evaluator.rescaleToNextInPlace(sum);
        Ciphertext folded = sum;
        for (int step : layout.foldSteps()) {
            try (Ciphertext rotated = evaluator.rotate(folded, step, galoisKeys)) {
                evaluator.addInPlace(folded, rotated);
            }
        }
        return folded;
    }

    private Ciphertext maskRescaled(Evaluator evaluator, CkksEncoder encoder, Ciphertext value, double[] mask) {
        try (Plaintext plain = encoder.encode(mask, value.level(), context.parameters().scale())) {
            Ciphertext product = evaluator.multiplyPlain(value, plain);
            evaluator.rescaleToNextInPlace(product);
            return product;
        }
    }

    @Override
    public void close() {
        for (List<Ciphertext> list : allCiphertexts()) {
            list.forEach(Ciphertext::close);
        }
        if (galoisKeys != null) {
            galoisKeys.close();
            relinKeys.close();
            context.close();
        }
    }

    private List<List<Ciphertext>> allCiphertexts() {
        List<List<Ciphertext>> all = new ArrayList<>();
        if (residual != null) {
            all.add(residual);
            all.add(weights);
            all.addAll(covariateFactor);
        }
        return all;
    }
}
