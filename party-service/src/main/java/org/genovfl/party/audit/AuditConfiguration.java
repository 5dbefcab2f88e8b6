package org.genovfl.party.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.sql.DataSource;
import org.genovfl.audit.AuditLedger;
import org.genovfl.audit.embedded.EmbeddedAuditLedger;
import org.genovfl.audit.embedded.LedgerSigner;
import org.genovfl.audit.fabric.FabricAuditLedger;
import org.genovfl.audit.fabric.FabricConnection;
import org.genovfl.party.config.PartyProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The party's audit ledger ({@code genovfl.audit.ledger}) and the relay that feeds it from
 * the outbox every {@code genovfl.audit.relay.interval}.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class AuditConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AuditConfiguration.class);

    /** The SSL bundle of the party's mutual-TLS identity, whose key also signs ledger entries. */
    static final String SSL_BUNDLE = "party";

    @Bean
    AuditLedger auditLedger(AuditProperties properties, PartyProperties party, DataSource dataSource,
            SslBundles bundles) {
        return switch (properties.ledger()) {
            case EMBEDDED -> {
                log.info("Audit events go to the embedded ledger in this party's database");
                yield EmbeddedAuditLedger.create(dataSource, partySigner(bundles.getBundle(SSL_BUNDLE)));
            }
            case FABRIC -> {
                Path file = properties.fabric().connectionFor(party.role().name());
                if (!Files.isRegularFile(file)) {
                    throw new IllegalStateException("no Fabric connection file " + file + " (run ./genovfl fabric up)");
                }
                FabricConnection connection = FabricConnection.fromProperties(file);
                log.info("Audit events go to Fabric channel {} through peer {} as {}", connection.channel(),
                        connection.peerEndpoint(), connection.mspId());
                // Closed by Spring at shutdown (inferred close()).
                yield FabricAuditLedger.connect(connection);
            }
        };
    }

    @Bean
    EventLocations eventLocations(AuditLedger ledger, AuditProperties properties) {
        return new EventLocations(ledger, properties.fabric().partyMsps());
    }

    @Bean
    AuditRelay auditRelay(JdbcClient jdbc, AuditLedger ledger, AuditProperties properties) {
        return new AuditRelay(jdbc, ledger, properties.relay());
    }

    @Bean
    RelaySchedule auditRelaySchedule(AuditRelay relay) {
        return new RelaySchedule(relay);
    }

    /** Signs with the key of the TLS identity (alias from {@code spring.ssl.bundle.jks.party.key.alias}). */
    static LedgerSigner partySigner(SslBundle bundle) {
        try {
            KeyStore store = bundle.getStores().getKeyStore();
            String alias = bundle.getKey().getAlias() != null ? bundle.getKey().getAlias() : store.aliases().nextElement();
            String password = bundle.getKey().getPassword() != null ? bundle.getKey().getPassword()
                    : bundle.getStores().getKeyStorePassword();
            PrivateKey key = (PrivateKey) store.getKey(alias, password == null ? new char[0] : password.toCharArray());
            X509Certificate certificate = (X509Certificate) store.getCertificate(alias);
            if (key == null || certificate == null) {
                throw new IllegalStateException("the party key store has no key and certificate under alias " + alias);
            }
            return new LedgerSigner(key, certificate);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the party key to sign the audit ledger", e);
        }
    }

    /** Runs the relay in the background; a failure is logged and retried on the next tick. */
    static final class RelaySchedule {

        private final AuditRelay relay;

        RelaySchedule(AuditRelay relay) {
            this.relay = relay;
        }

        @Scheduled(fixedDelayString = "${genovfl.audit.relay.interval:200ms}")
        void relay() {
            try {
                AuditRelay.Pass pass = relay.relayPending();
                if (pass.delivered() > 0) {
                    log.debug("Delivered {} audit events", pass.delivered());
                }
            } catch (RuntimeException e) {
                log.warn("Audit relay pass failed: {}", e.getMessage());
            }
        }
    }
}
