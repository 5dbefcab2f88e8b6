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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.ingest.fhir.FhirBundleImporter;
import org.genovfl.vfl.TrainingConfig;
import org.genovfl.vfl.baseline.CentralizedLogisticRegression;

/**
 * The demo's data steps: each party imports its own records through its own API (the
 * hospital a FHIR bundle, the lab the VCF files as they come), then the coordinator
 * defines the feature-split project and every party answers with counts.
 */
public final class StudyDataDemo {

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
     * one place, with the same hyper-parameters, for comparison with the encrypted run. (The
     * demo made the data, so it can.) The encrypted run's validation split is drawn over the
     * PSI row order, which only the parties know, so the baseline is shown over 20 random
     * splits: the encrypted model's AUC should fall within that spread.
     */
    void printCentralisedBaseline() {
        DemoStudy.Centralised all = study.centralised();
        double[] aucs = new double[20];
        for (int split = 0; split < aucs.length; split++) {
            TrainingConfig c = DemoStudy.TRAINING;
            TrainingConfig config = new TrainingConfig(split + 1, c.validationFraction(), c.batchSize(), c.maxEpochs(),
                    c.learningRate(), c.learningRateDecay(), c.momentum(), c.l2(), c.patience(), c.minDelta(),
                    c.sigmoidInterval(), c.stoppingMetric(), c.testFraction(), c.releasePolicy());
            aucs[split] = CentralizedLogisticRegression.train(all.features(), all.labels(), config,
                    CentralizedLogisticRegression.Link.EXACT).testReport().auc().value();
        }
        double mean = java.util.Arrays.stream(aucs).average().orElseThrow();
        double sd = Math.sqrt(java.util.Arrays.stream(aucs).map(a -> (a - mean) * (a - mean)).sum() / (aucs.length - 1));
        console.line("centralised baseline (all %d patients' data in one place, exact sigmoid, same hyper-parameters):",
                all.labels().length);
        console.line("  test AUC %.4f ± %.4f (mean ± sd over 20 random splits; min %.4f, max %.4f)", mean, sd,
                java.util.Arrays.stream(aucs).min().orElseThrow(), java.util.Arrays.stream(aucs).max().orElseThrow());
        console.line("outcome planted on %s", String.join(", ", study.plantedRsIds));
    }

    /**
     * The lab's own view of its released coefficients (its admin may see them): the variants
     * with the largest effects, which should be the planted ones.
     */
    void printLabTopVariants(UUID trainingRunId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(PartyRole.LAB, "/api/training-runs/" + trainingRunId, "admin")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode coefficients = json.readTree(response.body()).path("coefficients");
        if (response.statusCode() != 200 || coefficients.size() != study.rsIds.size()) {
            console.line("the lab's coefficients are not available (%d)", response.statusCode());
            return;
        }
        List<Integer> order = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, coefficients.size()).boxed().toList());
        order.sort(java.util.Comparator.comparingDouble(k -> -Math.abs(coefficients.get(k).asDouble())));
        List<String> top = order.subList(0, study.plantedRsIds.size()).stream()
                .map(k -> String.format("%s (%+.2f)", study.rsIds.get(k), coefficients.get(k).asDouble())).toList();
        long found = order.subList(0, study.plantedRsIds.size()).stream()
                .filter(k -> study.plantedRsIds.contains(study.rsIds.get(k))).count();
        console.line("the lab's largest coefficients (seen only by the lab): %s: %d of the %d planted variants",
                String.join(", ", top), found, study.plantedRsIds.size());
    }

    private HttpRequest.Builder request(PartyRole role, String path, String account) {
        return HttpRequest.newBuilder(network.url(role).resolve(path)).header("Authorization", network.authorization(role, account));
    }

    private HttpRequest multipart(PartyRole role, String path, Path file) throws IOException {
        return fileUpload(request(role, path, "admin"), file).build();
    }

    /** {@code request} as a multipart POST of {@code file} in part "file", as {@code POST /api/ingest/vcf} takes it. */
    public static HttpRequest.Builder fileUpload(HttpRequest.Builder request, Path file) throws IOException {
        String boundary = "genovfl-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file.getFileName()
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(file));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return request.header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    }
}
