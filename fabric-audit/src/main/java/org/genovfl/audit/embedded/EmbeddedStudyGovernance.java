package org.genovfl.audit.embedded;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.genovfl.audit.governance.GovernanceAction;
import org.genovfl.audit.governance.GovernanceActor;
import org.genovfl.audit.governance.GovernanceException;
import org.genovfl.audit.governance.GovernanceJson;
import org.genovfl.audit.governance.GovernanceRecord;
import org.genovfl.audit.governance.GovernanceRefusal;
import org.genovfl.audit.governance.GovernanceRefusedException;
import org.genovfl.audit.governance.GovernanceRequest;
import org.genovfl.audit.governance.StudyGovernance;
import org.genovfl.audit.governance.StudyGovernanceRules;
import org.genovfl.audit.governance.StudyState;
import org.genovfl.audit.governance.StudyStatus;
import org.genovfl.audit.governance.StudyTerms;

/**
 * Study governance on the embedded ledger: this party's copy of each study's lifecycle in
 * its own PostgreSQL (tables {@code study_governance}, {@code study_governance_record},
 * migration V8), under the same {@link StudyGovernanceRules} as the chaincode.
 *
 * <p>Who acts is established by signatures, as Fabric establishes it by MSP: this party's
 * own transactions are signed with its key ({@link LedgerSigner}, its mutual-TLS identity);
 * another organisation's arrive as {@link SignedGovernanceRequest}s and count only if they
 * verify against that organisation's certificate among the {@link GovernanceMember}s and the
 * request names that organisation as its actor. Every accepted request is stored with its
 * signature, so the copy can be re-checked ({@link #verify}) and forwarded
 * ({@link #signedHistory}) to a party that missed some.
 *
 * <pre>{@code
 * EmbeddedStudyGovernance governance = EmbeddedStudyGovernance.create(dataSource, signer, members, Clock.systemUTC());
 * governance.approve(projectId, hash, "validated features and cohort rules");  // signed by this party
 * SignedGovernanceRequest mine = governance.signedHistory(projectId).getLast(); // send to the other parties
 * governance.receive(theirs);                                                   // a request from another party
 * }</pre>
 *
 * <p>What it cannot give (Fabric does, see docs/protocols/governance.md): one order of
 * transactions for all copies, and a history that no single organisation can rewrite in its
 * own database.
 */
public final class EmbeddedStudyGovernance implements StudyGovernance {

    private final DataSource dataSource;
    private final LedgerSigner signer;
    private final GovernanceActor self;
    private final Map<String, GovernanceMember> membersByCertificate;
    private final Clock clock;

    private EmbeddedStudyGovernance(DataSource dataSource, LedgerSigner signer, GovernanceActor self,
            Map<String, GovernanceMember> membersByCertificate, Clock clock) {
        this.dataSource = dataSource;
        this.signer = signer;
        this.self = self;
        this.membersByCertificate = membersByCertificate;
        this.clock = clock;
    }

    /**
     * @param signer this party's key; its certificate must be one of {@code members}
     * @param members every organisation whose signed requests this party accepts, itself included
     * @throws IllegalArgumentException if the signer is not a member or a certificate is listed twice
     */
    public static EmbeddedStudyGovernance create(DataSource dataSource, LedgerSigner signer,
            Collection<GovernanceMember> members, Clock clock) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(clock, "clock");
        Map<String, GovernanceMember> byCertificate = new HashMap<>();
        for (GovernanceMember member : members) {
            if (byCertificate.put(member.certificateSha256(), member) != null) {
                throw new IllegalArgumentException("certificate of " + member.actor().organisation() + " listed twice");
            }
        }
        GovernanceMember own = byCertificate.get(signer.certificateSha256());
        if (own == null) {
            throw new IllegalArgumentException("the signer's certificate is not among the members");
        }
        return new EmbeddedStudyGovernance(dataSource, signer, own.actor(), Map.copyOf(byCertificate), clock);
    }

    @Override
    public StudyStatus propose(StudyTerms terms, String reason) {
        return act(() -> GovernanceRequest.propose(terms, self, reason, now()));
    }

    @Override
    public StudyStatus approve(UUID projectId, String specificationHash, String reason) {
        return act(() -> GovernanceRequest.approve(projectId, specificationHash, self, reason, now()));
    }

    @Override
    public StudyStatus suspend(UUID projectId, String reason) {
        return act(() -> GovernanceRequest.of(GovernanceAction.SUSPEND, projectId, self, reason, now()));
    }

    @Override
    public StudyStatus resume(UUID projectId, String reason) {
        return act(() -> GovernanceRequest.of(GovernanceAction.RESUME, projectId, self, reason, now()));
    }

    @Override
    public StudyStatus close(UUID projectId, String reason) {
        return act(() -> GovernanceRequest.of(GovernanceAction.CLOSE, projectId, self, reason, now()));
    }

    /**
     * Applies another organisation's signed request (or this party's own, forwarded back).
     * The same signed request twice is accepted once.
     *
     * @throws GovernanceRefusedException WRONG_IDENTITY if no member's certificate verifies the
     *     signature or the request names another actor than the signer; otherwise as the rules say
     */
    public StudyStatus receive(SignedGovernanceRequest signed) {
        Objects.requireNonNull(signed, "signed");
        GovernanceMember member = verifiedSigner(signed);
        if (member == null) {
            throw new GovernanceRefusedException(GovernanceRefusal.WRONG_IDENTITY, null,
                    "the request is not signed by the key of a member organisation");
        }
        GovernanceRequest request = GovernanceJson.requestFromJson(signed.request());
        if (!request.actor().equals(member.actor())) {
            throw new GovernanceRefusedException(GovernanceRefusal.WRONG_IDENTITY, request.projectId(),
                    "project " + request.projectId() + ": signed by " + member.actor().organisation()
                            + " but made in the name of " + request.actor().organisation());
        }
        return store(signed, request);
    }

    @Override
    public StudyStatus state(UUID projectId) {
        Objects.requireNonNull(projectId, "projectId");
        try (Connection connection = dataSource.getConnection()) {
            StudyStatus status = status(connection, projectId);
            if (status == null) {
                throw new GovernanceRefusedException(GovernanceRefusal.UNKNOWN_PROJECT, projectId,
                        "project " + projectId + ": no study was proposed under this project id");
            }
            return status;
        } catch (SQLException e) {
            throw unavailable(projectId, e);
        }
    }

    @Override
    public List<GovernanceRecord> history(UUID projectId) {
        List<GovernanceRecord> records = new ArrayList<>();
        for (StoredRecord stored : stored(projectId)) {
            records.add(new GovernanceRecord(stored.number(), GovernanceJson.requestFromJson(stored.signed().request()),
                    stored.stateAfter()));
        }
        return records;
    }

    /** The study's accepted requests with their signatures, oldest first: what another party needs to catch up. */
    public List<SignedGovernanceRequest> signedHistory(UUID projectId) {
        return stored(projectId).stream().map(StoredRecord::signed).toList();
    }

    /**
     * Re-checks this copy of a study: every record signed by a member's key in the name of
     * that member, numbered 1, 2, 3..., and the rules, replayed from the first record, giving
     * each stored state and the stored current status.
     *
     * @return empty if it holds, else what is wrong first (by record number)
     */
    public Optional<String> verify(UUID projectId) {
        StudyStatus replayed = null;
        long expected = 1;
        for (StoredRecord stored : stored(projectId)) {
            Optional<String> problem = check(stored, expected++, replayed);
            if (problem.isPresent()) {
                return problem;
            }
            replayed = StudyGovernanceRules.apply(replayed,
                    GovernanceJson.requestFromJson(stored.signed().request())).status();
        }
        StudyStatus current;
        try {
            current = state(projectId);
        } catch (GovernanceRefusedException e) {
            current = null; // UNKNOWN_PROJECT: no status row, which an empty history also gives
        }
        if (!Objects.equals(current, replayed)) {
            return Optional.of("the current status is not what the history gives");
        }
        return Optional.empty();
    }

    private Optional<String> check(StoredRecord stored, long expectedNumber, StudyStatus before) {
        if (stored.number() != expectedNumber) {
            return Optional.of("record " + expectedNumber + " is missing");
        }
        SignedGovernanceRequest signed = stored.signed();
        GovernanceMember member = verifiedSigner(signed);
        if (member == null) {
            return Optional.of("record " + stored.number() + ": signature does not verify");
        }
        try {
            GovernanceRequest request = GovernanceJson.requestFromJson(signed.request());
            if (!request.actor().equals(member.actor())) {
                return Optional.of("record " + stored.number() + ": made in another member's name");
            }
            StudyGovernanceRules.Outcome outcome = StudyGovernanceRules.apply(before, request);
            if (!outcome.changed() || outcome.status().state() != stored.stateAfter()) {
                return Optional.of("record " + stored.number() + ": the rules do not give its state");
            }
            return Optional.empty();
        } catch (GovernanceRefusedException e) {
            return Optional.of("record " + stored.number() + ": the rules refuse it (" + e.refusal() + ")");
        }
    }

    /** The member whose certificate verifies the signature, or null. */
    private GovernanceMember verifiedSigner(SignedGovernanceRequest signed) {
        GovernanceMember member = membersByCertificate.get(signed.signerCertificateSha256());
        return member != null && LedgerSigner.verifies(member.certificate().getPublicKey(),
                signed.request().getBytes(StandardCharsets.UTF_8), signed.signature()) ? member : null;
    }

    // ---- storage ----------------------------------------------------------------------------

    private interface RequestMaker {
        GovernanceRequest make();
    }

    private StudyStatus act(RequestMaker maker) {
        GovernanceRequest request;
        try {
            request = maker.make();
        } catch (IllegalArgumentException e) {
            // The request types' messages name the field and its rule, never the value.
            throw new GovernanceRefusedException(GovernanceRefusal.INVALID_REQUEST, null, e.getMessage());
        }
        String json = GovernanceJson.toJson(request);
        return store(new SignedGovernanceRequest(json, signer.sign(json.getBytes(StandardCharsets.UTF_8)),
                signer.certificateSha256()), request);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private StudyStatus store(SignedGovernanceRequest signed, GovernanceRequest request) {
        UUID projectId = request.projectId();
        String requestSha256 = sha256(signed.request());
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                lockStudy(connection, projectId);
                StudyStatus current = status(connection, projectId);
                if (alreadyAccepted(connection, projectId, requestSha256)) {
                    connection.rollback();
                    return current;
                }
                StudyGovernanceRules.Outcome outcome = StudyGovernanceRules.apply(current, request);
                if (outcome.changed()) {
                    insertRecord(connection, outcome.record(), signed, requestSha256);
                    saveStatus(connection, outcome.status());
                }
                connection.commit();
                return outcome.status();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable(projectId, e);
        }
    }

    private static void lockStudy(Connection connection, UUID projectId) throws SQLException {
        // One transaction at a time per study, in this process or another.
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT pg_advisory_xact_lock(hashtextextended('genovfl-governance/' || ?, 0))")) {
            lock.setString(1, projectId.toString());
            lock.execute();
        }
    }

    private static StudyStatus status(Connection connection, UUID projectId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT status FROM study_governance WHERE project_id = ?")) {
            statement.setObject(1, projectId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? GovernanceJson.statusFromJson(row.getString(1)) : null;
            }
        }
    }

    private static boolean alreadyAccepted(Connection connection, UUID projectId, String requestSha256)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM study_governance_record WHERE project_id = ? AND request_sha256 = ?")) {
            statement.setObject(1, projectId);
            statement.setString(2, requestSha256);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }

    private static void insertRecord(Connection connection, GovernanceRecord record, SignedGovernanceRequest signed,
            String requestSha256) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO study_governance_record (project_id, number, action, acting_organisation, state_after,
                    request, request_sha256, signature, signer_certificate_sha256)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setObject(1, record.request().projectId());
            insert.setLong(2, record.number());
            insert.setString(3, record.request().action().name());
            insert.setString(4, record.request().actor().organisation());
            insert.setString(5, record.stateAfter().name());
            insert.setString(6, signed.request());
            insert.setString(7, requestSha256);
            insert.setString(8, signed.signature());
            insert.setString(9, signed.signerCertificateSha256());
            insert.executeUpdate();
        }
    }

    private static void saveStatus(Connection connection, StudyStatus status) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO study_governance (project_id, state, version, status) VALUES (?, ?, ?, ?)
                ON CONFLICT (project_id) DO UPDATE SET state = EXCLUDED.state, version = EXCLUDED.version,
                    status = EXCLUDED.status""")) {
            upsert.setObject(1, status.projectId());
            upsert.setString(2, status.state().name());
            upsert.setLong(3, status.version());
            upsert.setString(4, GovernanceJson.toJson(status));
            upsert.executeUpdate();
        }
    }

    private record StoredRecord(long number, StudyState stateAfter,
            SignedGovernanceRequest signed) {
    }

    private List<StoredRecord> stored(UUID projectId) {
        Objects.requireNonNull(projectId, "projectId");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("""
                        SELECT number, state_after, request, signature, signer_certificate_sha256
                          FROM study_governance_record WHERE project_id = ? ORDER BY number""")) {
            statement.setObject(1, projectId);
            List<StoredRecord> records = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    records.add(new StoredRecord(rows.getLong(1),
                            StudyState.valueOf(rows.getString(2)),
                            new SignedGovernanceRequest(rows.getString(3), rows.getString(4), rows.getString(5))));
                }
            }
            return records;
        } catch (SQLException e) {
            throw unavailable(projectId, e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static GovernanceException unavailable(UUID projectId, SQLException e) {
        return new GovernanceException("embedded governance ledger unavailable: " + e.getMessage(), projectId, e);
    }
}
