package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.ingest.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data in through the REST API of real party services, refusals included, and a project
 * defined at the coordinator that the hospital and the lab answer with counts over mutual TLS.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngestNetworkIT {

    @TempDir
    static Path directory;
    static ThreePartyNetwork parties;
    static HttpClient person;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void startParties() {
        parties = ThreePartyNetwork.start(directory);
        person = parties.client(null);
    }

    @AfterAll
    static void stopParties() {
        if (parties != null) {
            parties.close();
        }
    }

    HttpResponse<String> post(PartyRole role, String path, String account, String contentType, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(parties.url(role, path))
                .header("Authorization", parties.network.authorization(role, account))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return person.send(request, HttpResponse.BodyHandlers.ofString());
    }

    JsonNode summary(PartyRole role) throws Exception {
        return JSON.readTree(parties.get(person, parties.url(role, "/api/ingest/summary"), "admin").body());
    }

    @Test
    @Order(1)
    void invalidBundleAnswersAnOperationOutcomeAndStoresNothing() throws Exception {
        JsonNode before = summary(PartyRole.HOSPITAL);
        String bundle = """
                {"resourceType": "Bundle", "type": "transaction", "entry": [
                  {"resource": {"resourceType": "Patient", "id": "api-1"}, "request": {"method": "POST", "url": "Patient"}},
                  {"resource": {"resourceType": "Observation", "id": "api-o1", "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "2339-0"}]},
                    "subject": {"reference": "Patient/api-1"}, "valueQuantity": {"value": 5.0}},
                   "request": {"method": "POST", "url": "Observation"}}
                ]}""";
        HttpResponse<String> response = post(PartyRole.HOSPITAL, "/api/ingest/fhir", "admin", "application/fhir+json",
                bundle.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/fhir+json"));
        JsonNode outcome = JSON.readTree(response.body());
        assertThat(outcome.get("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.get("issue").get(0).get("expression").get(0).asText()).isEqualTo("Bundle.entry[1].resource.valueQuantity");
        assertThat(summary(PartyRole.HOSPITAL)).isEqualTo(before);
    }

    @Test
    @Order(2)
    void hospitalAndLabLoadDataAndTheCoordinatorsProjectGetsCountsOnly() throws Exception {
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            String sample = "HG0009" + (6 + i); // the first scaffold samples are HG00096.. in shapeit4-example
            entries.append(i == 0 ? "" : ",").append("""
                    {"resource": {"resourceType": "Patient", "id": "api-p%d",
                      "extension": [{"url": "https://genovfl.org/fhir/StructureDefinition/research-consent", "valueCode": "granted"}],
                      "identifier": [{"system": "https://genovfl.org/fhir/NamingSystem/biobank-sample-id", "value": "%s"}]}},
                    {"resource": {"resourceType": "Observation", "id": "api-bmi-%d", "status": "final",
                      "code": {"coding": [{"system": "http://loinc.org", "code": "39156-5"}]}, "subject": {"reference": "Patient/api-p%d"},
                      "valueQuantity": {"value": %d, "unit": "kg/m2", "system": "http://unitsofmeasure.org", "code": "kg/m2"}}}
                    """.formatted(i, sample, i, i, 21 + i));
            if (i == 1) {
                entries.append("""
                        ,{"resource": {"resourceType": "Condition", "id": "api-c1", "subject": {"reference": "Patient/api-p1"},
                          "code": {"coding": [{"system": "http://snomed.info/sct", "code": "254837009"}]}}}""");
            }
        }
        HttpResponse<String> imported = post(PartyRole.HOSPITAL, "/api/ingest/fhir", "admin", "application/fhir+json",
                ("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [" + entries + "]}").getBytes(StandardCharsets.UTF_8));
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        assertThat(summary(PartyRole.HOSPITAL).get("patient").asLong()).isEqualTo(3);

        Path vcf = TestData.file("shapeit4-example/scaffold.vcf.gz");
        String boundary = "genovfl-" + UUID.randomUUID();
        HttpResponse<String> lab = post(PartyRole.LAB, "/api/ingest/vcf?name=scaffold", "admin",
                "multipart/form-data; boundary=" + boundary, multipart(boundary, "file", "scaffold.vcf.gz", Files.readAllBytes(vcf)));
        assertThat(lab.statusCode()).as(lab.body()).isEqualTo(200);
        assertThat(JSON.readTree(lab.body()).get("samples").asInt()).isEqualTo(203);

        // A broken VCF: problem details naming file and line; the store is as before.
        JsonNode labBefore = summary(PartyRole.LAB);
        byte[] broken = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n1\t10\t.\tA\tG\t.\t.\t.\tGT\t0/7\n"
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> refused = post(PartyRole.LAB, "/api/ingest/vcf?name=broken", "admin",
                "multipart/form-data; boundary=" + boundary, multipart(boundary, "file", "broken.vcf", broken));
        assertThat(refused.statusCode()).isEqualTo(422);
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.get("file").asText()).isEqualTo("broken.vcf");
        assertThat(problem.get("line").asInt()).isEqualTo(3);
        assertThat(summary(PartyRole.LAB)).isEqualTo(labBefore);

        String spec = """
                {"name": "API study", "linkageIdType": "BIOBANK_SAMPLE_ID",
                 "hospital": "%s", "labs": ["%s"],
                 "label": {"system": "http://snomed.info/sct", "code": "254837009"}, "consentRequired": true,
                 "clinicalFeatures": [{"system": "http://loinc.org", "code": "39156-5", "rule": "LATEST"}],
                 "genomicFeatures": [{"region": "20:1000000-1200000"}],
                 "qualityFilters": {"minMinorAlleleFrequency": 0.05, "minCallRate": 0.9}}
                """.formatted(DemoNetwork.ORGANISATIONS.get(PartyRole.HOSPITAL), DemoNetwork.ORGANISATIONS.get(PartyRole.LAB));
        HttpResponse<String> created = post(PartyRole.COORDINATOR, "/api/projects", "coordinator", "application/json",
                spec.getBytes(StandardCharsets.UTF_8));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode project = JSON.readTree(created.body());
        assertThat(project.get("specSha256").asText()).matches("[0-9a-f]{64}");
        JsonNode hospital = project.get("reports").get(0);
        assertThat(hospital.get("patients").asLong()).isEqualTo(3);
        assertThat(hospital.get("consented").asLong()).isEqualTo(3);
        assertThat(hospital.get("withLabel").asLong()).isEqualTo(1);
        JsonNode labReport = project.get("reports").get(1);
        assertThat(labReport.get("patients").asLong()).isEqualTo(203);
        assertThat(labReport.get("features").get(0).get("matched").asLong()).isGreaterThan(0);
        assertThat(created.body()).doesNotContain("HG0009", "api-p");

        // A person who is not the coordinator cannot define projects.
        assertThat(post(PartyRole.COORDINATOR, "/api/projects", "admin", "application/json", spec.getBytes(StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(403);
    }

    static byte[] multipart(String boundary, String part, String fileName, byte[] content) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }
}
