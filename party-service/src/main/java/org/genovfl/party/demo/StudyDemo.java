package org.genovfl.party.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.security.pki.DemoCertificateAuthority;

/**
 * {@code ./genovfl demo}: a hospital, a lab and a coordinator on this machine, each its
 * own process with its own database, run a study end to end and show what each step did.
 *
 * <p>Usage: {@code java -Dloader.main=org.genovfl.party.demo.StudyDemo -jar party-service.jar <demo-dir>}
 */
public final class StudyDemo {

    static final Map<PartyRole, Integer> DEFAULT_PORTS = new EnumMap<>(Map.of(
            PartyRole.HOSPITAL, 18443, PartyRole.LAB, 18444, PartyRole.COORDINATOR, 18445));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(300);
    /** Seed of the demo study's planted outcome and of its training run. */
    static final long STUDY_SEED = 42;

    private final DemoNetwork network;
    private final DemoConsole console = new DemoConsole(System.out);
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;
    private final List<PartyProcess> processes = new ArrayList<>();
    private Path releasedModel;
    /** Keep the services running after the study, until Ctrl-C, so a person can look around. */
    private final boolean stay;

    private StudyDemo(DemoNetwork network, boolean stay) {
        this.network = network;
        this.stay = stay;
        this.http = HttpClient.newBuilder().sslContext(trustingDemoCa(network)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static void main(String[] args) throws Exception {
        boolean stay = args.length == 2 && args[1].equals("--stay");
        if (args.length != 1 && !stay) {
            System.err.println("usage: StudyDemo <demo-directory> [--stay]");
            System.exit(2);
        }
        // The demo prints its own story; libraries' start-up chatter would drown it.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        DemoNetwork network = DemoNetwork.openOrCreate(Path.of(args[0]), DEFAULT_PORTS);
        StudyDemo demo = new StudyDemo(network, stay);
        Thread stopper = new Thread(demo::stopAll, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        boolean ok;
        try {
            ok = demo.run();
        } finally {
            demo.stopAll();
            Runtime.getRuntime().removeShutdownHook(stopper);
        }
        System.exit(ok ? 0 : 1);
    }

    private boolean run() throws Exception {
        console.title("GenoVFL demo: a hospital, a sequencing lab and a study coordinator");
        console.line("configuration and data: %s", network.directory().toAbsolutePath());

        console.step("Starting the three party services (each with its own embedded PostgreSQL)");
        Path jar = ownJar();
        long launched = System.nanoTime();
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            processes.add(PartyProcess.start(network, role, jar));
        }
        for (PartyProcess process : processes) {
            if (!awaitHealthy(process)) {
                console.line("%s did not start; last lines of %s:", process.role(), process.log());
                System.out.println(process.tail(40));
                return false;
            }
            console.line("%-11s %-28s %s  ready %s after launch", process.role(), DemoNetwork.ORGANISATIONS.get(process.role()),
                    network.url(process.role()), DemoConsole.seconds(Duration.ofNanos(System.nanoTime() - launched)));
        }
        console.done();

        console.step("Mutual TLS: each party calls the other two with its certificate");
        boolean allAuthenticated = true;
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            JsonNode peers = getJson(role, "/api/peers", "admin");
            for (JsonNode peer : peers) {
                boolean ok = peer.path("authenticated").asBoolean();
                allAuthenticated &= ok;
                console.line("%-28s -> %-28s %s", DemoNetwork.ORGANISATIONS.get(role), peer.path("organisation").asText(),
                        ok ? "authenticated both ways (seen as '" + peer.path("weAreSeenAs").asText() + "')"
                                : "FAILED: " + peer.path("problem").asText());
            }
        }
        console.done();
        if (!allAuthenticated) {
            return false;
        }

        DemoStudy study = DemoStudy.generate(researchData(), STUDY_SEED);
        StudyDataDemo data = new StudyDataDemo(network, http, console, study);
        if (!data.load()) {
            return false;
        }
        UUID projectId = data.defineProject();
        if (projectId == null) {
            return false;
        }
        UUID psiRunId = new PsiDemo(network, http, console).align(projectId);
        if (psiRunId == null) {
            return false;
        }
        UUID trainingRunId = new TrainingDemo(network, http, console).show(projectId, psiRunId, DemoStudy.trainingRequest());
        if (trainingRunId == null) {
            return false;
        }
        data.printCentralisedBaseline();
        data.printLabTopVariants(trainingRunId);
        if (!new InferenceDemo(network, http, console).show(projectId, trainingRunId, psiRunId, study)) {
            return false;
        }
        releasedModel = downloadModel(PartyRole.HOSPITAL, trainingRunId);
        if (!new GwasDemo(network, http, console).show(projectId, psiRunId)) {
            return false;
        }

        if (!new AuditTrailDemo(network, http, console).show(releasedModelFile())) {
            return false;
        }

        printWebApp();
        if (stay) {
            console.line("");
            console.line("The three services keep running with the finished study; press Ctrl-C to stop them.");
            // The shutdown hook stops the services when Ctrl-C ends this JVM.
            Thread.currentThread().join();
        }
        console.step("Stopping the party services");
        boolean clean = stopAll();
        console.line(clean ? "all three stopped cleanly" : "a service had to be killed");
        console.done();
        if (!stay) {
            console.line("Run ./genovfl demo --stay to keep them running and look around in a browser.");
        }
        return clean;
    }

    /** Each party's web app and its own demo accounts (local demo passwords, also in credentials.properties). */
    private void printWebApp() {
        console.step("The web app: each party serves its own at its HTTPS root, with its own accounts");
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            console.line("%-11s %-28s %s/", role, DemoNetwork.ORGANISATIONS.get(role), network.url(role));
            for (String account : DemoNetwork.ACCOUNTS) {
                console.line("    %-26s %s", DemoNetwork.username(role, account), network.password(role, account));
            }
        }
        console.line("accounts: <party>-admin imports data and aligns cohorts, <party>-coordinator defines projects and"
                + " trains (at the coordinator), <party>-regulator reads the audit trail; all in %s",
                network.directory().resolve("credentials.properties"));
        console.line("the parties' certificates come from the demo's own CA: the browser warns until you trust %s",
                writeCaCertificate());
        console.done();
    }

    /** The demo CA's certificate as PEM, for a browser's trust settings; written once beside the trust store. */
    private Path writeCaCertificate() {
        Path pem = network.trustStore().resolveSibling("demo-ca.crt");
        try {
            if (!Files.exists(pem)) {
                KeyStore trust = DemoCertificateAuthority.load(network.trustStore(), network.trustStorePassword().toCharArray());
                java.security.cert.Certificate ca = trust.getCertificate(trust.aliases().nextElement());
                String base64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .encodeToString(ca.getEncoded());
                Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
            }
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the demo CA certificate", e);
        }
        return pem;
    }

    private boolean awaitHealthy(PartyProcess process) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        URI health = network.url(process.role()).resolve("/actuator/health");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(health).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("UP")) {
                    return true;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(250);
        }
        return false;
    }

    private JsonNode getJson(PartyRole role, String path, String account) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(network.url(role).resolve(path))
                .header("Authorization", network.authorization(role, account))
                .GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(role + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    private synchronized boolean stopAll() {
        boolean clean = true;
        for (PartyProcess process : processes) {
            clean &= process.stop(Duration.ofSeconds(30));
        }
        processes.clear();
        return clean;
    }

    private static SSLContext trustingDemoCa(DemoNetwork network) {
        try {
            KeyStore trust = DemoCertificateAuthority.load(network.trustStore(), network.trustStorePassword().toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (Exception e) {
            throw new IllegalStateException("cannot trust the demo CA", e);
        }
    }

    /** The released model's file, once the demo trains and releases one (none yet: null). */
    private Path releasedModelFile() {
        return releasedModel;
    }

    /** The party's released coefficient file, saved where a regulator could be handed it. */
    private Path downloadModel(PartyRole role, UUID runId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(network.url(role).resolve("/api/training-runs/" + runId + "/model"))
                .header("Authorization", network.authorization(role, "admin"))
                .GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            return null;
        }
        Path file = network.directory().resolve("models/" + role.name().toLowerCase() + "-" + runId + ".coefficients");
        Files.createDirectories(file.getParent());
        Files.write(file, response.body());
        return file;
    }

    /** The real data sets fetched by data/fetch.sh (./genovfl passes their directory). */
    private static Path researchData() {
        String configured = System.getProperty("genovfl.data.dir");
        Path directory = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "genovfl", "data");
        if (!Files.isDirectory(directory.resolve("shapeit4-example"))) {
            throw new IllegalStateException("the demo's data is not in " + directory + ": run data/fetch.sh");
        }
        return directory;
    }

    private static Path ownJar() throws URISyntaxException {
        String jar = System.getProperty("genovfl.jar");
        if (jar != null) {
            return Path.of(jar);
        }
        return Path.of(StudyDemo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
