package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.security.AvailableAt;
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The party services as an outside prober meets them (issue 13): authorisation before
 * validation on every endpoint, party kinds, client errors as 4xx problem details, limits,
 * no personal data in any log line, error responses in the OpenAPI documents, and
 * Schemathesis fuzzing of each party's document (people's and peer endpoints).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiHardeningIT {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Small limits, so that "too large" takes kilobytes here (read by the services at start). */
    static final Map<String, String> LIMITS = Map.of("genovfl.limits.max-document-size", "256KB",
            "genovfl.limits.max-request-size", "16KB", "genovfl.limits.max-vcf-line-size", "64KB",
            "genovfl.limits.max-vcf-samples", "1000");
    /** Identifying values the tests send in; none may appear in any log line of any party. */
    static final Set<String> MARKERS = Set.of("Quaxelbrook", "Zephyrine", "1931-02-03", "1931-02-3x", "MRK-7731-PATIENT",
            "MRK-BIOBANK-4471", "MRK-NATIONAL-9902", "MRKSAMPLE-0001", "MRKSAMPLE-0002", "MRK-SHEET-LINK-1");
    static final Map<String, String> ACCOUNT_ROLES = Map.of("admin", "PARTY_ADMIN", "coordinator", "COORDINATOR",
            "regulator", "REGULATOR");

    @TempDir
    static Path directory;
    static ThreePartyNetwork parties;
    static HttpClient person;
    static CapturedLogs logs;

    @BeforeAll
    static void startParties() {
        LIMITS.forEach(System::setProperty);
        try {
            parties = ThreePartyNetwork.start(directory);
        } finally {
            LIMITS.keySet().forEach(System::clearProperty);
        }
        // After the starts: each Spring Boot start stops and resets Logback, dropping appenders.
        logs = CapturedLogs.capture();
        person = parties.client(null);
    }

    @AfterAll
    static void stopParties() {
        if (parties != null) {
            try {
                PersonalDataScan.assertLogsFreeOfIdentifiers(logs, MARKERS, db(PartyRole.HOSPITAL), db(PartyRole.LAB),
                        db(PartyRole.COORDINATOR));
            } finally {
                parties.close();
            }
        }
    }

    static JdbcClient db(PartyRole role) {
        return parties.bean(role, JdbcClient.class);
    }

    static HttpResponse<String> send(PartyRole role, String method, String path, String account, String contentType,
            HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(parties.url(role, path)).method(method, body);
        if (account != null) {
            request.header("Authorization", parties.basic(role, account));
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return person.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(PartyRole role, String path, String account, String contentType, byte[] body)
            throws Exception {
        return send(role, "POST", path, account, contentType, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    static JsonNode summary(PartyRole role) throws Exception {
        return JSON.readTree(parties.get(person, parties.url(role, "/api/ingest/summary"), "admin").body());
    }

    static void assertProblem(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as("%s: %s", response.uri(), response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).as("content type of %s", response.uri())
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("status").asInt()).isEqualTo(status);
    }

    // --- authorisation before validation, party kinds -------------------------------------

    /** Roles named by an endpoint's @PreAuthorize (hasRole / hasAnyRole), or null if it names none. */
    static Set<String> allowedRoles(HandlerMethod method) {
        PreAuthorize rule = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), PreAuthorize.class);
        if (rule == null) {
            rule = AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), PreAuthorize.class);
        }
        if (rule == null) {
            return null;
        }
        Set<String> roles = new java.util.TreeSet<>();
        Matcher quoted = Pattern.compile("'([A-Z_]+)'").matcher(rule.value());
        while (quoted.find()) {
            roles.add(quoted.group(1));
        }
        return roles;
    }

    static Set<PartyRole> availableAt(HandlerMethod method) {
        AvailableAt at = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), AvailableAt.class);
        if (at == null) {
            at = AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), AvailableAt.class);
        }
        return at == null ? Set.of(PartyRole.values()) : Set.of(at.value());
    }

    /**
     * Every people's endpoint of every party, called by each account whose role it does not
     * allow (and, where the endpoint is not for this kind of party, by every account) with an
     * invalid body: 403 each time, never a 400 about the body.
     */
    @Test
    @Order(1)
    void everyEndpointRefusesTheWrongRoleOrPartyKindWithAnInvalidBody() throws Exception {
        List<String> checked = new ArrayList<>();
        for (PartyRole party : DemoNetwork.ORGANISATIONS.keySet()) {
            var mappings = parties.context(party).getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
            for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : mappings.getHandlerMethods().entrySet()) {
                Set<String> roles = allowedRoles(mapping.getValue());
                if (roles == null) {
                    continue;
                }
                boolean here = availableAt(mapping.getValue()).contains(party);
                String contentType = mapping.getKey().getConsumesCondition().getConsumableMediaTypes().stream()
                        .findFirst().map(Object::toString).orElse("application/json");
                RequestMethod method = mapping.getKey().getMethodsCondition().getMethods().iterator().next();
                for (String path : mapping.getKey().getPatternValues()) {
                    if (!path.startsWith("/api/")) {
                        continue;
                    }
                    String concrete = path.replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
                    for (Map.Entry<String, String> account : ACCOUNT_ROLES.entrySet()) {
                        if (here && roles.contains(account.getValue())) {
                            continue;
                        }
                        HttpResponse<String> response = send(party, method.name(), concrete, account.getKey(),
                                contentType.contains("*") ? "application/json" : contentType,
                                method == RequestMethod.GET ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString("{}"));
                        assertProblem(response, 403);
                        checked.add(party + " " + method + " " + path + " as " + account.getKey());
                    }
                }
            }
        }
        assertThat(checked).as("endpoints walked").hasSizeGreaterThan(60)
                .contains("COORDINATOR POST /api/ingest/fhir as admin", "LAB POST /api/ingest/fhir as admin",
                        "HOSPITAL POST /api/ingest/vcf as admin", "COORDINATOR POST /api/projects as regulator");
    }

    @Test
    @Order(2)
    void patientDataIsImportedOnlyAtAHospitalAndGenotypesOnlyAtALab() throws Exception {
        String bundle = "{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": []}";
        for (PartyRole party : List.of(PartyRole.LAB, PartyRole.COORDINATOR)) {
            assertProblem(post(party, "/api/ingest/fhir", "admin", "application/fhir+json",
                    bundle.getBytes(StandardCharsets.UTF_8)), 403);
            assertProblem(post(party, "/api/ingest/csv?name=x", "admin", "text/csv",
                    "patient_id,kind,system,code,value,unit,effective_at\n".getBytes(StandardCharsets.UTF_8)), 403);
        }
        for (PartyRole party : List.of(PartyRole.HOSPITAL, PartyRole.COORDINATOR)) {
            String boundary = "b-" + UUID.randomUUID();
            assertProblem(post(party, "/api/ingest/vcf?name=x", "admin", "multipart/form-data; boundary=" + boundary,
                    IngestNetworkIT.multipart(boundary, "file", "x.vcf", vcf("S1").getBytes(StandardCharsets.UTF_8))), 403);
            assertProblem(post(party, "/api/ingest/genomics-reporting?name=x", "admin", "application/fhir+json",
                    bundle.getBytes(StandardCharsets.UTF_8)), 403);
        }
        assertThat(db(PartyRole.COORDINATOR).sql("SELECT count(*) FROM patient").query(Long.class).single()).isZero();
    }

    static String vcf(String... samples) {
        return "##fileformat=VCFv4.2\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
                + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + String.join("\t", samples) + "\n"
                + "20\t100\trs1\tA\tG\t.\tPASS\t.\tGT" + "\t0/1".repeat(samples.length) + "\n";
    }

    // --- client errors as problem details -----------------------------------------------------

    @Test
    @Order(3)
    void malformedRequestsAreProblemDetailsWithA4xxAndNothingIsStored() throws Exception {
        JsonNode labBefore = summary(PartyRole.LAB);
        // multipart/form-data without a boundary
        assertProblem(post(PartyRole.LAB, "/api/ingest/vcf?name=x", "admin", "multipart/form-data",
                vcf("S1").getBytes(StandardCharsets.UTF_8)), 400);
        // file names that are no file names: refused before anything is read or stored
        String boundary = "b-" + UUID.randomUUID();
        for (String name : List.of("", ".", "..", "../..")) {
            HttpResponse<String> response = post(PartyRole.LAB, "/api/ingest/vcf?name=x", "admin",
                    "multipart/form-data; boundary=" + boundary,
                    IngestNetworkIT.multipart(boundary, "file", name, vcf("S1").getBytes(StandardCharsets.UTF_8)));
            assertProblem(response, 400);
            assertThat(JSON.readTree(response.body()).get("parameter").asText()).isEqualTo("file");
        }
        assertThat(summary(PartyRole.LAB)).isEqualTo(labBefore);
        // a sample sheet that is not UTF-8
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(part(boundary, "file", "latin1.vcf", vcf("MRKSAMPLE-0001").getBytes(StandardCharsets.UTF_8)));
        body.write(part(boundary, "sampleSheet", "sheet.csv",
                "sample_id,linkage_id\nMRKSAMPLE-0001,M\u00fcller-MRK-SHEET-LINK-1\n".getBytes(StandardCharsets.ISO_8859_1)));
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> sheet = post(PartyRole.LAB, "/api/ingest/vcf?name=latin1", "admin",
                "multipart/form-data; boundary=" + boundary, body.toByteArray());
        assertProblem(sheet, 422);
        assertThat(JSON.readTree(sheet.body()).get("line").asInt()).isEqualTo(2);
        assertThat(summary(PartyRole.LAB)).isEqualTo(labBefore);
        // JSON null and wrong JSON types
        assertProblem(post(PartyRole.COORDINATOR, "/api/projects", "coordinator", "application/json",
                "null".getBytes(StandardCharsets.UTF_8)), 400);
        assertProblem(post(PartyRole.HOSPITAL, "/api/psi/joint-cohorts", "admin", "application/json",
                ("{\"projectId\": \"" + UUID.randomUUID() + "\", \"psiRunIds\": \"not-an-array\"}").getBytes(StandardCharsets.UTF_8)), 400);
        HttpClient asCoordinator = parties.client(parties.network.issue(DemoNetwork.ORGANISATIONS.get(PartyRole.COORDINATOR)));
        for (String peerPath : List.of("/peer/projects", "/peer/projects/check")) {
            for (String peerBody : List.of("null", "{}", "{\"projectId\": \"" + UUID.randomUUID() + "\", \"spec\": \"text\"}")) {
                HttpResponse<String> peer = asCoordinator.send(HttpRequest.newBuilder(parties.url(PartyRole.HOSPITAL, peerPath))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(peerBody))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertProblem(peer, 400);
                if (peerBody.equals("{}")) {
                    assertThat(peer.body()).as(peerPath).contains("\"/projectId\"", "\"/spec\"");
                }
            }
        }
        // A string where a peer message has an array of numbers: the field is named, its value is not.
        HttpClient asHospital = parties.client(parties.network.issue(DemoNetwork.ORGANISATIONS.get(PartyRole.HOSPITAL)));
        HttpResponse<String> proposal = asHospital.send(HttpRequest.newBuilder(parties.url(PartyRole.LAB,
                        "/peer/psi/joint-cohorts")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jointRunId\": \"" + UUID.randomUUID() + "\", \"rowIndices\": "
                        + "\"MRK-7731-PATIENT\", \"componentHashes\": []}")).build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(proposal, 400);
        assertThat(JSON.readTree(proposal.body()).get("errors").get(0).get("pointer").asText()).isEqualTo("/rowIndices");
        assertThat(proposal.body()).doesNotContain("MRK-7731-PATIENT");
        assertThat(logs.lines()).as("no stack trace at ERROR for a client error")
                .noneMatch(line -> line.startsWith("ERROR"));
    }

    static byte[] part(String boundary, String name, String fileName, byte[] content) throws Exception {
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        part.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        part.write(content);
        part.write("\r\n".getBytes(StandardCharsets.UTF_8));
        return part.toByteArray();
    }

    // --- limits -------------------------------------------------------------------------------

    @Test
    @Order(4)
    void requestsOverALimitAre413Or422AndStoreNothing() throws Exception {
        JsonNode hospitalBefore = summary(PartyRole.HOSPITAL);
        JsonNode labBefore = summary(PartyRole.LAB);
        byte[] bigBundle = ("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [], \"id\": \""
                + "x".repeat(300_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> declared = post(PartyRole.HOSPITAL, "/api/ingest/fhir", "admin", "application/fhir+json", bigBundle);
        assertProblem(declared, 413);
        assertThat(JSON.readTree(declared.body()).get("setting").asText()).isEqualTo("genovfl.limits.max-document-size");
        // Without a Content-Length (chunked), the cap applies as the body is read.
        assertProblem(send(PartyRole.HOSPITAL, "POST", "/api/ingest/fhir", "admin", "application/fhir+json",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bigBundle))), 413);
        assertProblem(post(PartyRole.COORDINATOR, "/api/projects", "coordinator", "application/json",
                ("{\"name\": \"" + "x".repeat(20_000) + "\"}").getBytes(StandardCharsets.UTF_8)), 413);
        String boundary = "b-" + UUID.randomUUID();
        String longLine = vcf("S1").replace("\tPASS\t.\t", "\tPASS\tX=" + "A".repeat(70_000) + "\t");
        HttpResponse<String> line = post(PartyRole.LAB, "/api/ingest/vcf?name=long", "admin",
                "multipart/form-data; boundary=" + boundary,
                IngestNetworkIT.multipart(boundary, "file", "long.vcf", longLine.getBytes(StandardCharsets.UTF_8)));
        assertProblem(line, 413);
        assertThat(JSON.readTree(line.body()).get("line").asInt()).isEqualTo(4);
        String[] samples = new String[1001];
        Arrays.setAll(samples, i -> "S" + i);
        HttpResponse<String> many = post(PartyRole.LAB, "/api/ingest/vcf?name=many", "admin",
                "multipart/form-data; boundary=" + boundary,
                IngestNetworkIT.multipart(boundary, "file", "many.vcf", vcf(samples).getBytes(StandardCharsets.UTF_8)));
        assertProblem(many, 422);
        assertThat(summary(PartyRole.HOSPITAL)).isEqualTo(hospitalBefore);
        assertThat(summary(PartyRole.LAB)).isEqualTo(labBefore);
    }

    // --- no personal data in logs ---------------------------------------------------------------

    /** Imports and refusals carrying identifying values; the class's end checks every log line for them. */
    @Test
    @Order(5)
    void importsAndRefusalsWithIdentifyingValuesLogNoneOfThem() throws Exception {
        String patient = """
                {"resource": {"resourceType": "Patient", "id": "MRK-7731-PATIENT",
                  "name": [{"family": "Quaxelbrook", "given": ["Zephyrine"]}], "birthDate": "%s",
                  "extension": [{"url": "https://genovfl.org/fhir/StructureDefinition/research-consent", "valueCode": "granted"}],
                  "identifier": [{"system": "https://genovfl.org/fhir/NamingSystem/biobank-sample-id", "value": "MRK-BIOBANK-4471"},
                    {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "NI"}]},
                     "value": "MRK-NATIONAL-9902"}]}}""";
        String observation = """
                {"resource": {"resourceType": "Observation", "id": "mrk-obs", "status": "final",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "39156-5"}]},
                  "subject": {"reference": "Patient/%s"},
                  "valueQuantity": {"value": 22, "unit": "kg/m2", "system": "http://unitsofmeasure.org", "code": "kg/m2"}}}""";
        List<String> refused = List.of(
                patient.formatted("1931-02-3x"),                                        // invalid birth date
                patient.formatted("1931-02-03") + "," + patient.formatted("1931-02-03"), // the same Patient twice
                observation.formatted("MRK-BIOBANK-4471"));                             // a subject that is no Patient
        for (String entries : refused) {
            HttpResponse<String> response = post(PartyRole.HOSPITAL, "/api/ingest/fhir", "admin", "application/fhir+json",
                    ("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [" + entries + "]}")
                            .getBytes(StandardCharsets.UTF_8));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
            for (String marker : MARKERS) {
                assertThat(response.body()).as("OperationOutcome vs %s", marker).doesNotContain(marker);
            }
        }
        HttpResponse<String> imported = post(PartyRole.HOSPITAL, "/api/ingest/fhir", "admin", "application/fhir+json",
                ("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [" + patient.formatted("1931-02-03")
                        + "," + observation.formatted("MRK-7731-PATIENT") + "]}").getBytes(StandardCharsets.UTF_8));
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        HttpResponse<String> csv = post(PartyRole.HOSPITAL, "/api/ingest/csv?name=markers", "admin", "text/csv",
                ("patient_id,kind,system,code,value,unit,effective_at\nMRK-7731-PATIENT,observation,http://loinc.org,"
                        + "39156-5,Quaxelbrook,kg/m2,1931-02-03\n").getBytes(StandardCharsets.UTF_8));
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(422);
        assertThat(csv.body()).doesNotContain("Quaxelbrook", "MRK-7731-PATIENT");

        String boundary = "b-" + UUID.randomUUID();
        HttpResponse<String> lab = post(PartyRole.LAB, "/api/ingest/vcf?name=markers", "admin",
                "multipart/form-data; boundary=" + boundary, IngestNetworkIT.multipart(boundary, "file", "markers.vcf",
                        vcf("MRKSAMPLE-0001", "MRKSAMPLE-0002").getBytes(StandardCharsets.UTF_8)));
        assertThat(lab.statusCode()).as(lab.body()).isEqualTo(200);
        String duplicateSamples = vcf("MRKSAMPLE-0001", "MRKSAMPLE-0001");
        HttpResponse<String> broken = post(PartyRole.LAB, "/api/ingest/vcf?name=markers-broken", "admin",
                "multipart/form-data; boundary=" + boundary, IngestNetworkIT.multipart(boundary, "file", "broken.vcf",
                        duplicateSamples.getBytes(StandardCharsets.UTF_8)));
        assertThat(broken.statusCode()).as(broken.body()).isEqualTo(422);
        assertThat(broken.body()).doesNotContain("MRKSAMPLE");
    }

    // --- the OpenAPI documents, and fuzzing against them -----------------------------------------

    @Test
    @Order(6)
    void everyOperationDeclaresItsErrorResponsesAsProblemDetails() throws Exception {
        for (PartyRole party : DemoNetwork.ORGANISATIONS.keySet()) {
            JsonNode document = JSON.readTree(parties.get(person, parties.url(party, "/v3/api-docs"), null).body());
            for (var path = document.get("paths").fields(); path.hasNext(); ) {
                var entry = path.next();
                for (var operation = entry.getValue().fields(); operation.hasNext(); ) {
                    var op = operation.next();
                    JsonNode responses = op.getValue().get("responses");
                    String name = op.getKey() + " " + entry.getKey();
                    List<String> expected = entry.getKey().startsWith("/api/") || entry.getKey().startsWith("/peer/")
                            ? List.of("400", "401", "403") : List.of("400");
                    for (String status : expected) {
                        assertThat(responses.has(status)).as("%s declares %s", name, status).isTrue();
                        assertThat(responses.get(status).get("content").has("application/problem+json"))
                                .as("%s: %s is a problem detail", name, status).isTrue();
                    }
                }
            }
        }
        // An intact chain has no first tampered entry: the field is left out, not null, since its
        // schema is a TamperedEntry object.
        JsonNode chain = JSON.readTree(parties.get(person, parties.url(PartyRole.HOSPITAL, "/api/audit/ledger-verification"),
                "regulator").body());
        assertThat(chain.get("intact").asBoolean()).isTrue();
        assertThat(chain.has("firstTampered")).as("%s", chain).isFalse();
    }

    /**
     * Schemathesis against each party's OpenAPI document (party-service/src/test/fuzz/api-fuzz.sh):
     * people's endpoints signed in with the party's own account (and the regulator's at the
 * coordinator; ordered test 1 walks every wrong account), peer endpoints with a registered peer's
     * client certificate; no 5xx, no undocumented status, every response matching its schema.
     */
    @Test
    @Order(7)
    void schemathesisFindsNoServerErrorNoUndocumentedStatusAndNoSchemaMismatch() throws Exception {
        Path script = Path.of("src/test/fuzz/api-fuzz.sh").toAbsolutePath();
        Path ca = directory.resolve("fuzz/ca.pem");
        Files.createDirectories(ca.getParent());
        var trust = DemoCertificateAuthority.load(parties.network.trustStore(), parties.trustStorePassword());
        writePem(ca, trust.getCertificate(trust.aliases().nextElement()));
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        for (PartyRole party : DemoNetwork.ORGANISATIONS.keySet()) {
            String base = parties.url(party, "/").toString().replaceAll("/$", "");
            // The account of the party's own work, and the regulator at the coordinator (each run
            // costs about a minute on 2 cores: every request checks a BCrypt password).
            List<String> accounts = party == PartyRole.COORDINATOR ? List.of("coordinator", "regulator") : List.of("admin");
            for (String account : accounts) {
                run(script, base, party + "-" + account, failures, "--tls-verify", ca.toString(), "--auth",
                        DemoNetwork.username(party, account) + ":" + parties.network.password(party, account),
                        "--include-path-regex", "^/api/");
            }
            PartyRole caller = party == PartyRole.COORDINATOR ? PartyRole.HOSPITAL : PartyRole.COORDINATOR;
            DemoCertificateAuthority.IssuedIdentity peer = parties.network.issue(DemoNetwork.ORGANISATIONS.get(caller));
            Path cert = directory.resolve("fuzz/" + caller + ".pem");
            Path key = directory.resolve("fuzz/" + caller + ".key");
            writePem(cert, peer.certificate());
            writePem(key, peer.keyPair().getPrivate());
            run(script, base, party + "-peer", failures, "--tls-verify", ca.toString(), "--request-cert", cert.toString(),
                    "--request-cert-key", key.toString(), "--include-path-regex", "^/peer/");
        }
        System.out.printf("API fuzzing of the three parties took %.1f s%n", (System.nanoTime() - started) / 1e9);
        assertThat(failures).as("Schemathesis runs that failed (reports under %s)", directory.resolve("fuzz")).isEmpty();
    }

    static void run(Path script, String base, String name, List<String> failures, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", script.toString(), base, directory.resolve("fuzz/" + name).toString(),
                "--max-examples", System.getProperty("genovfl.fuzz.max-examples", "5"), "--seed", "13", "--workers", "1",
                "--request-timeout", "60"));
        command.addAll(List.of(options));
        Path output = directory.resolve("fuzz/" + name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        int exit = process.waitFor();
        String log = Files.readString(output);
        // The failures in full (what was sent, what came back, how to replay it), then the summary.
        int firstProblem = Math.max(log.indexOf("= FAILURES ="), log.indexOf("= ERRORS ="));
        System.out.println("--- Schemathesis " + name + " (exit " + exit + ")\n"
                + (firstProblem >= 0 ? log.substring(firstProblem) : log.lines().filter(l -> !l.isBlank())
                        .skip(Math.max(0, log.lines().count() - 30)).reduce("", (a, b) -> a + b + "\n")));
        if (exit != 0) {
            failures.add(name + " (exit " + exit + "): " + output);
        }
    }

    static void writePem(Path file, Object object) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            // A key as PKCS#8, which names its curve; OpenSSL (Python's ssl) reads no other EC form here.
            pem.writeObject(object instanceof java.security.PrivateKey key
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null) : object);
        }
        Files.writeString(file, text.toString());
    }
}
