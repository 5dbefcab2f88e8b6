package org.genovfl.party.party;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The organisations this party knows: itself and the peers of its configuration. Only
 * registered organisations may call the peer API. Rows are kept in step with the
 * configuration at every start.
 */
@Repository
public class PartyRegistry implements InitializingBean {

    private final JdbcClient jdbc;
    private final PartyProperties properties;

    PartyRegistry(JdbcClient jdbc, PartyProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    @Override
    @Transactional
    public void afterPropertiesSet() {
        upsert(properties.organisation(), properties.role(), null, null, true);
        for (PartyProperties.Peer peer : properties.peers()) {
            if (peer.organisation().equals(properties.organisation())) {
                throw new IllegalStateException("genovfl.peers lists this party's own organisation " + peer.organisation());
            }
            upsert(peer.organisation(), peer.role(), peer.url(), peer.certificateSha256(), false);
        }
    }

    /** The registered organisation called {@code organisation}, if any. */
    public Optional<RegisteredParty> find(String organisation) {
        return jdbc.sql("SELECT * FROM party WHERE organisation_name = ?")
                .param(organisation)
                .query(PartyRegistry::map)
                .optional();
    }

    /** Every registered organisation, this party first. */
    public List<RegisteredParty> all() {
        return jdbc.sql("SELECT * FROM party ORDER BY is_self DESC, organisation_name")
                .query(PartyRegistry::map)
                .list();
    }

    /** Stable id of an organisation, the same at every party. */
    public static UUID idOf(String organisation) {
        return UUID.nameUUIDFromBytes(("genovfl-party:" + organisation).getBytes(StandardCharsets.UTF_8));
    }

    private void upsert(String organisation, PartyRole role, URI url, String certificateSha256, boolean self) {
        jdbc.sql("""
                INSERT INTO party (id, organisation_name, role, base_url, certificate_sha256, is_self)
                VALUES (:id, :organisation, :role, :url, :sha, :self)
                ON CONFLICT (organisation_name) DO UPDATE
                   SET role = EXCLUDED.role, base_url = EXCLUDED.base_url,
                       certificate_sha256 = EXCLUDED.certificate_sha256, is_self = EXCLUDED.is_self
                """)
                .param("id", idOf(organisation))
                .param("organisation", organisation)
                .param("role", role.name())
                .param("url", url == null ? null : url.toString())
                .param("sha", certificateSha256 == null ? null : certificateSha256.toLowerCase())
                .param("self", self)
                .update();
    }

    private static RegisteredParty map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        String url = rs.getString("base_url");
        return new RegisteredParty(
                rs.getObject("id", UUID.class),
                rs.getString("organisation_name"),
                PartyRole.valueOf(rs.getString("role")),
                url == null ? null : URI.create(url),
                rs.getString("certificate_sha256"),
                rs.getBoolean("is_self"));
    }
}
