package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.demo.DemoStudy;
import org.genovfl.party.demo.StudyDataDemo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web app in a real browser: Debian's chromium, headless, driven by Selenium through
 * the system chromedriver, against the three real party services (real PostgreSQL, SEAL,
 * embedded audit ledger) loaded with the demo's data through their own APIs.
 *
 * <p>The demo's TLS certificates come from a CA made for the test network; Chrome is told
 * to accept them ({@code --ignore-certificate-errors}, in this test only) rather than have
 * the CA installed in an NSS database for one run. Each page visited is saved as a PNG in
 * {@code target/ui-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebAppIT {

    private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Genomic features of the browser's project: few, so each encrypted epoch is quick. */
    private static final int GENOMIC_FEATURES = 8;
    private static final int EPOCHS = 4;

    @TempDir
    static Path directory;

    private ThreePartyNetwork parties;
    private DemoStudy study;
    private ChromeDriver browser;
    private UUID trainingRunId;
    /** Server time of each page (request start to response end), every visit: page → millis. */
    private final Map<String, List<Long>> renderMillis = new LinkedHashMap<>();

    @BeforeAll
    void start() throws Exception {
        parties = ThreePartyNetwork.start(directory);
        study = DemoStudy.generate(dataDirectory(), 42);
        loadDemoData();
        Files.createDirectories(SCREENSHOTS);
        browser = startChrome();
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null && trainingRunId != null) {
            revisitForTimings();
        }
        if (browser != null) {
            browser.quit();
        }
        if (parties != null) {
            parties.close();
        }
        StringBuilder report = new StringBuilder("page,visits,first_millis,min_millis,max_millis\n");
        renderMillis.forEach((page, millis) -> report.append(page).append(',').append(millis.size()).append(',')
                .append(millis.get(0)).append(',').append(millis.stream().mapToLong(Long::longValue).min().orElseThrow())
                .append(',').append(millis.stream().mapToLong(Long::longValue).max().orElseThrow()).append('\n'));
        Files.writeString(SCREENSHOTS.resolve("render-times.csv"), report.toString());
    }

    private static ChromeDriver startChrome() {
        // The system driver, named explicitly: Selenium Manager is never asked to download one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--ignore-certificate-errors", "--lang=en-GB");
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        // A click that submits a form may return before the next page is there: look for up to 5 s.
        driver.manage().timeouts().implicitlyWait(Duration.ofSeconds(5));
        return driver;
    }

    // ---- roles -------------------------------------------------------------------------------

    @Test
    @Order(1)
    void eachRoleSeesOnlyItsPagesAndAnotherRolesPageIsForbidden() throws Exception {
        signIn(PartyRole.COORDINATOR, "coordinator");
        assertThat(browser.getCurrentUrl()).endsWith("/ui/coordinator/projects");
        assertThat(navigation()).containsExactly("Projects", "New project", "Training", "Peers");
        screenshot("coordinator-projects-empty");
        open(PartyRole.COORDINATOR, "/ui/regulator/audit");
        assertThat(browser.findElement(By.id("forbidden")).getText()).contains("403");
        screenshot("forbidden");
        signOut();

        signIn(PartyRole.HOSPITAL, "admin");
        assertThat(browser.getCurrentUrl()).endsWith("/ui/admin/data");
        assertThat(navigation()).containsExactly("Data", "Cohort alignment", "Released models", "Peers");
        open(PartyRole.HOSPITAL, "/ui/coordinator/projects/new");
        assertThat(browser.findElements(By.id("forbidden"))).hasSize(1);
        open(PartyRole.HOSPITAL, "/ui/peers");
        assertThat(browser.findElements(By.cssSelector("#peers tbody tr"))).hasSize(2);
        assertThat(browser.findElement(By.id("peers")).getText()).contains("yes, both ways")
                .contains(DemoNetwork.ORGANISATIONS.get(PartyRole.LAB));
        screenshot("admin-peers");
        signOut();

        signIn(PartyRole.LAB, "regulator");
        assertThat(browser.getCurrentUrl()).contains("/ui/regulator/audit");
        assertThat(navigation()).containsExactly("Audit trail", "Verify a file", "Ledger integrity");
        open(PartyRole.LAB, "/ui/admin/data");
        assertThat(browser.findElements(By.id("forbidden"))).hasSize(1);
        signOut();
    }

    @Test
    @Order(2)
    void aWrongPasswordGetsAnErrorAndNoSession() throws Exception {
        open(PartyRole.HOSPITAL, "/login");
        browser.findElement(By.id("username")).sendKeys(DemoNetwork.username(PartyRole.HOSPITAL, "admin"));
        browser.findElement(By.id("password")).sendKeys("not-the-password");
        browser.findElement(By.id("sign-in")).click();
        assertThat(browser.findElement(By.id("login-error")).getText()).contains("Wrong user name or password");
        screenshot("login-error");
        open(PartyRole.HOSPITAL, "/ui/admin/data");
        assertThat(browser.getCurrentUrl()).as("no session: back to sign-in").contains("/login");
        assertThat(browser.findElements(By.id("counts"))).isEmpty();
    }

    @Test
    @Order(3)
    void theRestApiKeepsItsOwnSecurityAndPagesCarrySecurityHeaders() throws Exception {
        HttpClient http = parties.client(null);
        HttpResponse<String> me = parties.get(http, parties.url(PartyRole.HOSPITAL, "/api/me"), "admin");
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.headers().firstValue("Set-Cookie")).as("the API stays stateless").isEmpty();
        HttpResponse<String> anonymous = parties.get(http, parties.url(PartyRole.HOSPITAL, "/api/me"), null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        HttpResponse<String> login = parties.get(http, parties.url(PartyRole.HOSPITAL, "/login"), null);
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'self'").contains("script-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(login.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(login.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(login.body()).contains("name=\"_csrf\"");

        HttpResponse<String> page = parties.get(http, parties.url(PartyRole.HOSPITAL, "/ui/admin/data"), null);
        assertThat(page.statusCode()).as("a page without a session redirects to sign-in").isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));

        HttpRequest postWithoutToken = HttpRequest.newBuilder(parties.url(PartyRole.HOSPITAL, "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + DemoNetwork.username(PartyRole.HOSPITAL, "admin")
                        + "&password=" + parties.network.password(PartyRole.HOSPITAL, "admin"))).build();
        HttpResponse<String> refused = http.send(postWithoutToken, HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as("a form post without the CSRF token is refused").isIn(302, 403);
        assertThat(refused.headers().firstValue("Location").orElse("")).doesNotEndWith("/ui/admin/data");
    }

    // ---- coordinator -----------------------------------------------------------------------

    @Test
    @Order(10)
    void theCoordinatorDefinesAProjectRunsPsiAndTrainingAndWatchesTheAucCurveGrow() throws Exception {
        signIn(PartyRole.COORDINATOR, "coordinator");
        open(PartyRole.COORDINATOR, "/ui/coordinator/projects/new");
        screenshot("coordinator-project-form");
        // A first try with mistakes: each problem appears beside its field.
        browser.findElement(By.id("genomicFeatures")).sendKeys("rs6040355\nrsX12\n");
        browser.findElement(By.id("minCallRate")).clear();
        browser.findElement(By.id("minCallRate")).sendKeys("1.5");
        browser.findElement(By.id("create-project")).click();
        assertThat(browser.findElement(By.id("form-errors")).getText()).contains("not created");
        assertThat(browser.findElement(By.id("name-error")).getText()).contains("required");
        assertThat(browser.findElement(By.id("hospital-error")).getText()).contains("required");
        assertThat(browser.findElement(By.id("labs-error")).getText()).contains("at least one lab");
        assertThat(browser.findElement(By.id("labelCode-error")).getText()).contains("required");
        assertThat(browser.findElement(By.id("genomicFeatures-error")).getText()).contains("line 2: rs followed by digits");
        assertThat(browser.findElement(By.id("minCallRate-error")).getText()).contains("0..1");
        screenshot("coordinator-project-form-errors");

        browser.findElement(By.id("name")).sendKeys("Type 2 diabetes from the browser");
        new Select(browser.findElement(By.id("hospital"))).selectByVisibleText(DemoNetwork.ORGANISATIONS.get(PartyRole.HOSPITAL));
        browser.findElement(By.cssSelector("input[name=labs][value='" + DemoNetwork.ORGANISATIONS.get(PartyRole.LAB) + "']")).click();
        browser.findElement(By.id("labelCode")).sendKeys(DemoStudy.OUTCOME_SNOMED);
        browser.findElement(By.id("clinicalFeatures")).clear();
        browser.findElement(By.id("clinicalFeatures")).sendKeys(DemoStudy.AGE_LOINC + "\n" + DemoStudy.BMI_LOINC);
        browser.findElement(By.id("genomicFeatures")).clear();
        browser.findElement(By.id("genomicFeatures")).sendKeys(String.join("\n", study.rsIds.subList(0, GENOMIC_FEATURES)));
        browser.findElement(By.id("minCallRate")).clear();
        browser.findElement(By.id("minCallRate")).sendKeys("0.95");
        browser.findElement(By.id("create-project")).click();

        UUID projectId = UUID.fromString(browser.findElement(By.id("project-id")).getText());
        List<WebElement> reports = browser.findElements(By.cssSelector("#party-reports tbody tr"));
        assertThat(reports).hasSize(2);
        assertThat(reports.get(0).getText()).contains(DemoNetwork.ORGANISATIONS.get(PartyRole.HOSPITAL)).contains("HOSPITAL");
        assertThat(reports.get(1).getText()).contains(DemoNetwork.ORGANISATIONS.get(PartyRole.LAB))
                .contains("genomic columns: " + GENOMIC_FEATURES);
        screenshot("coordinator-project-created");
        open(PartyRole.COORDINATOR, "/ui/coordinator/projects");
        assertThat(browser.findElement(By.id("projects")).getText()).contains("Type 2 diabetes from the browser");
        screenshot("coordinator-projects");
        signOut();

        // The hospital's admin aligns the cohort with the lab (only a data holder holds identifiers).
        signIn(PartyRole.HOSPITAL, "admin");
        open(PartyRole.HOSPITAL, "/ui/admin/psi");
        new Select(browser.findElement(By.id("projectId"))).selectByValue(projectId.toString());
        new Select(browser.findElement(By.id("peer"))).selectByValue(DemoNetwork.ORGANISATIONS.get(PartyRole.LAB));
        browser.findElement(By.id("start-psi")).click();
        new WebDriverWait(browser, WAIT).until(d -> "true".equals(
                d.findElement(By.tagName("main")).getAttribute("data-finished")));
        assertThat(browser.findElement(By.id("psi-status")).getText()).isEqualTo("COMPLETED");
        assertThat(Integer.parseInt(browser.findElement(By.id("psi-shared")).getText())).isGreaterThan(300);
        String psiRunId = browser.findElement(By.id("psi-run-id")).getText();
        screenshot("admin-psi-run");
        open(PartyRole.HOSPITAL, "/ui/admin/psi");
        screenshot("admin-psi");
        signOut();

        signIn(PartyRole.COORDINATOR, "coordinator");
        open(PartyRole.COORDINATOR, "/ui/coordinator/training?projectId=" + projectId);
        browser.findElement(By.id("psiRunId")).sendKeys(psiRunId);
        setValue("maxEpochs", Integer.toString(EPOCHS));
        setValue("patience", Integer.toString(EPOCHS));
        setValue("l2", "0.1");
        setValue("learningRate", "0.3");
        screenshot("coordinator-training-form");
        browser.findElement(By.id("start-training")).click();
        new WebDriverWait(browser, WAIT).until(d -> d.getCurrentUrl().matches(".*/ui/coordinator/training/[0-9a-f-]{36}"));
        trainingRunId = UUID.fromString(browser.getCurrentUrl().replaceAll(".*/", ""));

        // The chart gains a point per epoch as the hospital reports each one.
        WebElement chart = browser.findElement(By.id("metrics-chart"));
        List<Integer> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!"true".equals(browser.findElement(By.tagName("main")).getAttribute("data-finished"))) {
            assertThat(System.nanoTime()).as("training finished in 5 minutes").isLessThan(deadline);
            String points = chart.getAttribute("data-points");
            int count = points == null ? 0 : Integer.parseInt(points);
            if (seen.isEmpty() || seen.get(seen.size() - 1) != count) {
                seen.add(count);
                if (count == 1) {
                    screenshot("coordinator-training-live");
                }
            }
            Thread.sleep(100);
        }
        int epochs = Integer.parseInt(chart.getAttribute("data-points"));
        if (seen.get(seen.size() - 1) != epochs) {
            seen.add(epochs);
        }
        assertThat(browser.findElement(By.id("run-status")).getText()).isEqualTo("COMPLETED");
        assertThat(epochs).isBetween(1, EPOCHS);
        assertThat(browser.findElements(By.cssSelector("#epochs tbody tr"))).hasSize(epochs);
        // Every count the chart showed on the way, one more point each time: no epoch skipped or repeated.
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)).isGreaterThan(seen.get(i - 1));
        }
        assertThat(seen).as("the chart updated while the run was going").hasSizeGreaterThan(2);
        assertThat(browser.findElements(By.cssSelector("#metrics-chart canvas"))).isNotEmpty();
        assertThat(browser.findElement(By.id("final")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("best-auc")).getText()).matches("0\\.\\d{4} \\[0\\.\\d{4}, (0|1)\\.\\d{4}]");
        // The released model on the test rows, measured once, with its calibration.
        assertThat(browser.findElement(By.id("test")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("test-auc")).getText()).matches("0\\.\\d{4} \\[0\\.\\d{4}, (0|1)\\.\\d{4}]");
        int bins = browser.findElements(By.cssSelector("#calibration tbody tr")).size();
        assertThat(bins).isBetween(2, 10);
        assertThat(browser.findElement(By.id("calibration-chart")).getAttribute("data-points"))
                .isEqualTo(Integer.toString(bins));
        assertThat(browser.findElements(By.cssSelector("#calibration-chart canvas"))).isNotEmpty();
        screenshot("coordinator-training-run");
        open(PartyRole.COORDINATOR, "/ui/coordinator/training/" + trainingRunId);
        open(PartyRole.COORDINATOR, "/ui/coordinator/training");
        assertThat(browser.findElement(By.id("training-runs")).getText()).contains(trainingRunId.toString());
        screenshot("coordinator-training-history");
        signOut();

        // The hospital's admin reads its own released slice of the model, by feature.
        signIn(PartyRole.HOSPITAL, "admin");
        open(PartyRole.HOSPITAL, "/ui/admin/models/" + trainingRunId);
        assertThat(browser.findElement(By.id("coefficients")).getText()).contains("LOINC " + DemoStudy.AGE_LOINC)
                .contains("intercept");
        assertThat(browser.findElement(By.id("download-model")).getAttribute("href")).endsWith("/file");
        screenshot("admin-model");
        signOut();
    }

    // ---- party admin -----------------------------------------------------------------------

    @Test
    @Order(20)
    void aLabAdminUploadsAVcfWithABadGenotypeAndSeesFileAndLineWithTheDatasetsUnchanged() throws Exception {
        Path bad = directory.resolve("bad-genotype.vcf");
        Files.writeString(bad, """
                ##fileformat=VCFv4.2
                ##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
                #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2
                20\t100\trs1\tA\tG\t.\tPASS\t.\tGT\t0/1\t1/1
                20\t200\trs2\tC\tG\t.\tPASS\t.\tGT\t0/1\t0/X
                """);
        signIn(PartyRole.LAB, "admin");
        List<String> before = datasetRows();
        assertThat(before).hasSize(2);
        screenshot("admin-data");
        new Select(browser.findElement(By.id("format"))).selectByValue("vcf");
        browser.findElement(By.id("file")).sendKeys(bad.toAbsolutePath().toString());
        browser.findElement(By.id("name")).sendKeys("spoilt");
        browser.findElement(By.id("upload")).click();
        new WebDriverWait(browser, WAIT).until(d -> d.getCurrentUrl().contains("/ui/admin/data/imports/"));
        assertThat(browser.findElement(By.id("import-outcome")).getText()).contains("Refused");
        assertThat(browser.findElement(By.cssSelector("#issues .issue-location")).getText()).isEqualTo("bad-genotype.vcf:5");
        assertThat(browser.findElement(By.cssSelector("#issues .issue-message")).getText()).contains("bad genotype '0/X'");
        screenshot("admin-import-refused");
        open(PartyRole.LAB, "/ui/admin/data");
        assertThat(datasetRows()).isEqualTo(before);
        signOut();
    }

    // ---- regulator -------------------------------------------------------------------------

    @Test
    @Order(30)
    void theRegulatorAcceptsTheReleasedModelAndRefusesAModifiedCopy() throws Exception {
        assertThat(trainingRunId).as("the coordinator's test trained a model").isNotNull();
        HttpResponse<byte[]> model = parties.client(null).send(HttpRequest.newBuilder(
                        parties.url(PartyRole.HOSPITAL, "/api/training-runs/" + trainingRunId + "/model"))
                .header("Authorization", parties.basic(PartyRole.HOSPITAL, "admin")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(model.statusCode()).isEqualTo(200);
        Path released = directory.resolve("hospital-model.coefficients");
        Files.write(released, model.body());
        byte[] changed = model.body().clone();
        changed[changed.length - 1] ^= 1;
        Path modified = directory.resolve("hospital-model-modified.coefficients");
        Files.write(modified, changed);

        signIn(PartyRole.HOSPITAL, "regulator");
        screenshot("regulator-audit");
        new Select(browser.findElement(By.id("type"))).selectByValue("MODEL_RELEASED");
        browser.findElement(By.id("apply-filter")).click();
        assertThat(browser.findElements(By.cssSelector("#events tbody tr"))).isNotEmpty();
        assertThat(browser.findElement(By.id("events")).getText()).contains("MODEL_RELEASED").doesNotContain("PSI_COMPLETED");
        screenshot("regulator-audit-filtered");
        browser.findElement(By.linkText("Detail")).click();
        assertThat(browser.findElement(By.id("hashes")).getText()).matches("(?s).*[0-9a-f]{64}.*");
        screenshot("regulator-event");

        // The hospital's outbox relays MODEL_RELEASED to its ledger in the background.
        long deadline = System.nanoTime() + WAIT.toNanos();
        do {
            verifyInBrowser(released);
        } while (browser.findElement(By.id("verdict")).getText().contains("refused") && System.nanoTime() < deadline);
        assertThat(browser.findElement(By.id("verdict")).getText()).contains("accepted");
        assertThat(browser.findElement(By.id("matching-events")).getText()).contains("MODEL_RELEASED");
        screenshot("regulator-verify-accepted");
        verifyInBrowser(modified);
        assertThat(browser.findElement(By.id("verdict")).getText()).contains("refused");
        assertThat(browser.findElements(By.id("matching-events"))).isEmpty();
        screenshot("regulator-verify-refused");

        open(PartyRole.HOSPITAL, "/ui/regulator/ledger");
        assertThat(browser.findElement(By.id("ledger-status")).getText()).contains("Intact");
        screenshot("regulator-ledger");
        signOut();
    }

    /** Each role's pages once more, now that templates are compiled: the render-times file's warm figures. */
    private void revisitForTimings() {
        signIn(PartyRole.COORDINATOR, "coordinator");
        for (String page : List.of("/ui/coordinator/projects", "/ui/coordinator/projects/new", "/ui/coordinator/training",
                "/ui/coordinator/training/" + trainingRunId, "/ui/peers")) {
            open(PartyRole.COORDINATOR, page);
        }
        signOut();
        signIn(PartyRole.HOSPITAL, "admin");
        for (String page : List.of("/ui/admin/data", "/ui/admin/psi", "/ui/admin/models", "/ui/admin/models/" + trainingRunId,
                "/ui/peers")) {
            open(PartyRole.HOSPITAL, page);
        }
        signOut();
        signIn(PartyRole.HOSPITAL, "regulator");
        for (String page : List.of("/ui/regulator/audit", "/ui/regulator/verify", "/ui/regulator/ledger")) {
            open(PartyRole.HOSPITAL, page);
        }
        signOut();
    }

    private void verifyInBrowser(Path file) {
        open(PartyRole.HOSPITAL, "/ui/regulator/verify");
        browser.findElement(By.id("file")).sendKeys(file.toAbsolutePath().toString());
        browser.findElement(By.id("verify")).click();
    }

    // ---- helpers -----------------------------------------------------------------------------

    private void signIn(PartyRole party, String account) {
        open(party, "/login");
        browser.findElement(By.id("username")).sendKeys(DemoNetwork.username(party, account));
        browser.findElement(By.id("password")).sendKeys(parties.network.password(party, account));
        browser.findElement(By.id("sign-in")).click();
        assertThat(browser.findElement(By.id("signed-in-as")).getText()).isEqualTo(DemoNetwork.username(party, account));
        renderMillis.computeIfAbsent(party + " sign-in, landing page", page -> new ArrayList<>()).add(serverMillis());
    }

    private void signOut() {
        browser.findElement(By.id("sign-out")).click();
        new WebDriverWait(browser, WAIT).until(d -> d.getCurrentUrl().contains("/login?signedOut"));
    }

    /** Opens a page and records how long the server took to answer it (navigation timing). */
    private void open(PartyRole party, String path) {
        browser.get(parties.url(party, path).toString());
        renderMillis.computeIfAbsent(party + " " + path.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "{id}"),
                page -> new ArrayList<>()).add(serverMillis());
    }

    /** Request start to response end of the page now shown (Navigation Timing), in ms. */
    private long serverMillis() {
        Object millis = browser.executeScript("var t = performance.getEntriesByType('navigation')[0];"
                + " return t ? Math.round(t.responseEnd - t.requestStart) : -1;");
        return ((Number) millis).longValue();
    }

    private List<String> navigation() {
        return browser.findElements(By.cssSelector("header nav a")).stream().map(WebElement::getText).toList();
    }

    private List<String> datasetRows() {
        return browser.findElements(By.cssSelector("#datasets tbody tr")).stream().map(WebElement::getText).toList();
    }

    private void setValue(String id, String value) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(value);
    }

    /** The whole page as a PNG: the window grows to the page's height for the shot, then shrinks back. */
    private void screenshot(String name) throws IOException {
        long height = ((Number) browser.executeScript("return document.documentElement.scrollHeight;")).longValue();
        Dimension before = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.min(Math.max(height + 140, 900), 4000)));
        try {
            Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.manage().window().setSize(before);
        }
    }

    // ---- the demo's data, through each party's own API -----------------------------------------

    private void loadDemoData() throws Exception {
        HttpClient http = parties.client(null);
        HttpResponse<String> clinical = http.send(HttpRequest.newBuilder(parties.url(PartyRole.HOSPITAL, "/api/ingest/fhir"))
                .header("Authorization", parties.basic(PartyRole.HOSPITAL, "admin")).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(study.hospitalBundle(FhirContext.forR4Cached()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(clinical.statusCode()).as(clinical.body()).isEqualTo(200);
        for (Path vcf : List.of(study.referenceVcf, study.unphasedVcf)) {
            HttpResponse<String> imported = http.send(multipart(parties.url(PartyRole.LAB,
                    "/api/ingest/vcf?name=" + vcf.getFileName()), vcf), HttpResponse.BodyHandlers.ofString());
            assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        }
    }

    private HttpRequest multipart(URI uri, Path file) throws IOException {
        return StudyDataDemo.fileUpload(HttpRequest.newBuilder(uri).header("Authorization", parties.basic(uri, "admin")), file)
                .build();
    }

    private static Path dataDirectory() {
        String configured = System.getProperty("genovfl.data.dir");
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".cache", "genovfl", "data");
    }
}
