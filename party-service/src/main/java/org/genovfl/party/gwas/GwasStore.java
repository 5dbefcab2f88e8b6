package org.genovfl.party.gwas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.genovfl.audit.AuditEventType;
import org.genovfl.party.audit.ArtifactDigest;
import org.genovfl.party.audit.AuditOutbox;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.gwas.GwasWire.ScanParameters;
import org.genovfl.party.gwas.GwasWire.ScanParties;
import org.genovfl.party.gwas.GwasWire.ScanSetup;
import org.genovfl.vfl.gwas.GwasResults;
import org.genovfl.vfl.gwas.VariantResult;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * A party's durable record of its GWAS scans ({@code gwas_scan}) and, at the coordinator,
 * the released per-variant results ({@code gwas_result}). Each audited step commits with its
 * audit event; events carry hashes and counts only.
 */
@Repository
class GwasStore {

    /** A scan as this party stored it. */
    record StoredScan(UUID scanId, UUID projectId, UUID psiRunId, PartyRole role, ScanParties parties,
            ScanParameters parameters, String parametersSha256, String status, String phase, Integer cohortSize,
            String cohortCommitment, Integer variantsTotal, int variantsDone, int blocksDone, String summarySha256,
            Double lambdaGc, Integer releasedCount, Integer withheldCount, String error) {
    }

    /** One stored result row (coordinator). */
    record StoredResult(String lab, String chromosome, long position, String id, String ref, String alt, int called,
            double altFrequency, double minorAlleleCount, boolean released, Double beta, Double standardError,
            Double chiSquare, Double p, Double minusLog10P) {
    }

    private final JdbcClient jdbc;
    private final AuditOutbox audit;
    private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    GwasStore(JdbcClient jdbc, AuditOutbox audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /**
     * Records a scan at this party, once; a repeated identical setup is accepted.
     *
     * @return true if the scan was new here
     */
    @Transactional
    boolean create(ScanSetup setup, PartyRole role) {
        String parameters = write(setup.parameters());
        Optional<String> existing = jdbc.sql("SELECT parameters_sha256 FROM gwas_scan WHERE id = ?")
                .param(setup.scanId()).query(String.class).optional();
        if (existing.isPresent()) {
            if (!existing.get().equals(sha256(parameters))) {
                throw new GwasScanException(setup.scanId(), GwasScanException.Reason.OUT_OF_ORDER,
                        "a different setup was already accepted for this scan");
            }
            return false;
        }
        jdbc.sql("""
                INSERT INTO gwas_scan (id, project_id, psi_run_id, party_role, participants, parameters,
                                       parameters_sha256, status, phase)
                VALUES (:id, :project, :psi, :role, CAST(:parties AS jsonb), CAST(:parameters AS jsonb), :sha,
                        'RUNNING', 'setup')
                """)
                .param("id", setup.scanId()).param("project", setup.projectId()).param("psi", setup.psiRunId())
                .param("role", role.name()).param("parties", write(setup.parties())).param("parameters", parameters)
                .param("sha", sha256(parameters)).update();
        return true;
    }

    Optional<StoredScan> find(UUID scanId) {
        return jdbc.sql("""
                SELECT id, project_id, psi_run_id, party_role, CAST(participants AS TEXT) AS parties,
                       CAST(parameters AS TEXT) AS parameters, parameters_sha256, status, phase, cohort_size,
                       cohort_commitment, variants_total, variants_done, blocks_done, summary_sha256, lambda_gc,
                       released_count, withheld_count, error
                  FROM gwas_scan WHERE id = ?
                """).param(scanId)
                .query((rs, n) -> new StoredScan(rs.getObject("id", UUID.class), rs.getObject("project_id", UUID.class),
                        rs.getObject("psi_run_id", UUID.class), PartyRole.valueOf(rs.getString("party_role")),
                        read(rs.getString("parties"), ScanParties.class),
                        read(rs.getString("parameters"), ScanParameters.class), rs.getString("parameters_sha256"),
                        rs.getString("status"), rs.getString("phase"), (Integer) rs.getObject("cohort_size"),
                        rs.getString("cohort_commitment"), (Integer) rs.getObject("variants_total"),
                        rs.getInt("variants_done"), rs.getInt("blocks_done"), rs.getString("summary_sha256"),
                        (Double) rs.getObject("lambda_gc"), (Integer) rs.getObject("released_count"),
                        (Integer) rs.getObject("withheld_count"), rs.getString("error")))
                .optional();
    }

    /**
     * The scan started at this party, audited GWAS_SCAN_STARTED with the parameters' hash, the
     * cohort commitment and {@code hashes} (the coordinator's public key setup; the null model
     * the hospital sent or a lab received).
     */
    @Transactional
    void started(StoredScan scan, int cohortSize, String cohortCommitment, Map<String, String> hashes,
            Map<String, String> metadata) {
        jdbc.sql("UPDATE gwas_scan SET cohort_size = ?, cohort_commitment = ? WHERE id = ?")
                .params(cohortSize, cohortCommitment, scan.scanId()).update();
        Map<String, String> artifacts = new TreeMap<>(hashes);
        artifacts.put("parameters", scan.parametersSha256());
        if (cohortCommitment != null) {
            artifacts.put("cohort", cohortCommitment);
        }
        Map<String, String> all = new TreeMap<>(metadata);
        all.put("gwasScan", scan.scanId().toString());
        all.put("cohortSize", Integer.toString(cohortSize));
        audit.record(scan.projectId(), AuditEventType.GWAS_SCAN_STARTED, artifacts, all);
    }

    void phase(UUID scanId, String phase) {
        jdbc.sql("UPDATE gwas_scan SET phase = ? WHERE id = ?").params(phase, scanId).update();
    }

    void variantsTotal(UUID scanId, int total) {
        jdbc.sql("UPDATE gwas_scan SET variants_total = ? WHERE id = ?").params(total, scanId).update();
    }

    /**
     * A block done (its results released at the coordinator, computed at a lab), audited
     * GWAS_BLOCK with the digests of its encrypted U and V and of its variant names, and counts.
     */
    @Transactional
    void blockDone(StoredScan scan, String lab, int block, int variants, Map<String, String> digests) {
        jdbc.sql("UPDATE gwas_scan SET variants_done = variants_done + ?, blocks_done = blocks_done + 1 WHERE id = ?")
                .params(variants, scan.scanId()).update();
        // Labs are numbered in the scan's order (an organisation's name is not an audit token).
        audit.record(scan.projectId(), AuditEventType.GWAS_BLOCK, digests, Map.of("gwasScan", scan.scanId().toString(),
                "lab", Integer.toString(scan.parties().labs().indexOf(lab)), "block", Integer.toString(block),
                "variants", Integer.toString(variants)));
    }

    /**
     * The coordinator's release: every scanned variant (withheld ones without statistics), the
     * summary-statistics file and its hash, audited GWAS_RESULTS_RELEASED, in one transaction.
     *
     * @return the file's SHA-256
     */
    @Transactional
    String release(StoredScan scan, GwasResults results, byte[] summaryFile) {
        List<Object[]> rows = new ArrayList<>();
        Map<String, Integer> ordinals = new TreeMap<>();
        for (VariantResult r : results.variants()) {
            boolean released = r.released() && r.statistic().testable();
            rows.add(new Object[] {scan.scanId(), r.lab(), ordinals.merge(r.lab(), 1, Integer::sum) - 1,
                    r.variant().chromosome(), r.variant().position(), r.variant().id(), r.variant().ref(),
                    r.variant().alt(), r.qc().calledSamples(), r.qc().altAlleleFrequency(),
                    r.qc().minorAlleleCount(), released, released ? r.beta() : null,
                    released ? r.standardError() : null, released ? r.chiSquare() : null, released ? r.p() : null,
                    released ? r.minusLog10P() : null});
        }
        for (Object[] row : rows) {
            jdbc.sql("""
                    INSERT INTO gwas_result (scan_id, lab, ordinal, chrom, pos, variant_id, ref, alt, called,
                                             alt_frequency, minor_allele_count, released, beta, standard_error,
                                             chi_square, p_value, minus_log10_p)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).params(row).update();
        }
        String sha = sha256(summaryFile);
        int released = results.released().size();
        int withheld = results.variants().size() - released;
        double lambda = results.lambdaGc();
        jdbc.sql("""
                UPDATE gwas_scan SET status = 'COMPLETED', phase = 'released', summary_statistics = ?,
                       summary_sha256 = ?, lambda_gc = ?, released_count = ?, withheld_count = ?, finished_at = now()
                 WHERE id = ?
                """).params(summaryFile, sha, Double.isFinite(lambda) ? lambda : null, released, withheld, scan.scanId())
                .update();
        Map<String, String> hashes = new TreeMap<>(Map.of("summaryStatistics", sha, "parameters", scan.parametersSha256()));
        if (scan.cohortCommitment() != null) {
            hashes.put("cohort", scan.cohortCommitment());
        }
        audit.record(scan.projectId(), AuditEventType.GWAS_RESULTS_RELEASED, hashes, Map.of(
                "gwasScan", scan.scanId().toString(), "released", Integer.toString(released),
                "withheld", Integer.toString(withheld), "patients", Integer.toString(results.patients()),
                "lambdaGc", Double.isFinite(lambda) ? String.format(Locale.ROOT, "%.6f", lambda) : "NaN"));
        return sha;
    }

    /** A data holder learns how the scan ended (the coordinator's file hash, or the failure). */
    void finished(UUID scanId, String status, String summarySha256, String error) {
        jdbc.sql("""
                UPDATE gwas_scan SET status = ?, phase = NULL, summary_sha256 = coalesce(?, summary_sha256), error = ?,
                       finished_at = coalesce(finished_at, now())
                 WHERE id = ? AND status = 'RUNNING'
                """).params(status, summarySha256, error, scanId).update();
    }

    /** Marks a scan FAILED with a reason fit for the people API (no personal data). */
    void fail(UUID scanId, String error) {
        finished(scanId, "FAILED", null, error);
    }

    /** The coordinator's released results, in lab and variant order; withheld rows included (without statistics). */
    List<StoredResult> results(UUID scanId) {
        return jdbc.sql("""
                SELECT lab, chrom, pos, variant_id, ref, alt, called, alt_frequency, minor_allele_count, released,
                       beta, standard_error, chi_square, p_value, minus_log10_p
                  FROM gwas_result WHERE scan_id = ? ORDER BY lab, ordinal
                """).param(scanId)
                .query((rs, n) -> new StoredResult(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getInt(7), rs.getDouble(8), rs.getDouble(9),
                        rs.getBoolean(10), (Double) rs.getObject(11), (Double) rs.getObject(12),
                        (Double) rs.getObject(13), (Double) rs.getObject(14), (Double) rs.getObject(15)))
                .list();
    }

    /** The released summary-statistics file, byte for byte as hashed and audited. */
    Optional<byte[]> summaryFile(UUID scanId) {
        return jdbc.sql("SELECT summary_statistics FROM gwas_scan WHERE id = ? AND summary_statistics IS NOT NULL")
                .param(scanId).query((rs, n) -> rs.getBytes(1)).optional();
    }

    boolean projectKnown(UUID projectId) {
        return jdbc.sql("SELECT count(*) FROM project WHERE id = ?").param(projectId).query(Long.class).single() == 1;
    }

    static String sha256(byte[] bytes) {
        return ArtifactDigest.sha256(bytes);
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String value, Class<T> type) {
        try {
            return json.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored scan's " + type.getSimpleName() + " cannot be read", e);
        }
    }
}
