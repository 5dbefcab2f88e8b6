package org.genovfl.party.gwas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.gwas.GwasStore.StoredScan;
import org.genovfl.party.gwas.GwasWire.NullModelDelivered;
import org.genovfl.party.gwas.GwasWire.Preflight;
import org.genovfl.party.gwas.GwasWire.PreflightAccepted;
import org.genovfl.party.gwas.GwasWire.ReadyRequest;
import org.genovfl.party.gwas.GwasWire.Received;
import org.genovfl.party.gwas.GwasWire.ScanFinished;
import org.genovfl.party.gwas.GwasWire.ScanParameters;
import org.genovfl.party.gwas.GwasWire.ScanParties;
import org.genovfl.party.gwas.GwasWire.ScanSetup;
import org.genovfl.party.gwas.GwasWire.SetupAccepted;
import org.genovfl.party.peer.PartyClient;
import org.genovfl.party.peer.PeerCallException;
import org.genovfl.party.peer.PeerRefusals;
import org.genovfl.party.web.InvalidFieldException;
import org.genovfl.vfl.gwas.GwasCoordinator;
import org.genovfl.vfl.gwas.GwasMessages.BlockResult;
import org.genovfl.vfl.gwas.GwasMessages.GwasMessage;
import org.genovfl.vfl.gwas.GwasMessages.KeySetup;
import org.genovfl.vfl.gwas.GwasMessages.LabReady;
import org.genovfl.vfl.gwas.GwasMessages.ScanBlock;
import org.genovfl.vfl.gwas.GwasParticipant;
import org.genovfl.vfl.gwas.GwasResults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * The coordinator's side of a GWAS scan: it asks every data holder whether it can serve the
 * scan, then, on one thread per scan, sets the scan up, makes the run's keys (vfl-protocol's
 * {@link GwasCoordinator}: fresh keys, the secret key in memory only, erased when the scan
 * ends), hands the hospital its public key so that it sends its encrypted null model to the
 * labs directly, and asks each lab for its blocks in turn, decrypting each block's U and V
 * and releasing what the rules allow. Progress is stored after every block; the results,
 * the summary-statistics file and its hash when the scan is done.
 *
 * <p>A scan does not survive a restart of any party (the secret key is never stored): it
 * fails, and is started again.
 */
@Service
public class CoordinatorGwas implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorGwas.class);
    private static final int MAX_ANCESTRY_COMPONENTS = 20;

    private final GwasStore store;
    private final PartyProperties properties;
    private final PartyClient client;
    private final GwasPeerCalls calls;
    private final Map<UUID, String> livePhase = new java.util.concurrent.ConcurrentHashMap<>();
    private final ExecutorService scans = Executors.newCachedThreadPool(r -> new Thread(r, "gwas-scan"));

    CoordinatorGwas(GwasStore store, PartyProperties properties, PartyClient client, GwasPeerCalls calls) {
        this.store = store;
        this.calls = calls;
        this.properties = properties;
        this.client = client;
    }

    /**
     * Starts a scan of the aligned cohort of {@code psiRunId}, after every data holder said it
     * can serve it. Follow it with {@link #find}.
     *
     * @throws InvalidFieldException naming the field at fault: 400 a parameter out of range,
     *     404 unknown project or PSI run, 409 PSI run not usable or cohorts that differ, 422
     *     data that cannot serve the scan (a cohort below the minimum, no variant passing)
     */
    public GwasScanView start(UUID projectId, UUID psiRunId, ScanParameters parameters) {
        if (properties.role() != PartyRole.COORDINATOR) {
            throw new IllegalArgumentException("only a coordinator starts GWAS scans; this party is a "
                    + properties.role());
        }
        validate(parameters);
        if (!store.projectKnown(projectId)) {
            throw new InvalidFieldException(HttpStatus.NOT_FOUND, "/projectId",
                    "no project " + projectId + " is known to this coordinator");
        }
        List<String> hospitals = peersOf(PartyRole.HOSPITAL);
        List<String> labs = peersOf(PartyRole.LAB);
        if (hospitals.size() != 1 || labs.isEmpty()) {
            throw new IllegalArgumentException("a scan needs exactly one configured hospital and at least one lab; "
                    + "configured: " + hospitals.size() + " hospital(s), " + labs.size() + " lab(s)");
        }
        ScanParties parties = new ScanParties(hospitals.get(0), labs, properties.organisation());
        preflight(new Preflight(projectId, psiRunId, parameters), parties);
        UUID scanId = UUID.randomUUID();
        ScanSetup setup = new ScanSetup(scanId, projectId, psiRunId, parameters, parties);
        store.create(setup, PartyRole.COORDINATOR);
        log.info("GWAS scan {} started for project {} (PSI run {}): {} and {} lab(s), {} ancestry components, "
                + "release rules: cohort >= {}, minor allele count >= {}", scanId, projectId, psiRunId,
                parties.hospital(), labs.size(), parameters.ancestryComponents(), parameters.minCohortSize(),
                parameters.minMinorAlleleCount());
        livePhase.put(scanId, "setup");
        scans.submit(() -> drive(setup));
        return find(scanId).orElseThrow();
    }

    private static void validate(ScanParameters p) {
        List<InvalidFieldException.FieldError> errors = new ArrayList<>();
        if (p.ancestryComponents() < 0 || p.ancestryComponents() > MAX_ANCESTRY_COMPONENTS) {
            errors.add(new InvalidFieldException.FieldError("/ancestryComponents",
                    "0 to " + MAX_ANCESTRY_COMPONENTS + " (default 0)"));
        }
        if (p.minCohortSize() < 1) {
            errors.add(new InvalidFieldException.FieldError("/minCohortSize", "at least 1 (default 50)"));
        }
        if (!(p.minMinorAlleleCount() >= 0) || Double.isInfinite(p.minMinorAlleleCount())) {
            errors.add(new InvalidFieldException.FieldError("/minMinorAlleleCount", "a count of at least 0 (default 5)"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(HttpStatus.BAD_REQUEST, errors);
        }
    }

    /** Every data holder checks the request; their cohorts must agree and meet the minimum size. */
    private void preflight(Preflight request, ScanParties parties) {
        Integer cohortSize = null;
        String commitment = null;
        List<String> holders = new ArrayList<>();
        holders.add(parties.hospital());
        holders.addAll(parties.labs());
        for (String holder : holders) {
            PreflightAccepted accepted;
            try {
                accepted = client.post(properties.peer(holder).orElseThrow(), "/peer/gwas/preflight", request,
                        PreflightAccepted.class);
            } catch (PeerCallException e) {
                throw PeerRefusals.asRequestProblem(holder, e, "/psiRunId");
            }
            if (cohortSize != null && (cohortSize != accepted.cohortSize()
                    || !Objects.equals(commitment, accepted.cohortCommitment()))) {
                throw new InvalidFieldException(HttpStatus.CONFLICT, "/psiRunId", "the parties hold different "
                        + "aligned cohorts for this PSI run (sizes or commitments differ)");
            }
            cohortSize = accepted.cohortSize();
            commitment = accepted.cohortCommitment();
        }
        if (cohortSize < request.parameters().minCohortSize()) {
            throw new InvalidFieldException(HttpStatus.UNPROCESSABLE_ENTITY, "/minCohortSize", "the aligned cohort has "
                    + cohortSize + " patients, below the minimum of " + request.parameters().minCohortSize());
        }
    }

    /** The scan with its live phase and stored progress; results once released. */
    public Optional<GwasScanView> find(UUID scanId) {
        return store.find(scanId).filter(scan -> scan.role() == PartyRole.COORDINATOR)
                .map(scan -> GwasScanView.of(scan, "COMPLETED".equals(scan.status()) ? store.results(scanId) : List.of(),
                        livePhase.get(scanId)));
    }

    /** The released summary-statistics file, as its GWAS_RESULTS_RELEASED event hashed it. */
    public Optional<byte[]> summaryFile(UUID scanId) {
        return store.summaryFile(scanId);
    }

    // ---- the scan ------------------------------------------------------------------------------

    private void drive(ScanSetup setup) {
        UUID scanId = setup.scanId();
        List<String> holders = new ArrayList<>();
        holders.add(setup.parties().hospital());
        holders.addAll(setup.parties().labs());
        try (GwasCoordinator coordinator = new GwasCoordinator(DataHolderGwas.runId(setup.projectId(), scanId),
                setup.parameters().releaseRules())) {
            SetupAccepted fromHospital = setUp(setup, holders);
            StoredScan scan = store.find(scanId).orElseThrow();
            phase(scanId, "keys");
            List<GwasMessage> keys = DataHolderGwas.protocol(scanId, () -> coordinator.receive(fromHospital.summary()));
            KeySetup hospitalKeys = null;
            for (GwasMessage message : keys) {
                KeySetup key = (KeySetup) message;
                if (setup.parties().labs().contains(key.to())) {
                    call(scanId, key.to(), "keys", key, Received.class);
                } else {
                    hospitalKeys = key;
                }
            }
            store.started(scan, fromHospital.cohortSize(), fromHospital.cohortCommitment(),
                    Map.of("publicKey", GwasStore.sha256(Objects.requireNonNull(hospitalKeys).publicKey())),
                    Map.of("patients", Integer.toString(fromHospital.summary().patients()),
                            "covariates", Integer.toString(fromHospital.summary().covariates()),
                            "labs", Integer.toString(setup.parties().labs().size()), "trait",
                            fromHospital.summary().trait().name()));
            phase(scanId, "null model");
            NullModelDelivered delivered = call(scanId, setup.parties().hospital(), "keys", hospitalKeys,
                    NullModelDelivered.class);
            if (!delivered.digests().keySet().containsAll(setup.parties().labs())) {
                throw new GwasScanException(scanId, GwasScanException.Reason.PEER_FAILURE,
                        "the hospital did not deliver the null model to every lab");
            }
            Map<String, List<GwasMessage>> next = new LinkedHashMap<>();
            int total = 0;
            for (String lab : setup.parties().labs()) {
                LabReady ready = call(scanId, lab, "ready", new ReadyRequest(scanId), LabReady.class);
                total += ready.variants();
                next.put(lab, DataHolderGwas.protocol(scanId, () -> coordinator.receive(ready)));
            }
            store.variantsTotal(scanId, total);
            phase(scanId, "scanning");
            for (Map.Entry<String, List<GwasMessage>> lab : next.entrySet()) {
                scanLab(scan, coordinator, lab.getKey(), lab.getValue());
            }
            if (coordinator.phase() != GwasParticipant.Phase.DONE) {
                throw new GwasScanException(scanId, GwasScanException.Reason.PEER_FAILURE,
                        "the labs stopped before the scan was done");
            }
            phase(scanId, "releasing");
            release(store.find(scanId).orElseThrow(), coordinator.results(), holders);
        } catch (RuntimeException e) {
            String error = e instanceof GwasScanException ? e.getMessage() : "the scan failed: " + e.getMessage();
            log.error("GWAS scan {} failed: {}", scanId, error, e);
            store.fail(scanId, error);
            for (String holder : holders) {
                try {
                    call(scanId, holder, "finish", new ScanFinished("FAILED", null, error), Received.class);
                } catch (RuntimeException ignored) {
                    log.warn("GWAS scan {}: could not tell {} that the scan failed", scanId, holder);
                }
            }
        } finally {
            livePhase.remove(scanId);
        }
    }

    /** Every data holder accepts the setup; their cohorts must agree. Returns the hospital's answer. */
    private SetupAccepted setUp(ScanSetup setup, List<String> holders) {
        SetupAccepted hospital = null;
        for (String holder : holders) {
            SetupAccepted accepted = call(setup.scanId(), holder, "setup", setup, SetupAccepted.class);
            if (hospital == null) {
                if (accepted.summary() == null) {
                    throw new GwasScanException(setup.scanId(), GwasScanException.Reason.PEER_FAILURE,
                            "the hospital sent no null model summary");
                }
                hospital = accepted;
            } else if (hospital.cohortSize() != accepted.cohortSize()
                    || !Objects.equals(hospital.cohortCommitment(), accepted.cohortCommitment())) {
                throw new GwasScanException(setup.scanId(), GwasScanException.Reason.BAD_DATA,
                        "the parties hold different aligned cohorts: their PSI commitments or sizes differ");
            }
        }
        return hospital;
    }

    /** Flower's loop for one lab: configure a block, the lab computes it, aggregate (decrypt, release), decide. */
    private void scanLab(StoredScan scan, GwasCoordinator coordinator, String lab, List<GwasMessage> first) {
        UUID scanId = scan.scanId();
        List<GwasMessage> pending = first;
        while (!pending.isEmpty()) {
            ScanBlock request = (ScanBlock) pending.get(0);
            BlockResult result = call(scanId, lab, "blocks", request, BlockResult.class);
            if (!result.block().equals(request.block())) {
                throw new GwasScanException(scanId, GwasScanException.Reason.PEER_FAILURE,
                        lab + " answered another block than block " + request.block().block());
            }
            pending = DataHolderGwas.protocol(scanId, () -> coordinator.receive(result));
            store.blockDone(scan, lab, request.block().block(), result.variants().size(), GwasDigests.block(result));
            log.info("GWAS scan {}: block {} of {} released ({} variants)", scanId, request.block().block(), lab,
                    result.variants().size());
        }
    }

    private void release(StoredScan scan, GwasResults results, List<String> holders) {
        byte[] file;
        try {
            Path temporary = Files.createTempFile("gwas-" + scan.scanId(), ".glm");
            try {
                results.writeSummaryStatistics(temporary);
                file = Files.readAllBytes(temporary);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the summary statistics", e);
        }
        String sha = store.release(scan, results, file);
        log.info("GWAS scan {} completed: {} of {} variants released, lambda_GC {}; secret key erased", scan.scanId(),
                results.released().size(), results.variants().size(),
                String.format(java.util.Locale.ROOT, "%.4f", results.lambdaGc()));
        for (String holder : holders) {
            call(scan.scanId(), holder, "finish", new ScanFinished("COMPLETED", sha, null), Received.class);
        }
    }

    private void phase(UUID scanId, String phase) {
        livePhase.put(scanId, phase);
        store.phase(scanId, phase);
    }

    private <T> T call(UUID scanId, String organisation, String step, Object body, Class<T> answer) {
        return calls.call(scanId, organisation, step, body, answer);
    }

    private List<String> peersOf(PartyRole role) {
        return properties.peers().stream().filter(p -> p.role() == role).map(PartyProperties.Peer::organisation).toList();
    }

    @Override
    public void destroy() {
        scans.shutdownNow();
    }
}
