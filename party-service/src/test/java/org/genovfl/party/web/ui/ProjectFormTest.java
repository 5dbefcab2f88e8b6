package org.genovfl.party.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.genovfl.party.project.ProjectSpec;
import org.junit.jupiter.api.Test;

class ProjectFormTest {

    @Test
    void featuresOnePerLineBecomeTheSpecificationsFeatures() {
        ProjectForm form = new ProjectForm();
        form.setName("Study");
        form.setHospital("H");
        form.setLabs(List.of("L"));
        form.setLabelCode("44054006");
        form.setClinicalFeatures("30525-0\n\n39156-5 before 2025-01-01\n");
        form.setGenomicFeatures("rs6040355\n20:1000000-1100000\nCYP2C19");
        form.setMinHardyWeinbergP("1e-6");

        ProjectSpec spec = form.toSpec();

        assertThat(spec.clinicalFeatures()).containsExactly(
                new ProjectSpec.ClinicalFeature("http://loinc.org", "30525-0", "LATEST", null),
                new ProjectSpec.ClinicalFeature("http://loinc.org", "39156-5", "LATEST_BEFORE", LocalDate.of(2025, 1, 1)));
        assertThat(spec.genomicFeatures()).containsExactly(new ProjectSpec.GenomicFeature("rs6040355", null, null),
                new ProjectSpec.GenomicFeature(null, "20:1000000-1100000", null),
                new ProjectSpec.GenomicFeature(null, null, "CYP2C19"));
        assertThat(spec.qualityFilters()).isEqualTo(new ProjectSpec.QualityFilters(0.05, 0.95, 1e-6));
        assertThat(spec.problems()).isEmpty();
        assertThat(form.readingProblems()).isEmpty();
    }

    @Test
    void everyProblemLandsBesideItsFieldWithFeatureLinesCountedFromOne() {
        ProjectForm form = new ProjectForm();
        form.setGenomicFeatures("rs1\nrsX\n");
        form.setMinCallRate("high");

        ProjectSpec spec = form.toSpec();

        assertThat(form.readingProblems()).containsEntry("minCallRate", List.of("a number, e.g. 0.05"));
        assertThat(spec.problems().stream().map(ProjectForm::fieldOf).toList()).contains(
                Map.entry("name", "required"),
                Map.entry("hospital", "required"),
                Map.entry("labs", "at least one lab"),
                Map.entry("labelCode", "required (a Condition code)"),
                Map.entry("genomicFeatures", "line 2: rs followed by digits"));
        assertThat(ProjectForm.fieldOf("qualityFilters.minCallRate: 0..1")).isEqualTo(Map.entry("minCallRate", "0..1"));
        assertThat(ProjectForm.fieldOf("clinicalFeatures[0].before: required by LATEST_BEFORE"))
                .isEqualTo(Map.entry("clinicalFeatures", "line 1: required by LATEST_BEFORE"));
        assertThat(ProjectForm.fieldOf("something else")).isEqualTo(Map.entry("form", "something else"));
    }
}
