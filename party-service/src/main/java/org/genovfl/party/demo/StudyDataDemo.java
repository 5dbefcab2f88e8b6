package org.genovfl.party.demo;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.ingest.fhir.FhirBundleImporter;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression;

/**
 * The demo's data steps: each party imports its own records through its own API (the
 * hospital a FHIR bundle, the lab the VCF files as they come), then the coordinator
 * defines the feature-split project and every party answers with counts.
 */
final class StudyDataDemo {

    private final DemoNetwork network;
    private final HttpClient http;
    private final DemoConsole console;
    private final DemoStudy study;
    private final ObjectMapper json = new ObjectMapper();

    StudyDataDemo(DemoNetwork network, HttpClient http, DemoConsole console, DemoStudy study) {
        this.network = network;
        this.http = http;
        this.console = console;
        this.study = study;
    }

    /** @return false if an import was refused (the reason is printed) */
    boolean load() throws IOException, InterruptedException {
        console.step("Each party imports its own data through its own API");
        String bundle = study.hospitalBundle(FhirContext.forR4Cached());
        HttpResponse<String> clinical = http.send(request(PartyRole.HOSPITAL, "/api/ingest/fhir", "admin")
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(bundle)).build(), HttpResponse.BodyHandlers.ofString());
        if (clinical.statusCode() != 200) {
            console.line("hospital refused the FHIR bundle (%d): %s", clinical.statusCode(), clinical.body());
            return false;
        }
        long sequenced = study.hospitalPatients.stream().filter(p -> p.sample() != null).count();
        long withdrawn = study.hospitalPatients.stream().filter(p -> !p.consented()).count();
        console.line("hospital  FHIR R4 bundle: %s", json.readTree(clinical.body()).path("issue").get(0).path("diagnostics").asText());
        console.line("          (%d patients: %d with a biobank sample, %d never sequenced, %d withdrew consent)",
                study.hospitalPatients.size(), sequenced, study.hospitalPatients.size() - sequenced, withdrawn);
        for (Path vcf : List.of(study.referenceVcf, study.unphasedVcf)) {
            HttpResponse<String> imported = http.send(multipart(PartyRole.LAB, "/api/ingest/vcf?name=" + vcf.getFileName(), vcf),
                    HttpResponse.BodyHandlers.ofString());
            if (imported.statusCode() != 200) {
                console.line("lab refused %s (%d): %s", vcf.getFileName(), imported.statusCode(), imported.body());
                return false;
            }
            JsonNode dataset = json.readTree(imported.body());
            console.line("lab       %-22s %d samples x %d variants = %,d genotype calls in %.1f s", vcf.getFileName(),
                    dataset.path("samples").asInt(), dataset.path("variants").asLong(),
                    dataset.path("genotypeCalls").asLong(), dataset.path("millis").asLong() / 1000.0);
        }
        console.done();
        return true;
    }

    /** @return the project id, or null if the coordinator refused the specification */
    UUID defineProject() throws IOException, InterruptedException {
        console.step("The coordinator defines the study; each party checks it against its data (counts only)");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "Type 2 diabetes: clinical covariates + chr20 genotypes");
        spec.put("description", "GenoVFL demo on Debian shapeit4-example genotypes with a planted outcome");
        spec.put("linkageIdType", "BIOBANK_SAMPLE_ID");
        spec.put("hospital", DemoNetwork.ORGANISATIONS.get(PartyRole.HOSPITAL));
        spec.put("labs", List.of(DemoNetwork.ORGANISATIONS.get(PartyRole.LAB)));
        spec.put("label", Map.of("system", FhirBundleImporter.SNOMED_CT, "code", DemoStudy.OUTCOME_SNOMED));
        spec.put("consentRequired", true);
        spec.put("clinicalFeatures", List.of(
                Map.of("system", FhirBundleImporter.LOINC, "code", DemoStudy.AGE_LOINC, "rule", "LATEST"),
                Map.of("system", FhirBundleImporter.LOINC, "code", DemoStudy.BMI_LOINC, "rule", "LATEST")));
        spec.put("genomicFeatures", study.rsIds.stream().map(rs -> Map.of("rsId", rs)).toList());
        spec.put("qualityFilters", Map.of("minMinorAlleleFrequency", 0.05, "minCallRate", 0.95));
        HttpResponse<String> created = http.send(request(PartyRole.COORDINATOR, "/api/projects", "coordinator")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(spec))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            console.line("the coordinator refused the project (%d): %s", created.statusCode(), created.body());
            return null;
        }
        JsonNode project = json.readTree(created.body());
        console.line("project %s: label SNOMED CT %s, %d clinical + %d genomic features (specification SHA-256 %s)",
                project.path("projectId").asText(), DemoStudy.OUTCOME_SNOMED, 2, study.rsIds.size(),
                project.path("specSha256").asText().substring(0, 16) + "...");
        for (JsonNode report : project.path("reports")) {
            StringBuilder counts = new StringBuilder(report.path("patients").asLong() + " patients");
            if (!report.path("consented").isNull() && report.has("consented")) {
                counts.append(", ").append(report.path("consented").asLong()).append(" consented, ")
                        .append(report.path("withLabel").asLong()).append(" with the label");
            }
            long matched = 0;
            for (JsonNode feature : report.path("features")) {
                matched += feature.path("matched").asLong() > 0 ? 1 : 0;
            }
            counts.append(", ").append(matched).append(" of its ").append(report.path("features").size())
                    .append(" features available");
            console.line("%-28s %s", report.path("organisation").asText(), counts);
            for (JsonNode problem : report.path("problems")) {
                console.line("%-28s   problem: %s", "", problem.asText());
            }
        }
        console.done();
        return UUID.fromString(project.path("projectId").asText());
    }

    /**
     * What no party could compute: the same model trained in the clear on everyone's data in
     * one place, with the same hyper-parameters and seed, for comparison with the encrypted
     * run. (The demo made the data, so it can.) Its split is drawn over the demo's own row
     * order rather than the PSI order, so small differences are sampling, not encryption.
     */
    void printCentralisedBaseline() {
        DemoStudy.Centralised all = study.centralised();
        var baseline = CentralizedLogisticRegression.train(all.features(), all.labels(), DemoStudy.TRAINING,
                CentralizedLogisticRegression.Link.EXACT);
        var auc = baseline.finalReport().auc();
        console.line("centralised baseline, for comparison (all %d patients' data in one place, exact sigmoid, same "
                + "hyper-parameters): validation AUC %.4f (95%% CI %.4f-%.4f), best epoch %d", all.labels().length,
                auc.value(), auc.lower(), auc.upper(), baseline.bestEpoch());
        console.line("planted on %s", String.join(", ", study.plantedRsIds));
    }

    private HttpRequest.Builder request(PartyRole role, String path, String account) {
        return HttpRequest.newBuilder(network.url(role).resolve(path)).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((account + ":" + network.password(account)).getBytes(StandardCharsets.UTF_8)));
    }

    private HttpRequest multipart(PartyRole role, String path, Path file) throws IOException {
        String boundary = "genovfl-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file.getFileName()
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(file));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return request(role, path, "admin")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
    }
}
