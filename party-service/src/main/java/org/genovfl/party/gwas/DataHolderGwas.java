package org.genovfl.party.gwas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.gwas.GwasStore.StoredScan;
import org.genovfl.party.gwas.GwasWire.NullModelDelivered;
import org.genovfl.party.gwas.GwasWire.Preflight;
import org.genovfl.party.gwas.GwasWire.PreflightAccepted;
import org.genovfl.party.gwas.GwasWire.Received;
import org.genovfl.party.gwas.GwasWire.ScanFinished;
import org.genovfl.party.gwas.GwasWire.ScanParameters;
import org.genovfl.party.gwas.GwasWire.ScanParties;
import org.genovfl.party.gwas.GwasWire.ScanSetup;
import org.genovfl.party.gwas.GwasWire.SetupAccepted;
import org.genovfl.party.project.ProjectColumns;
import org.genovfl.party.project.ProjectSpec;
import org.genovfl.party.psi.PsiRunView;
import org.genovfl.party.psi.PsiService;
import org.genovfl.party.training.TrainingDataSource;
import org.genovfl.party.training.TrainingDataSource.TrainingData;
import org.genovfl.party.web.InvalidFieldException;
import org.genovfl.vfl.gwas.GwasException;
import org.genovfl.vfl.gwas.GwasHospital;
import org.genovfl.vfl.gwas.GwasLab;
import org.genovfl.vfl.gwas.GwasMessages.BlockResult;
import org.genovfl.vfl.gwas.GwasMessages.EncryptedNullModel;
import org.genovfl.vfl.gwas.GwasMessages.GwasMessage;
import org.genovfl.vfl.gwas.GwasMessages.KeySetup;
import org.genovfl.vfl.gwas.GwasMessages.LabReady;
import org.genovfl.vfl.gwas.GwasMessages.NullModelSummary;
import org.genovfl.vfl.gwas.GwasMessages.RunId;
import org.genovfl.vfl.gwas.GwasMessages.ScanBlock;
import org.genovfl.vfl.gwas.GwasParticipant;
import org.genovfl.vfl.gwas.LabGenotypes;
import org.genovfl.vfl.gwas.NullModel;
import org.genovfl.vfl.gwas.Trait;
import org.genovfl.vfl.gwas.Variant;
import org.genovfl.vfl.gwas.VariantFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;

/**
 * The hospital's and the labs' side of a GWAS scan, driven by the coordinator's calls (and,
 * at a lab, the hospital's delivery of the encrypted null model). The protocol is
 * vfl-protocol's {@link GwasHospital} and {@link GwasLab}; this class reads the party's data
 * through the project's column reader ({@link TrainingDataSource}, {@link ProjectColumns}),
 * checks that every message comes from the party the protocol expects <em>before</em> its
 * body is read, moves the messages over mutual TLS and audits each step. The hospital sends
 * the encrypted null model to each lab itself: it never passes through the coordinator, which
 * holds the secret key. Logs name scans, labs and blocks only.
 *
 * <p>The outcome is the project's label (binary trait); the covariates are the hospital's
 * clinical columns of the project, a missing value replaced by the column's mean over the
 * cohort. A lab scans its genomic columns of the project that pass the project's quality
 * filters and the release rule's minimum minor allele count on the aligned cohort.
 */
@Service
public class DataHolderGwas implements DisposableBean {

    static final String PEER_BASE = "/peer/gwas/scans/";
    /** The lab's key setup (Galois keys) and the encrypted null model are tens of megabytes of base64. */
    private static final int MAX_MESSAGE_CHARS = 512 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(DataHolderGwas.class);

    private final GwasStore store;
    private final TrainingDataSource dataSource;
    private final ProjectColumns columns;
    private final PsiService psi;
    private final PartyProperties properties;
    private final GwasPeerCalls calls;
    private final ObjectMapper messages;
    private final Map<UUID, Session> sessions = new ConcurrentHashMap<>();

    DataHolderGwas(GwasStore store, TrainingDataSource dataSource, ProjectColumns columns, PsiService psi,
            PartyProperties properties, GwasPeerCalls calls, ObjectMapper json) {
        this.store = store;
        this.dataSource = dataSource;
        this.columns = columns;
        this.psi = psi;
        this.properties = properties;
        this.calls = calls;
        this.messages = json.copy();
        this.messages.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxStringLength(MAX_MESSAGE_CHARS).build());
    }

    /** A scan held in memory while it runs: the party's role object and what it must answer again if asked. */
    private static final class Session implements AutoCloseable {
        final UUID scanId;
        final GwasParticipant role;
        final int cohortSize;
        final String cohortCommitment;
        final NullModelSummary summary;
        NullModelDelivered delivered;
        LabReady ready;
        BlockResult lastBlock;

        Session(UUID scanId, GwasParticipant role, int cohortSize, String cohortCommitment, NullModelSummary summary) {
            this.scanId = scanId;
            this.role = role;
            this.cohortSize = cohortSize;
            this.cohortCommitment = cohortCommitment;
            this.summary = summary;
        }

        @Override
        public void close() {
            role.close();
        }
    }

    /** This party's data for a scan: the hospital's null model, or a lab's prepared genotypes. */
    private record ScanData(int cohortSize, String cohortCommitment, NullModel model, LabGenotypes.Prepared genotypes,
            int filteredOut) {
    }

    // ---- preflight and setup (coordinator) ---------------------------------------------------

    /**
     * Checks, before the coordinator answers the people's request, that this party can serve
     * the scan: project registered here, the PSI run known, of the project and COMPLETED, its
     * data usable (the hospital's null model fits; a lab has variants that pass its filters).
     * Stores nothing.
     *
     * @throws InvalidFieldException 404 unknown project or PSI run, 409 PSI run of another
     *     project or not completed, 422 data that cannot serve the scan
     */
    PreflightAccepted preflight(String caller, Preflight request) {
        if (roleOf(caller) != PartyRole.COORDINATOR) {
            throw new AccessDeniedException("only a coordinator asks whether a GWAS scan can start");
        }
        ScanData data = load(request.projectId(), request.psiRunId(), request.parameters(), true);
        return new PreflightAccepted(data.cohortSize(), data.cohortCommitment());
    }

    /** Records the scan, reads this party's data and builds its role; the hospital answers its null model's summary. */
    SetupAccepted setup(String caller, UUID scanId, byte[] body) {
        if (roleOf(caller) != PartyRole.COORDINATOR) {
            throw refused(scanId, caller, "only a coordinator sets up a GWAS scan");
        }
        ScanSetup setup = read(scanId, body, ScanSetup.class);
        if (!scanId.equals(setup.scanId()) || setup.parties() == null || setup.parameters() == null
                || setup.projectId() == null || setup.psiRunId() == null) {
            throw new GwasScanException(scanId, GwasScanException.Reason.BAD_DATA, "incomplete setup");
        }
        if (!caller.equals(setup.parties().coordinator())) {
            throw refused(scanId, caller, "only the scan's coordinator may set it up");
        }
        PartyRole own = properties.role();
        boolean named = own == PartyRole.HOSPITAL ? properties.organisation().equals(setup.parties().hospital())
                : own == PartyRole.LAB && setup.parties().labs().contains(properties.organisation());
        if (!named) {
            throw new GwasScanException(scanId, GwasScanException.Reason.BAD_DATA,
                    "this party (" + own + ") is not a data holder named in the setup");
        }
        synchronized (this) {
            Session existing = sessions.get(scanId);
            if (existing != null) {
                return new SetupAccepted(existing.cohortSize, existing.cohortCommitment, existing.summary);
            }
            boolean created = store.create(setup, own);
            if (!created) {
                throw new GwasScanException(scanId, GwasScanException.Reason.OUT_OF_ORDER,
                        "this scan was set up here before and is no longer held (scans do not resume after a restart)");
            }
            ScanData data;
            try {
                data = load(setup.projectId(), setup.psiRunId(), setup.parameters(), false);
            } catch (RuntimeException e) {
                store.fail(scanId, "cannot read this party's data: " + e.getMessage());
                throw e;
            }
            RunId run = runId(setup.projectId(), scanId);
            Session session;
            if (own == PartyRole.HOSPITAL) {
                GwasHospital hospital = new GwasHospital(run, data.model(), setup.parties().labs());
                NullModelSummary summary = (NullModelSummary) hospital.start().get(0);
                session = new Session(scanId, hospital, data.cohortSize(), data.cohortCommitment(), summary);
                log.info("GWAS scan {} set up for project {}: null model fitted on {} aligned rows, {} covariates "
                        + "(intercept included), {} lab(s)", scanId, setup.projectId(), data.cohortSize(),
                        data.model().covariateCount(), setup.parties().labs().size());
            } else {
                GwasLab lab = new GwasLab(properties.organisation(), run, data.genotypes(), data.filteredOut());
                session = new Session(scanId, lab, data.cohortSize(), data.cohortCommitment(), null);
                store.variantsTotal(scanId, data.genotypes().size());
                log.info("GWAS scan {} set up for project {}: {} variants to scan on {} aligned rows, {} removed by "
                        + "the filters, {} ancestry components projected out", scanId, setup.projectId(),
                        data.genotypes().size(), data.cohortSize(), data.filteredOut(),
                        data.genotypes().components().length);
            }
            sessions.put(scanId, session);
            return new SetupAccepted(session.cohortSize, session.cohortCommitment, session.summary);
        }
    }

    // ---- keys and the encrypted null model -------------------------------------------------------

    /** Hospital: the public key from the coordinator; encrypts the null model once and delivers it to every lab. */
    NullModelDelivered hospitalKeys(String caller, UUID scanId, byte[] body) {
        StoredScan scan = scanFrom(scanId, caller, PartyRole.HOSPITAL, ScanParties::coordinator, "send keys");
        Session session = session(scanId);
        KeySetup keys = read(scanId, body, KeySetup.class);
        synchronized (session) {
            if (session.delivered != null) {
                return session.delivered;
            }
            List<GwasMessage> models = protocol(scanId, () -> session.role.receive(keys));
            Map<String, String> digests = new TreeMap<>();
            for (GwasMessage message : models) {
                EncryptedNullModel model = (EncryptedNullModel) message;
                String digest = GwasDigests.nullModel(model);
                Received received = calls.call(scanId, model.to(), "null-model", model, Received.class);
                if (!digest.equals(received.digest())) {
                    throw new GwasScanException(scanId, GwasScanException.Reason.PEER_FAILURE,
                            model.to() + " confirmed another null model than this hospital sent");
                }
                digests.put(model.to(), digest);
            }
            Map<String, String> hashes = new TreeMap<>();
            int k = 0;
            for (String digest : digests.values()) {
                hashes.put("nullModel." + k++, digest);
            }
            hashes.put("publicKey", GwasStore.sha256(keys.publicKey()));
            store.started(scan, session.cohortSize, session.cohortCommitment, hashes,
                    Map.of("covariates", Integer.toString(session.summary.covariates()),
                            "labs", Integer.toString(digests.size())));
            store.phase(scanId, "null model sent");
            session.delivered = new NullModelDelivered(digests);
            log.info("GWAS scan {}: encrypted null model delivered to {} lab(s)", scanId, digests.size());
            return session.delivered;
        }
    }

    /** Lab: the relinearization and fold keys from the coordinator. */
    Received labKeys(String caller, UUID scanId, byte[] body) {
        scanFrom(scanId, caller, PartyRole.LAB, ScanParties::coordinator, "send keys");
        Session session = session(scanId);
        KeySetup keys = read(scanId, body, KeySetup.class);
        synchronized (session) {
            protocol(scanId, () -> session.role.receive(keys));
            return new Received(GwasStore.sha256(keys.publicKey()));
        }
    }

    /** Lab: the hospital's encrypted null model; forms its {@code LabReady} for the coordinator. */
    Received nullModel(String caller, UUID scanId, byte[] body) {
        StoredScan scan = scanFrom(scanId, caller, PartyRole.LAB, ScanParties::hospital, "send the null model");
        Session session = session(scanId);
        EncryptedNullModel model = read(scanId, body, EncryptedNullModel.class);
        String digest = GwasDigests.nullModel(model);
        synchronized (session) {
            if (session.ready == null) {
                session.ready = (LabReady) protocol(scanId, () -> session.role.receive(model)).get(0);
                store.started(scan, session.cohortSize, session.cohortCommitment, Map.of("nullModel", digest),
                        Map.of("variants", Integer.toString(session.ready.variants()),
                                "filteredOut", Integer.toString(session.ready.filteredOut())));
                store.phase(scanId, "scanning");
                log.info("GWAS scan {}: encrypted null model received; {} variants to scan", scanId,
                        session.ready.variants());
            }
            return new Received(digest);
        }
    }

    /** Lab: its {@code LabReady}, for the coordinator. */
    LabReady ready(String caller, UUID scanId) {
        scanFrom(scanId, caller, PartyRole.LAB, ScanParties::coordinator, "ask whether it is ready");
        Session session = session(scanId);
        synchronized (session) {
            if (session.ready == null) {
                throw new GwasScanException(scanId, GwasScanException.Reason.OUT_OF_ORDER,
                        "this lab has not received the encrypted null model");
            }
            return session.ready;
        }
    }

    /** Lab: one block's encrypted U and V. A repeated request for the last block gets the same answer. */
    BlockResult block(String caller, UUID scanId, byte[] body) {
        StoredScan scan = scanFrom(scanId, caller, PartyRole.LAB, ScanParties::coordinator, "ask for a block");
        Session session = session(scanId);
        ScanBlock request = read(scanId, body, ScanBlock.class);
        synchronized (session) {
            if (session.lastBlock != null && session.lastBlock.block().equals(request.block())) {
                return session.lastBlock;
            }
            BlockResult result = (BlockResult) protocol(scanId, () -> session.role.receive(request)).get(0);
            store.blockDone(scan, properties.organisation(), result.block().block(), result.variants().size(),
                    GwasDigests.block(result));
            session.lastBlock = result;
            log.info("GWAS scan {}: block {} computed ({} variants)", scanId, result.block().block(),
                    result.variants().size());
            return result;
        }
    }

    /** Hospital or lab: how the scan ended; the role object is released. */
    Received finish(String caller, UUID scanId, ScanFinished finished) {
        StoredScan scan = scanFrom(scanId, caller, properties.role(), ScanParties::coordinator, "end the scan");
        store.finished(scanId, "COMPLETED".equals(finished.status()) ? "COMPLETED" : "FAILED",
                finished.summarySha256(), finished.error());
        Session session = sessions.remove(scanId);
        if (session != null) {
            synchronized (session) {
                session.close();
            }
        }
        log.info("GWAS scan {} ended here: {}", scan.scanId(), finished.status());
        return new Received(finished.summarySha256());
    }

    /** This party's own view of a scan: status and progress, never a result. */
    public Optional<GwasScanView> find(UUID scanId) {
        return store.find(scanId).filter(scan -> scan.role() != PartyRole.COORDINATOR)
                .map(scan -> GwasScanView.of(scan, List.of(), null));
    }

    // ---- data --------------------------------------------------------------------------------

    private ScanData load(UUID projectId, UUID psiRunId, ScanParameters parameters, boolean preflight) {
        List<ProjectColumns.Column> own = columns.ownColumns(projectId);
        PsiRunView run = psi.find(psiRunId).orElseThrow(() -> new InvalidFieldException(HttpStatus.NOT_FOUND,
                "/psiRunId", "no PSI run " + psiRunId + " is known at " + properties.organisation()));
        if (!projectId.equals(run.projectId()) || !"COMPLETED".equals(run.status())) {
            throw new InvalidFieldException(HttpStatus.CONFLICT, "/psiRunId", "PSI run " + psiRunId + " is "
                    + (projectId.equals(run.projectId()) ? run.status() : "of another project") + " at "
                    + properties.organisation() + ", not a COMPLETED run of the project");
        }
        boolean hospital = properties.role() == PartyRole.HOSPITAL;
        TrainingData data;
        try {
            data = dataSource.load(projectId, psiRunId, hospital);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(HttpStatus.UNPROCESSABLE_ENTITY, "/projectId",
                    properties.organisation() + " cannot read its columns: " + e.getMessage());
        }
        if (hospital) {
            NullModel model;
            try {
                model = NullModel.fit(Trait.BINARY, data.labels(), meanImputed(data.features()));
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new InvalidFieldException(HttpStatus.UNPROCESSABLE_ENTITY, "/projectId",
                        "the null model cannot be fitted at " + properties.organisation() + ": " + e.getMessage());
            }
            return new ScanData(data.rows(), run.cohortCommitment(), model, null, 0);
        }
        List<Variant> variants = new ArrayList<>();
        for (ProjectColumns.Column column : own) {
            variants.add(new Variant(or(column.chromosome(), "."), column.position() == null ? 0 : column.position(),
                    column.code(), or(column.ref(), "."), or(column.alt(), ".")));
        }
        double[][] features = data.features();
        int width = features.length == 0 ? 0 : features[0].length;
        if (width != variants.size()) {
            throw new InvalidFieldException(HttpStatus.UNPROCESSABLE_ENTITY, "/projectId", properties.organisation()
                    + " reads " + width + " columns for " + variants.size() + " registered variants");
        }
        double[][] dosages = new double[width][features.length];
        for (int r = 0; r < features.length; r++) {
            for (int j = 0; j < width; j++) {
                dosages[j][r] = features[r][j];
            }
        }
        ProjectSpec.QualityFilters q = columns.qualityFilters(projectId);
        VariantFilter filter = VariantFilter.quality(q.minMinorAlleleFrequency(), q.minCallRate(), q.minHardyWeinbergP())
                .and(parameters.releaseRules().labFilter());
        LabGenotypes.Prepared prepared;
        try {
            prepared = new LabGenotypes(variants, dosages).prepare(filter, parameters.ancestryComponents());
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(HttpStatus.UNPROCESSABLE_ENTITY, "/ancestryComponents",
                    properties.organisation() + ": " + e.getMessage());
        }
        if (preflight && prepared.size() == 0) {
            throw new InvalidFieldException(HttpStatus.UNPROCESSABLE_ENTITY, "/minMinorAlleleCount",
                    "no variant of " + properties.organisation() + " passes the project's quality filters and the "
                            + "minimum minor allele count on this cohort");
        }
        return new ScanData(data.rows(), run.cohortCommitment(), null, prepared, variants.size() - prepared.size());
    }

    /** The hospital's covariates with a missing value replaced by its column's mean over the cohort. */
    static double[][] meanImputed(double[][] features) {
        int n = features.length;
        int width = n == 0 ? 0 : features[0].length;
        double[][] out = new double[n][width];
        for (int j = 0; j < width; j++) {
            double sum = 0;
            int count = 0;
            for (double[] row : features) {
                if (!Double.isNaN(row[j])) {
                    sum += row[j];
                    count++;
                }
            }
            double mean = count == 0 ? 0 : sum / count;
            for (int i = 0; i < n; i++) {
                out[i][j] = Double.isNaN(features[i][j]) ? mean : features[i][j];
            }
        }
        return out;
    }

    // ---- helpers -------------------------------------------------------------------------------

    static RunId runId(UUID projectId, UUID scanId) {
        return new RunId(projectId.toString(), scanId.toString());
    }

    /**
     * The stored scan, after checking that the caller is the party the protocol expects for
     * this message and that this party holds the role it is for; the sender is checked first,
     * so a stranger learns nothing of the scan.
     */
    private StoredScan scanFrom(UUID scanId, String caller, PartyRole role, Function<ScanParties, String> expected,
            String what) {
        StoredScan scan = store.find(scanId).orElseThrow(() -> new GwasScanException(scanId,
                GwasScanException.Reason.UNKNOWN_RUN, "no such scan at this party"));
        String allowed = expected.apply(scan.parties());
        if (!caller.equals(allowed)) {
            throw refused(scanId, caller, "only " + allowed + " may " + what + " in this scan");
        }
        if (scan.role() != role) {
            throw new GwasScanException(scanId, GwasScanException.Reason.OUT_OF_ORDER, "this message is for the "
                    + role.name().toLowerCase() + ", and this party is a " + scan.role().name().toLowerCase());
        }
        return scan;
    }

    private Session session(UUID scanId) {
        Session session = sessions.get(scanId);
        if (session == null) {
            throw new GwasScanException(scanId, GwasScanException.Reason.OUT_OF_ORDER,
                    "this party does not hold the scan (ended, or lost in a restart: scans do not resume)");
        }
        return session;
    }

    private <T> T read(UUID scanId, byte[] body, Class<T> type) {
        try {
            return messages.readValue(body, type);
        } catch (IOException e) {
            throw new GwasScanException(scanId, GwasScanException.Reason.BAD_DATA, "unreadable "
                    + type.getSimpleName() + ": "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
    }

    static <T> T protocol(UUID scanId, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (GwasException e) {
            throw new GwasScanException(scanId, e.stage() == GwasException.Stage.RELEASE_REFUSED
                    ? GwasScanException.Reason.BAD_DATA : GwasScanException.Reason.OUT_OF_ORDER, e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new GwasScanException(scanId, GwasScanException.Reason.BAD_DATA,
                    "refused a malformed message: " + e.getMessage(), e);
        }
    }

    private PartyRole roleOf(String organisation) {
        return properties.peer(organisation).map(PartyProperties.Peer::role).orElse(null);
    }

    private static GwasScanException refused(UUID scanId, String caller, String why) {
        log.warn("GWAS scan {}: refused a message from {}: {}", scanId, caller, why);
        return new GwasScanException(scanId, GwasScanException.Reason.WRONG_SENDER, why);
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }

    @Override
    public void destroy() {
        sessions.values().forEach(Session::close);
        sessions.clear();
    }
}
