package org.genovfl.vfl.gwas;

import java.util.List;
import java.util.Objects;

/**
 * The records the parties exchange in a scan. Every message names its run (project, run)
 * and its sender and recipient; a lab's block messages also name the block. Ciphertexts and
 * keys travel as he-native's serialized bytes, and every receiver loads them as untrusted
 * input. {@link GwasMessage#payloadBytes()} is what a transport would carry (the byte arrays
 * plus 8 bytes per number and the UTF-8 strings), which the in-process driver counts.
 */
public final class GwasMessages {

    /** The coordinator's, hospital's and labs' names in a run. */
    public static final String COORDINATOR = "coordinator";
    public static final String HOSPITAL = "hospital";

    private GwasMessages() {
    }

    /** The run every message is bound to. */
    public record RunId(String project, String run) {
        public RunId {
            Objects.requireNonNull(project, "project");
            Objects.requireNonNull(run, "run");
        }
    }

    /** One block of one lab's variants in a run. */
    public record BlockId(RunId run, String lab, int block) {
        public BlockId {
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(lab, "lab");
            if (block < 0) {
                throw new IllegalArgumentException("block: not negative");
            }
        }
    }

    /** A message of the scan protocol. */
    public sealed interface GwasMessage permits NullModelSummary, KeySetup, EncryptedNullModel, LabReady, ScanBlock,
            BlockResult {
        RunId run();

        String from();

        String to();

        long payloadBytes();
    }

    /**
     * H to C: what the coordinator needs to choose the layout and keys and to turn decrypted
     * sums into statistics. {@code effectScale} is kappa sqrt(phi) (see {@link GwasHospital}):
     * the coordinator multiplies beta and se by it; for a quantitative trait it reveals the
     * null model's residual standard deviation, which the released se reveal anyway.
     */
    public record NullModelSummary(RunId run, Trait trait, int patients, int covariates, double effectScale,
            List<String> labs) implements GwasMessage {
        public NullModelSummary {
            labs = List.copyOf(labs);
        }

        @Override
        public String from() {
            return HOSPITAL;
        }

        @Override
        public String to() {
            return COORDINATOR;
        }

        @Override
        public long payloadBytes() {
            return 3 * 8 + 8 + run.project().length() + run.run().length() + labs.stream().mapToLong(String::length).sum();
        }
    }

    /**
     * C to H or to a lab: the run's public parameters and keys. The hospital gets only the
     * public key (it encrypts and computes nothing else); a lab also gets the relinearization
     * keys and the Galois keys of exactly the fold steps.
     */
    public record KeySetup(RunId run, String to, byte[] parameters, byte[] publicKey, byte[] relinKeys,
            byte[] galoisKeys, int samplesPerBlock) implements GwasMessage {
        @Override
        public String from() {
            return COORDINATOR;
        }

        @Override
        public long payloadBytes() {
            return parameters.length + publicKey.length + (relinKeys == null ? 0 : relinKeys.length)
                    + (galoisKeys == null ? 0 : galoisKeys.length) + 8;
        }
    }

    /**
     * H to each lab: the null model under encryption, one ciphertext per sample block of
     * each vector: [[kappa r / sqrt(phi)]], [[kappa^2 w]] and the k columns [[kappa B_c]].
     */
    public record EncryptedNullModel(RunId run, String to, Trait trait, int patients, List<byte[]> residual, List<byte[]> weights,
            List<List<byte[]>> covariateFactor) implements GwasMessage {
        public EncryptedNullModel {
            residual = List.copyOf(residual);
            weights = List.copyOf(weights);
            covariateFactor = covariateFactor.stream().map(List::copyOf).toList();
        }

        @Override
        public String from() {
            return HOSPITAL;
        }

        @Override
        public long payloadBytes() {
            return bytes(residual) + bytes(weights) + covariateFactor.stream().mapToLong(GwasMessages::bytes).sum() + 8;
        }
    }

    /**
     * A lab to C: it holds the encrypted null model and will scan this many variants (after its
     * filters). For a quantitative trait, if it projects out p ancestry components, also
     * [[kappa P'r / sqrt(phi)]] in slots 0..p-1 (else null): C needs ||P'r||^2 for the residual
     * variance of the model with the components (see {@link NullModel#adjustedForComponents}).
     */
    public record LabReady(RunId run, String from, int variants, int filteredOut, int components,
            byte[] componentScores) implements GwasMessage {
        @Override
        public String to() {
            return COORDINATOR;
        }

        @Override
        public long payloadBytes() {
            return 24 + (componentScores == null ? 0 : componentScores.length);
        }
    }

    /** C to a lab: compute this block. */
    public record ScanBlock(BlockId block) implements GwasMessage {
        @Override
        public RunId run() {
            return block.run();
        }

        @Override
        public String from() {
            return COORDINATOR;
        }

        @Override
        public String to() {
            return block.lab();
        }

        @Override
        public long payloadBytes() {
            return 8;
        }
    }

    /**
     * A lab to C: one block's encrypted U (slot o = the block's variant o) and V, with the
     * variants' names and aggregate QC counts, which are released beside the statistics.
     */
    public record BlockResult(BlockId block, List<Variant> variants, List<VariantQc> qc, byte[] score,
            byte[] variance) implements GwasMessage {
        public BlockResult {
            variants = List.copyOf(variants);
            qc = List.copyOf(qc);
            if (variants.size() != qc.size()) {
                throw new IllegalArgumentException("qc: one per variant");
            }
        }

        @Override
        public RunId run() {
            return block.run();
        }

        @Override
        public String from() {
            return block.lab();
        }

        @Override
        public String to() {
            return COORDINATOR;
        }

        @Override
        public long payloadBytes() {
            long names = variants.stream()
                    .mapToLong(v -> v.chromosome().length() + v.id().length() + v.ref().length() + v.alt().length() + 8)
                    .sum();
            return score.length + variance.length + names + 5L * 8 * qc.size() + 8;
        }
    }

    static long bytes(List<byte[]> arrays) {
        return arrays.stream().mapToLong(a -> a.length).sum();
    }
}
