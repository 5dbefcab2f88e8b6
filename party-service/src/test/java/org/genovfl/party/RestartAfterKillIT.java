package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.ingest.TestData;
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lab party service killed with SIGKILL in the middle of an upload, as the outside probe
 * did: its embedded PostgreSQL outlived it and the upload's spool file stayed behind. Started
 * again on the same data directory, it must come up at the first attempt (stopping the
 * orphaned server), with what was committed before intact and no upload file left.
 */
class RestartAfterKillIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void killedMidUploadTheServiceRestartsOnceWithCommittedDataAndNoStaleFiles() throws Exception {
        Map<PartyRole, Integer> ports = new EnumMap<>(PartyRole.class);
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            ports.put(role, freePort());
        }
        DemoNetwork network = DemoNetwork.openOrCreate(directory, ports);
        Path dataDirectory = directory.resolve("data/lab");
        Path uploads = dataDirectory.resolve("uploads");
        HttpClient https = ThreePartyNetwork.clientTrusting(null,
                DemoCertificateAuthority.load(network.trustStore(),
                        network.trustStorePassword().toCharArray()));
        URI lab = network.url(PartyRole.LAB);

        Process first = start(network, "first");
        JsonNode committed;
        long postmaster;
        CountDownLatch neverReleased = new CountDownLatch(1);
        try {
            awaitHealthy(https, lab, first);
            byte[] vcf = Files.readAllBytes(TestData.file("shapeit4-example/scaffold.vcf.gz"));
            String boundary = "kill-test";
            HttpResponse<String> imported = https.send(upload(network, lab, boundary,
                    HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, vcf))), HttpResponse.BodyHandlers.ofString());
            assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
            committed = summary(https, network, lab);

            // A second upload whose body stops half-way and never finishes: the service spools it.
            byte[] head = multipartHead(boundary);
            InputStream stalled = new SequenceInputStream(new ByteArrayInputStream(head), new ByteArrayInputStream(vcf)) {
                private boolean sentAll;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n < 0 || sentAll) {
                        sentAll = true;
                        try {
                            neverReleased.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return -1;
                    }
                    return n;
                }
            };
            CompletableFuture<HttpResponse<String>> inFlight = https.sendAsync(
                    upload(network, lab, boundary, HttpRequest.BodyPublishers.ofInputStream(() -> stalled)),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (filesIn(uploads) == 0) {
                assertThat(System.nanoTime()).as("upload spooled under %s", uploads).isLessThan(deadline);
                Thread.sleep(100);
            }
            postmaster = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postgres/postmaster.pid")).get(0).strip());

            first.destroyForcibly(); // SIGKILL
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            inFlight.cancel(true);
        } finally {
            neverReleased.countDown();
            first.destroyForcibly();
        }
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).as("PostgreSQL outlived the JVM")
                .hasValue(true);
        assertThat(filesIn(uploads)).as("the killed upload's spool file").isPositive();

        Process second = start(network, "second");
        try {
            awaitHealthy(https, lab, second);
            assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).isIn(Optional.empty(), Optional.of(false));
            assertThat(filesIn(uploads)).isZero();
            assertThat(summary(https, network, lab)).isEqualTo(committed);
            assertThat(Files.readString(directory.resolve("logs/lab-second.log")))
                    .contains("left running on " + dataDirectory.resolve("postgres").toAbsolutePath() + " by a previous run")
                    .contains("Removed 1 stale upload file(s)");
        } finally {
            second.destroy();
            if (!second.waitFor(60, TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }
    }

    private Process start(DemoNetwork network, String name) throws IOException {
        Path log = directory.resolve("logs/lab-" + name + ".log");
        Files.createDirectories(log.getParent());
        return new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), PartyServiceApplication.class.getName(),
                "--spring.config.additional-location=file:" + network.propertiesFile(PartyRole.LAB)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitHealthy(HttpClient https, URI party, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("the service exited (see its log)").isTrue();
            try {
                if (https.send(HttpRequest.newBuilder(party.resolve("/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not healthy in 5 minutes: " + party);
    }

    private static HttpRequest upload(DemoNetwork network, URI lab, String boundary, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(lab.resolve("/api/ingest/vcf?name=scaffold"))
                .header("Authorization", network.authorization(PartyRole.LAB, "admin"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(body).build();
    }

    private static JsonNode summary(HttpClient https, DemoNetwork network, URI lab) throws Exception {
        HttpResponse<String> response = https.send(HttpRequest.newBuilder(lab.resolve("/api/ingest/summary"))
                .header("Authorization", network.authorization(PartyRole.LAB, "admin")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static byte[] multipartHead(String boundary) {
        return ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scaffold.vcf.gz\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] multipart(String boundary, byte[] file) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(multipartHead(boundary));
        body.write(file);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private static long filesIn(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
