package org.genovfl.party.gwas;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.genovfl.party.gwas.GwasStore.StoredResult;
import org.genovfl.party.gwas.GwasStore.StoredScan;
import org.genovfl.party.gwas.GwasWire.ScanParameters;

/**
 * A GWAS scan as the people API shows it. Everyone entitled to the scan sees its status and
 * progress; the released statistics ({@code topHits}, {@code results}) are shown at the
 * coordinator only, and only for variants the release rules allow (withheld ones are
 * counted, never shown). Aggregates only: nothing per patient.
 *
 * @param role what this party is in the scan: COORDINATOR, HOSPITAL or LAB
 * @param progress variants whose block is done (released at the coordinator, computed at a
 *     lab) of the variants the labs scan after their filters
 * @param results released variants in lab and variant order (coordinator, once COMPLETED)
 */
public record GwasScanView(UUID scanId, UUID projectId, UUID psiRunId, String role, String status, String phase,
        String trait, ScanParameters parameters, Integer cohortSize, String cohortCommitment, Progress progress,
        String error, Double lambdaGc, Integer releasedCount, Integer withheldCount, String summarySha256,
        List<VariantView> topHits, List<VariantView> results) {

    /** How many top hits the view lists. */
    static final int TOP_HITS = 10;

    /** Variants done of the total, and blocks done. */
    public record Progress(int variantsDone, Integer variantsTotal, int blocksDone) {
    }

    /**
     * One released variant: plink2 .glm's columns (A1 = ALT, the tested allele; OBS_CT =
     * {@code observations}; A1_FREQ = {@code altFrequency}) with chi-squared and -log10 p.
     */
    public record VariantView(String lab, String chromosome, long position, String id, String ref, String alt,
            int observations, double altFrequency, double beta, double standardError, double chiSquare, double p,
            double minusLog10P) {
    }

    static GwasScanView of(StoredScan scan, List<StoredResult> stored, String phase) {
        List<VariantView> released = stored.stream().filter(StoredResult::released)
                .map(r -> new VariantView(r.lab(), r.chromosome(), r.position(), r.id(), r.ref(), r.alt(), r.called(),
                        r.altFrequency(), r.beta(), r.standardError(), r.chiSquare(), r.p(), r.minusLog10P()))
                .toList();
        boolean shown = scan.role().name().equals("COORDINATOR") && "COMPLETED".equals(scan.status());
        List<VariantView> top = released.stream().sorted(Comparator.comparingDouble(VariantView::minusLog10P).reversed())
                .limit(TOP_HITS).toList();
        return new GwasScanView(scan.scanId(), scan.projectId(), scan.psiRunId(), scan.role().name(), scan.status(),
                phase != null ? phase : scan.phase(), "BINARY", scan.parameters(), scan.cohortSize(),
                scan.cohortCommitment(), new Progress(scan.variantsDone(), scan.variantsTotal(), scan.blocksDone()),
                scan.error(), scan.lambdaGc(), scan.releasedCount(), scan.withheldCount(), scan.summarySha256(),
                shown ? top : null, shown ? released : null);
    }
}
