package org.genovfl.party.web.ui;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.genovfl.party.project.ProjectSpec;

/**
 * The coordinator's project form as the browser posts it: features one per line, so a
 * person types codes rather than JSON. {@link #toSpec} turns it into a {@link ProjectSpec}
 * and {@link #fieldOf} puts each of the specification's problems beside the input it
 * came from.
 */
public class ProjectForm {

    static final String SNOMED_CT = "http://snomed.info/sct";
    static final String ICD_10 = "http://hl7.org/fhir/sid/icd-10";
    private static final Pattern BEFORE = Pattern.compile("(?i)\\s*([0-9]+-[0-9])\\s+before\\s+(\\S+)\\s*");
    private static final Pattern INDEXED = Pattern.compile("^(clinicalFeatures|genomicFeatures)\\[(\\d+)]");

    private String name = "";
    private String description = "";
    private String hospital = "";
    private List<String> labs = new ArrayList<>();
    private String labelSystem = SNOMED_CT;
    private String labelCode = "";
    private boolean consentRequired = true;
    private String clinicalFeatures = "";
    private String genomicFeatures = "";
    private String minMinorAlleleFrequency = "0.05";
    private String minCallRate = "0.95";
    private String minHardyWeinbergP = "";

    /** Problems found while reading the form itself (a number that is not one), by field. */
    private final Map<String, List<String>> readingProblems = new LinkedHashMap<>();

    ProjectSpec toSpec() {
        readingProblems.clear();
        List<ProjectSpec.ClinicalFeature> clinical = new ArrayList<>();
        for (String line : lines(clinicalFeatures)) {
            Matcher before = BEFORE.matcher(line);
            if (before.matches()) {
                LocalDate date = null;
                try {
                    date = LocalDate.parse(before.group(2));
                } catch (DateTimeParseException e) {
                    problem("clinicalFeatures", "line " + (clinical.size() + 1) + ": the date must be YYYY-MM-DD");
                }
                clinical.add(new ProjectSpec.ClinicalFeature("http://loinc.org", before.group(1), "LATEST_BEFORE", date));
            } else {
                clinical.add(new ProjectSpec.ClinicalFeature("http://loinc.org", line.trim(), "LATEST", null));
            }
        }
        List<ProjectSpec.GenomicFeature> genomic = new ArrayList<>();
        for (String line : lines(genomicFeatures)) {
            String value = line.trim();
            if (value.toLowerCase().startsWith("rs")) {
                genomic.add(new ProjectSpec.GenomicFeature(value, null, null));
            } else if (value.contains(":")) {
                genomic.add(new ProjectSpec.GenomicFeature(null, value, null));
            } else {
                genomic.add(new ProjectSpec.GenomicFeature(null, null, value));
            }
        }
        ProjectSpec.QualityFilters filters = new ProjectSpec.QualityFilters(number("minMinorAlleleFrequency",
                minMinorAlleleFrequency), number("minCallRate", minCallRate), number("minHardyWeinbergP", minHardyWeinbergP));
        return new ProjectSpec(name.trim(), blankToNull(description), "BIOBANK_SAMPLE_ID", blankToNull(hospital), labs,
                new ProjectSpec.Label(labelSystem, labelCode.trim()), consentRequired, clinical, genomic, filters, null);
    }

    Map<String, List<String>> readingProblems() {
        return readingProblems;
    }

    /**
     * The form field a problem of {@link ProjectSpec#problems()} or of the coordinator's
     * peer check belongs to; features name their line, counted from 1.
     */
    static Map.Entry<String, String> fieldOf(String problem) {
        int colon = problem.indexOf(':');
        String path = colon < 0 ? "" : problem.substring(0, colon);
        String message = colon < 0 ? problem : problem.substring(colon + 1).trim();
        Matcher indexed = INDEXED.matcher(path);
        if (indexed.find()) {
            return Map.entry(indexed.group(1), "line " + (Integer.parseInt(indexed.group(2)) + 1) + ": " + message);
        }
        return switch (path) {
            case "name", "hospital", "labs", "labelCode", "minMinorAlleleFrequency", "minCallRate",
                    "minHardyWeinbergP" -> Map.entry(path, message);
            case "label.code" -> Map.entry("labelCode", message);
            case "qualityFilters.minMinorAlleleFrequency" -> Map.entry("minMinorAlleleFrequency", message);
            case "qualityFilters.minCallRate" -> Map.entry("minCallRate", message);
            case "qualityFilters.minHardyWeinbergP" -> Map.entry("minHardyWeinbergP", message);
            case "clinicalFeatures, genomicFeatures" -> Map.entry("clinicalFeatures", message);
            default -> Map.entry("form", problem);
        };
    }

    private Double number(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Double.valueOf(text.trim());
        } catch (NumberFormatException e) {
            problem(field, "a number, e.g. 0.05");
            return null;
        }
    }

    private void problem(String field, String message) {
        readingProblems.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
    }

    private static List<String> lines(String text) {
        return text == null ? List.of() : text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name == null ? "" : name;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description == null ? "" : description;
    }

    public String getHospital() {
        return hospital;
    }

    public void setHospital(String hospital) {
        this.hospital = hospital == null ? "" : hospital;
    }

    public List<String> getLabs() {
        return labs;
    }

    public void setLabs(List<String> labs) {
        this.labs = labs == null ? new ArrayList<>() : new ArrayList<>(labs);
    }

    public String getLabelSystem() {
        return labelSystem;
    }

    public void setLabelSystem(String labelSystem) {
        this.labelSystem = labelSystem;
    }

    public String getLabelCode() {
        return labelCode;
    }

    public void setLabelCode(String labelCode) {
        this.labelCode = labelCode == null ? "" : labelCode;
    }

    public boolean isConsentRequired() {
        return consentRequired;
    }

    public void setConsentRequired(boolean consentRequired) {
        this.consentRequired = consentRequired;
    }

    public String getClinicalFeatures() {
        return clinicalFeatures;
    }

    public void setClinicalFeatures(String clinicalFeatures) {
        this.clinicalFeatures = clinicalFeatures;
    }

    public String getGenomicFeatures() {
        return genomicFeatures;
    }

    public void setGenomicFeatures(String genomicFeatures) {
        this.genomicFeatures = genomicFeatures;
    }

    public String getMinMinorAlleleFrequency() {
        return minMinorAlleleFrequency;
    }

    public void setMinMinorAlleleFrequency(String value) {
        this.minMinorAlleleFrequency = value;
    }

    public String getMinCallRate() {
        return minCallRate;
    }

    public void setMinCallRate(String value) {
        this.minCallRate = value;
    }

    public String getMinHardyWeinbergP() {
        return minHardyWeinbergP;
    }

    public void setMinHardyWeinbergP(String value) {
        this.minHardyWeinbergP = value;
    }
}
