package org.genovfl.party.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;

/**
 * The demo's GWAS step: the coordinator starts an encrypted score-test scan of the aligned
 * cohort (the hospital's label as the trait, its clinical columns as covariates, every genomic
 * column of the project at the lab), the demo follows its progress through the coordinator's
 * people API and prints the top hits and lambda_GC, and saves the released summary statistics
 * (plink2 .glm columns) next to the demo's configuration.
 */
final class GwasDemo {

    private static final Duration SCAN_TIMEOUT = Duration.ofMinutes(20);
    private static final int TOP_HITS = 5;

    private final DemoNetwork network;
    private final HttpClient http;
    private final DemoConsole console;
    private final ObjectMapper json = new ObjectMapper();

    GwasDemo(DemoNetwork network, HttpClient http, DemoConsole console) {
        this.network = network;
        this.http = http;
        this.console = console;
    }

    /** Scans {@code psiRunId}'s cohort of {@code projectId}; false if the scan failed or did not finish in time. */
    boolean show(UUID projectId, UUID psiRunId) throws IOException, InterruptedException {
        console.step("GWAS: a score test per variant under CKKS, the coordinator decrypting per-variant statistics only");
        String scans = "/api/projects/" + projectId + "/gwas-scans";
        JsonNode scan = send(HttpRequest.newBuilder(network.url(PartyRole.COORDINATOR).resolve(scans))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("psiRunId", psiRunId)))), 202);
        String scanId = scan.path("scanId").asText();
        console.line("scan %s started", scanId);
        long deadline = System.nanoTime() + SCAN_TIMEOUT.toNanos();
        int shownDone = -1;
        while (System.nanoTime() < deadline && "RUNNING".equals(scan.path("status").asText())) {
            Thread.sleep(500);
            scan = send(HttpRequest.newBuilder(network.url(PartyRole.COORDINATOR).resolve(scans + "/" + scanId)).GET(),
                    200);
            JsonNode progress = scan.path("progress");
            if (progress.path("variantsTotal").isNumber() && progress.path("variantsDone").asInt() != shownDone) {
                shownDone = progress.path("variantsDone").asInt();
                console.line("%d of %d variants done (%s)", shownDone, progress.path("variantsTotal").asInt(),
                        scan.path("phase").asText("released"));
            }
        }
        if (!"COMPLETED".equals(scan.path("status").asText())) {
            console.line("the scan did not complete: %s %s", scan.path("status").asText(), scan.path("error").asText(""));
            return false;
        }
        console.line("%d patients; %d variants released, %d withheld by the release rules; lambda_GC %.3f",
                scan.path("cohortSize").asInt(), scan.path("releasedCount").asInt(), scan.path("withheldCount").asInt(),
                scan.path("lambdaGc").asDouble());
        console.line("top hits (log-odds per alternate allele, score test):");
        int shown = 0;
        for (JsonNode hit : scan.path("topHits")) {
            if (shown++ == TOP_HITS) {
                break;
            }
            console.line("  %-14s %s:%d %s>%s  beta %7.3f  se %.3f  p %.2e", hit.path("id").asText(),
                    hit.path("chromosome").asText(), hit.path("position").asLong(), hit.path("ref").asText(),
                    hit.path("alt").asText(), hit.path("beta").asDouble(), hit.path("standardError").asDouble(),
                    hit.path("p").asDouble());
        }
        HttpRequest.Builder download = HttpRequest.newBuilder(network.url(PartyRole.COORDINATOR)
                .resolve(scans + "/" + scanId + "/summary-statistics")).GET();
        download.header("Authorization", network.authorization(PartyRole.COORDINATOR, "coordinator"));
        HttpResponse<byte[]> file = http.send(download.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (file.statusCode() == 200) {
            Path written = network.directory().resolve("gwas-" + scanId + ".glm");
            Files.write(written, file.body());
            console.line("summary statistics (SHA-256 %s, audited) written to %s", scan.path("summarySha256").asText(),
                    written);
        }
        console.done();
        return true;
    }

    private JsonNode send(HttpRequest.Builder request, int expectedStatus) throws IOException, InterruptedException {
        return CoordinatorCalls.send(network, http, request, expectedStatus);
    }
}
