package org.genovfl.party.project;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.party.PartyRegistry;
import org.genovfl.party.web.InvalidFieldException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * A party's own columns of a project, in the order of its feature matrix and therefore of
 * its coefficients: what {@link ProjectRegistration} wrote to {@code feature_spec}, with the
 * variant's gene where this party knows it. A party lists its own columns only; another
 * party's columns are not its to show.
 */
@Service
public class ProjectColumns {

    /** The name of the hospital's intercept, its last coefficient. */
    public static final String INTERCEPT = "(intercept)";

    /**
     * One column.
     *
     * @param index position in the party's feature matrix and coefficients
     * @param kind CLINICAL or GENOMIC
     * @param code LOINC code (clinical), rsID or {@code chrom:pos} (genomic)
     * @param codeSystem {@code http://loinc.org}, {@code dbSNP} or {@code chrom:pos}
     * @param rule clinical: LATEST or LATEST_BEFORE; genomic: null
     * @param before clinical LATEST_BEFORE: the date (exclusive)
     * @param chromosome, position, ref, alt genomic: the allele whose dosage the column reads
     * @param gene genomic: the HGNC symbol when an import annotated it, else null
     */
    public record Column(int index, String kind, String code, String codeSystem, String rule, String before,
            String chromosome, Long position, String ref, String alt, String gene) {

        /** A one-line name: {@code rs6040355 20:1000123 A>G CYP2C19}, {@code http://loinc.org|2339-0 LATEST}. */
        public String name() {
            if ("GENOMIC".equals(kind)) {
                return code + " " + chromosome + ":" + position + " " + ref + ">" + alt + (gene == null ? "" : " " + gene);
            }
            return codeSystem + "|" + code + " " + rule + (before == null ? "" : " " + before);
        }
    }

    private final JdbcClient jdbc;
    private final UUID self;
    private final String organisation;

    ProjectColumns(JdbcClient jdbc, PartyProperties properties) {
        this.jdbc = jdbc;
        this.self = PartyRegistry.idOf(properties.organisation());
        this.organisation = properties.organisation();
    }

    /**
     * This party's columns of {@code projectId}, in matrix order.
     *
     * @throws InvalidFieldException 404 if the project is not registered here
     */
    public List<Column> ownColumns(UUID projectId) {
        boolean known = jdbc.sql("SELECT count(*) FROM project WHERE id = ?").param(projectId).query(Long.class)
                .single() == 1;
        if (!known) {
            throw new InvalidFieldException(HttpStatus.NOT_FOUND, "/projectId",
                    "no project " + projectId + " is registered at " + organisation);
        }
        return jdbc.sql("""
                SELECT f.ordinal, f.kind, f.code, f.code_system, f.rule ->> 'type' AS rule, f.rule ->> 'before' AS before,
                       f.rule ->> 'chrom' AS chrom, CAST(f.rule ->> 'pos' AS BIGINT) AS pos,
                       f.rule ->> 'ref' AS ref, f.rule ->> 'alt' AS alt,
                       (SELECT v.gene FROM genotype_variant v
                         WHERE f.kind = 'GENOMIC' AND v.chrom = f.rule ->> 'chrom'
                           AND v.pos = CAST(f.rule ->> 'pos' AS BIGINT) AND v.ref = f.rule ->> 'ref'
                           AND v.alt = f.rule ->> 'alt' AND v.gene IS NOT NULL
                         ORDER BY v.gene LIMIT 1) AS gene
                  FROM feature_spec f
                 WHERE f.project_id = ? AND f.party_id = ?
                 ORDER BY f.ordinal
                """).params(projectId, self)
                .query((rs, n) -> new Column(n, rs.getString("kind"), rs.getString("code"), rs.getString("code_system"),
                        "GENOMIC".equals(rs.getString("kind")) ? null : rs.getString("rule"), rs.getString("before"),
                        rs.getString("chrom"), (Long) rs.getObject("pos"), rs.getString("ref"), rs.getString("alt"),
                        rs.getString("gene")))
                .list();
    }

    /**
     * The project's per-variant quality filters as its specification set them (null bounds:
     * not applied), e.g. for a lab's GWAS filters on the aligned cohort.
     */
    public ProjectSpec.QualityFilters qualityFilters(UUID projectId) {
        return jdbc.sql("""
                SELECT CAST(cohort_spec -> 'spec' -> 'qualityFilters' ->> 'minMinorAlleleFrequency' AS DOUBLE PRECISION),
                       CAST(cohort_spec -> 'spec' -> 'qualityFilters' ->> 'minCallRate' AS DOUBLE PRECISION),
                       CAST(cohort_spec -> 'spec' -> 'qualityFilters' ->> 'minHardyWeinbergP' AS DOUBLE PRECISION)
                  FROM project WHERE id = ?
                """).param(projectId)
                .query((rs, n) -> new ProjectSpec.QualityFilters((Double) rs.getObject(1), (Double) rs.getObject(2),
                        (Double) rs.getObject(3)))
                .optional().orElse(new ProjectSpec.QualityFilters(null, null, null));
    }

    /**
     * The names of a released model's coefficients: this party's column names in matrix
     * order, then {@value #INTERCEPT} for the hospital. Falls back to {@code column i} if
     * the registered columns no longer match the model's width.
     */
    public List<String> coefficientNames(UUID projectId, int coefficients, boolean hasIntercept) {
        List<String> names = new ArrayList<>(ownColumns(projectId).stream().map(Column::name).toList());
        int width = coefficients - (hasIntercept ? 1 : 0);
        if (names.size() != width) {
            names.clear();
            for (int i = 0; i < width; i++) {
                names.add("column " + i);
            }
        }
        if (hasIntercept) {
            names.add(INTERCEPT);
        }
        return names;
    }
}
