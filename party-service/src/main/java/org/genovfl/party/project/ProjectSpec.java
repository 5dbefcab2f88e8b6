package org.genovfl.party.project;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A feature-split study as the coordinator defines it. Every party receives the same
 * specification and keeps what concerns it: the hospital the label, the clinical features
 * and the consent requirement; each lab the genomic features and the quality filters.
 * The inference requester is the one party that receives the scores of vertical
 * inference with the project's models (default: the hospital, which holds the label).
 *
 * <pre>{@code
 * {"name": "BRCA planted", "linkageIdType": "BIOBANK_SAMPLE_ID",
 *  "hospital": "St Ada University Hospital", "labs": ["Helix Sequencing Lab"],
 *  "label": {"system": "http://snomed.info/sct", "code": "254837009"},
 *  "consentRequired": true,
 *  "clinicalFeatures": [{"system": "http://loinc.org", "code": "2339-0",
 *                        "rule": "LATEST_BEFORE", "before": "2025-01-01"}],
 *  "genomicFeatures": [{"rsId": "rs6040355"}, {"region": "20:1000000-1100000"}, {"gene": "CYP2C19"}],
 *  "qualityFilters": {"minMinorAlleleFrequency": 0.05, "minCallRate": 0.95, "minHardyWeinbergP": 1e-6},
 *  "inferenceRequester": "St Ada University Hospital"}
 * }</pre>
 */
@org.genovfl.party.web.StrictJson
public record ProjectSpec(String name, String description, String linkageIdType, String hospital, List<String> labs,
        Label label, boolean consentRequired, List<ClinicalFeature> clinicalFeatures,
        List<GenomicFeature> genomicFeatures, QualityFilters qualityFilters, String inferenceRequester) {

    /** The outcome: patients with a Condition of this code are 1, others 0. */
    public record Label(String system, String code) {
    }

    /**
     * A clinical feature: the value of a LOINC-coded Observation chosen by {@code rule}:
     * LATEST (the most recent value) or LATEST_BEFORE (the most recent before {@code before}).
     */
    public record ClinicalFeature(String system, String code, String rule, LocalDate before) {
    }

    /** Exactly one of an rsID, a region {@code chrom:start-end} (1-based, inclusive) or an HGNC gene symbol. */
    public record GenomicFeature(String rsId, String region, String gene) {
    }

    /** Per-variant filters; null means no filter. */
    public record QualityFilters(Double minMinorAlleleFrequency, Double minCallRate, Double minHardyWeinbergP) {
        static final QualityFilters NONE = new QualityFilters(null, null, null);
    }

    private static final Pattern REGION = Pattern.compile("(?:chr)?([0-9]{1,2}|X|Y|MT):([0-9]+)-([0-9]+)");
    private static final Pattern RS_ID = Pattern.compile("rs[0-9]+");

    public ProjectSpec {
        labs = labs == null ? List.of() : List.copyOf(labs);
        clinicalFeatures = clinicalFeatures == null ? List.of() : List.copyOf(clinicalFeatures);
        genomicFeatures = genomicFeatures == null ? List.of() : List.copyOf(genomicFeatures);
        qualityFilters = qualityFilters == null ? QualityFilters.NONE : qualityFilters;
        linkageIdType = linkageIdType == null ? "BIOBANK_SAMPLE_ID" : linkageIdType;
        inferenceRequester = inferenceRequester == null ? hospital : inferenceRequester;
    }

    /**
     * Every problem of the specification, in field order; empty if it is usable.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add("name: required");
        }
        if (!org.genovfl.party.ingest.LinkageIdentifiers.TYPES.contains(linkageIdType)) {
            problems.add("linkageIdType: one of " + org.genovfl.party.ingest.LinkageIdentifiers.TYPES);
        }
        if (hospital == null || hospital.isBlank()) {
            problems.add("hospital: required");
        }
        if (labs.isEmpty()) {
            problems.add("labs: at least one lab");
        }
        if (label == null || label.code() == null || label.code().isBlank()) {
            problems.add("label.code: required (a Condition code)");
        }
        for (int i = 0; i < clinicalFeatures.size(); i++) {
            ClinicalFeature feature = clinicalFeatures.get(i);
            if (feature.code() == null || feature.code().isBlank()) {
                problems.add("clinicalFeatures[" + i + "].code: required (a LOINC code)");
            }
            String rule = feature.rule() == null ? "LATEST" : feature.rule();
            if (!rule.equals("LATEST") && !rule.equals("LATEST_BEFORE")) {
                problems.add("clinicalFeatures[" + i + "].rule: LATEST or LATEST_BEFORE");
            }
            if (rule.equals("LATEST_BEFORE") && feature.before() == null) {
                problems.add("clinicalFeatures[" + i + "].before: required by LATEST_BEFORE");
            }
        }
        for (int i = 0; i < genomicFeatures.size(); i++) {
            GenomicFeature feature = genomicFeatures.get(i);
            long given = java.util.stream.Stream.of(feature.rsId(), feature.region(), feature.gene()).filter(Objects::nonNull).count();
            if (given != 1) {
                problems.add("genomicFeatures[" + i + "]: exactly one of rsId, region, gene");
            } else if (feature.rsId() != null && !RS_ID.matcher(feature.rsId()).matches()) {
                problems.add("genomicFeatures[" + i + "].rsId: rs followed by digits");
            } else if (feature.region() != null && !REGION.matcher(feature.region()).matches()) {
                problems.add("genomicFeatures[" + i + "].region: chrom:start-end");
            }
        }
        if (clinicalFeatures.isEmpty() && genomicFeatures.isEmpty()) {
            problems.add("clinicalFeatures, genomicFeatures: at least one feature");
        }
        if (inferenceRequester != null && !inferenceRequester.equals(hospital) && !labs.contains(inferenceRequester)) {
            problems.add("inferenceRequester: the hospital or one of the labs (default: the hospital)");
        }
        QualityFilters q = qualityFilters;
        if (q.minMinorAlleleFrequency() != null && (q.minMinorAlleleFrequency() < 0 || q.minMinorAlleleFrequency() > 0.5)) {
            problems.add("qualityFilters.minMinorAlleleFrequency: 0..0.5");
        }
        if (q.minCallRate() != null && (q.minCallRate() < 0 || q.minCallRate() > 1)) {
            problems.add("qualityFilters.minCallRate: 0..1");
        }
        if (q.minHardyWeinbergP() != null && (q.minHardyWeinbergP() < 0 || q.minHardyWeinbergP() > 1)) {
            problems.add("qualityFilters.minHardyWeinbergP: 0..1");
        }
        return problems;
    }

    /** chrom, start, end of a region feature. */
    static String[] regionParts(String region) {
        var matcher = REGION.matcher(region);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a region: " + region);
        }
        return new String[] {matcher.group(1), matcher.group(2), matcher.group(3)};
    }
}
