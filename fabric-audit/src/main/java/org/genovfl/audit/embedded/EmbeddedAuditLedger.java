package org.genovfl.audit.embedded;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.genovfl.audit.AppendRules;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventJson;
import org.genovfl.audit.AuditException;
import org.genovfl.audit.AuditLedger;
import org.genovfl.audit.AuditRefusedException;
import org.genovfl.audit.embedded.ChainVerification.Tampering;
import org.genovfl.audit.embedded.ChainVerification.TamperedEntry;

/**
 * The audit ledger kept in a party's own PostgreSQL (table {@code audit_ledger_entry}): an
 * append-only hash chain in which entry <i>n</i> stores
 * {@code entry_hash = SHA-256(previous_hash "\n" n "\n" payload)} and an ECDSA signature of
 * that hash by the party's key. Editing, deleting or reordering entries breaks the chain or a
 * signature, and {@link #verify()} names the first entry where it breaks. Removing entries
 * from the very end leaves a shorter valid chain; a regulator who noted the last entry hash
 * (or the Fabric ledger) catches that.
 *
 * <pre>{@code
 * EmbeddedAuditLedger ledger = EmbeddedAuditLedger.create(dataSource, new LedgerSigner(key, certificate));
 * ledger.append(event);
 * ChainVerification check = ledger.verify();
 * }</pre>
 *
 * <p>Applies {@link AppendRules} like the chaincode: idempotent on the event id, no sequence
 * gaps per (project, organisation).
 */
public final class EmbeddedAuditLedger implements AuditLedger {

    static final String GENESIS_HASH = "0".repeat(64);

    private final DataSource dataSource;
    private final LedgerSigner signer;
    private final Map<String, PublicKey> trustedSigners;

    private EmbeddedAuditLedger(DataSource dataSource, LedgerSigner signer, Map<String, PublicKey> trustedSigners) {
        this.dataSource = dataSource;
        this.signer = signer;
        this.trustedSigners = trustedSigners;
    }

    /** A ledger that signs with {@code signer} and trusts only its certificate when verifying. */
    public static EmbeddedAuditLedger create(DataSource dataSource, LedgerSigner signer) {
        return create(dataSource, signer, List.of());
    }

    /**
     * @param formerCertificates earlier certificates of the party (after a key rotation) whose
     *     signatures {@link #verify()} still accepts
     */
    public static EmbeddedAuditLedger create(DataSource dataSource, LedgerSigner signer,
            Collection<X509Certificate> formerCertificates) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(signer, "signer");
        Map<String, PublicKey> trusted = new HashMap<>();
        trusted.put(signer.certificateSha256(), signer.certificate().getPublicKey());
        for (X509Certificate certificate : Objects.requireNonNull(formerCertificates, "formerCertificates")) {
            trusted.put(LedgerSigner.certificateSha256(certificate), certificate.getPublicKey());
        }
        return new EmbeddedAuditLedger(dataSource, signer, Map.copyOf(trusted));
    }

    /** Records the whole batch in one database transaction, up to the first refused event. */
    @Override
    public void appendAll(List<AuditEvent> events) {
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                lockChain(connection);
                Head head = head(connection);
                // One query for the ids already recorded and one per stream for its last
                // sequence; the batch then advances both in memory.
                Map<UUID, AuditEvent> recorded = recorded(connection, events);
                Map<String, Long> lastSequences = new HashMap<>();
                AuditRefusedException refused = null;
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    for (AuditEvent event : events) {
                        String stream = event.projectId() + "/" + event.actingOrganisation();
                        Long last = lastSequences.get(stream);
                        if (last == null) {
                            last = lastSequence(connection, event);
                        }
                        try {
                            if (AppendRules.decide(event, recorded.get(event.eventId()), last) == AppendRules.Decision.APPEND) {
                                head = addInsert(insert, connection, head, event);
                                recorded.put(event.eventId(), event);
                                last = event.sequence();
                            }
                        } catch (AuditRefusedException e) {
                            refused = e;
                            break;
                        }
                        lastSequences.put(stream, last);
                    }
                    insert.executeBatch();
                }
                connection.commit();
                if (refused != null) {
                    throw refused;
                }
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            // Nothing of this batch was committed, so the first event is the first not recorded.
            throw new AuditException("embedded ledger unavailable: " + e.getMessage(), events.get(0).eventId(), e);
        }
    }

    @Override
    public List<AuditEvent> byProject(UUID projectId) {
        Objects.requireNonNull(projectId, "projectId");
        return events("SELECT payload FROM audit_ledger_entry WHERE project_id = ? ORDER BY position", projectId);
    }

    @Override
    public List<AuditEvent> byArtifactHash(String sha256) {
        Objects.requireNonNull(sha256, "sha256");
        return events("SELECT payload FROM audit_ledger_entry WHERE artifact_hashes @> ARRAY[?]::text[] ORDER BY position",
                sha256.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Checks the whole chain: positions without holes, each entry linked to the one before,
     * its hash matching its content, its signature by a trusted key of the party.
     */
    public ChainVerification verify() {
        List<StoredEntry> entries = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("""
                        SELECT position, event_id, payload, previous_hash, entry_hash, signature, signer_certificate_sha256
                          FROM audit_ledger_entry ORDER BY position""")) {
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    entries.add(new StoredEntry(rows.getLong(1), rows.getObject(2, UUID.class), rows.getString(3),
                            rows.getString(4), rows.getString(5), rows.getString(6), rows.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new AuditException("embedded ledger unavailable: " + e.getMessage(), null, e);
        }
        Set<String> allHashes = new HashSet<>();
        entries.forEach(entry -> allHashes.add(entry.entryHash()));
        String previousHash = GENESIS_HASH;
        long expectedPosition = 1;
        for (StoredEntry entry : entries) {
            Optional<TamperedEntry> broken = check(entry, expectedPosition, previousHash, allHashes);
            if (broken.isPresent()) {
                return new ChainVerification(entries.size(), broken);
            }
            previousHash = entry.entryHash();
            expectedPosition++;
        }
        return new ChainVerification(entries.size(), Optional.empty());
    }

    private Optional<TamperedEntry> check(StoredEntry entry, long expectedPosition, String previousHash,
            Set<String> allHashes) {
        if (entry.position() != expectedPosition) {
            return tampered(expectedPosition, entry, Tampering.DELETED, "entry " + expectedPosition
                    + " is missing; the next stored entry is " + entry.position());
        }
        if (!entry.previousHash().equals(previousHash)) {
            // Its real predecessor still exists elsewhere: moved; otherwise: removed and renumbered.
            return allHashes.contains(entry.previousHash())
                    ? tampered(expectedPosition, entry, Tampering.REORDERED,
                            "entry links to a predecessor stored at another position")
                    : tampered(expectedPosition, entry, Tampering.DELETED,
                            "the entry this one follows is no longer in the ledger");
        }
        if (!entryHash(entry.previousHash(), entry.position(), entry.payload()).equals(entry.entryHash())) {
            return tampered(expectedPosition, entry, Tampering.EDITED, "content does not match the entry hash");
        }
        PublicKey key = trustedSigners.get(entry.signerCertificateSha256());
        if (key == null) {
            return tampered(expectedPosition, entry, Tampering.EDITED, "signed by an untrusted certificate "
                    + entry.signerCertificateSha256());
        }
        if (!LedgerSigner.verifies(key, entry.entryHash().getBytes(StandardCharsets.US_ASCII), entry.signature())) {
            return tampered(expectedPosition, entry, Tampering.EDITED, "signature does not verify");
        }
        return Optional.empty();
    }

    private static Optional<TamperedEntry> tampered(long position, StoredEntry entry, Tampering how, String detail) {
        return Optional.of(new TamperedEntry(position, entry.eventId(), how, detail));
    }

    static String entryHash(String previousHash, long position, String payload) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update((previousHash + "\n" + position + "\n").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha256.digest(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static void lockChain(Connection connection) throws SQLException {
        // One writer at a time extends the chain, in this process or another.
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT pg_advisory_xact_lock(hashtextextended('genovfl-audit-ledger', 0))")) {
            lock.execute();
        }
    }

    private record Head(long position, String entryHash) {
    }

    private static Head head(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT position, entry_hash FROM audit_ledger_entry ORDER BY position DESC LIMIT 1");
                ResultSet row = statement.executeQuery()) {
            return row.next() ? new Head(row.getLong(1), row.getString(2)) : new Head(0, GENESIS_HASH);
        }
    }

    private static Map<UUID, AuditEvent> recorded(Connection connection, List<AuditEvent> events) throws SQLException {
        Map<UUID, AuditEvent> recorded = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT payload FROM audit_ledger_entry WHERE event_id = ANY(?)")) {
            statement.setArray(1, connection.createArrayOf("uuid", events.stream().map(AuditEvent::eventId).toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    AuditEvent event = AuditEventJson.fromJson(rows.getString(1));
                    recorded.put(event.eventId(), event);
                }
            }
        }
        return recorded;
    }

    private static long lastSequence(Connection connection, AuditEvent event) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT coalesce(max(sequence), 0) FROM audit_ledger_entry
                 WHERE project_id = ? AND acting_organisation = ?""")) {
            statement.setObject(1, event.projectId());
            statement.setString(2, event.actingOrganisation());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static final String INSERT = """
            INSERT INTO audit_ledger_entry (position, event_id, project_id, acting_organisation, sequence,
                event_type, occurred_at, artifact_hashes, payload, previous_hash, entry_hash, signature,
                signer_certificate_sha256)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private Head addInsert(PreparedStatement statement, Connection connection, Head head, AuditEvent event)
            throws SQLException {
        long position = head.position() + 1;
        String payload = AuditEventJson.toJson(event);
        String hash = entryHash(head.entryHash(), position, payload);
        statement.setLong(1, position);
        statement.setObject(2, event.eventId());
        statement.setObject(3, event.projectId());
        statement.setString(4, event.actingOrganisation());
        statement.setLong(5, event.sequence());
        statement.setString(6, event.type().name());
        statement.setTimestamp(7, Timestamp.from(event.occurredAt()));
        statement.setArray(8, connection.createArrayOf("text", event.artifactHashes().values().toArray()));
        statement.setString(9, payload);
        statement.setString(10, head.entryHash());
        statement.setString(11, hash);
        statement.setString(12, signer.sign(hash.getBytes(StandardCharsets.US_ASCII)));
        statement.setString(13, signer.certificateSha256());
        statement.addBatch();
        return new Head(position, hash);
    }

    private List<AuditEvent> events(String sql, Object parameter) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, parameter);
            List<AuditEvent> events = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    events.add(AuditEventJson.fromJson(rows.getString(1)));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new AuditException("embedded ledger unavailable: " + e.getMessage(), null, e);
        }
    }

    private record StoredEntry(long position, UUID eventId, String payload, String previousHash, String entryHash,
            String signature, String signerCertificateSha256) {
    }
}
