package org.genovfl.party.project;

import java.util.List;

/**
 * A party's answer to a project specification: counts only, never identifiers.
 *
 * @param organisation the answering party
 * @param patients patients (hospital) or genotyped samples linked to a patient (lab) held
 * @param consented patients with research consent GRANTED (hospital; null at a lab)
 * @param withLabel consented-or-eligible patients with the label Condition (hospital)
 * @param features one line per feature of this party: what it matched
 * @param problems what this party cannot provide (an unknown code, a feature matching nothing)
 * @param consentSnapshotSha256 hash of the consent snapshot taken (hospital, if consent is required)
 */
public record ValidationReport(String organisation, String role, long patients, Long consented, Long withLabel,
        List<FeatureCount> features, List<String> problems, String consentSnapshotSha256) {

    /** How many patients (clinical) or variants (genomic, after quality filters) a feature matched. */
    public record FeatureCount(String feature, long matched, String detail) {
    }
}
