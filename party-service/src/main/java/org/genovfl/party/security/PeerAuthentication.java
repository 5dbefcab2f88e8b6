package org.genovfl.party.security;

import java.util.List;
import org.genovfl.party.config.PartyRole;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Another party, authenticated by its TLS client certificate and found in the registry.
 * Controllers of the peer API take it as an argument to know who is calling.
 */
public final class PeerAuthentication extends AbstractAuthenticationToken {

    /** Authority every authenticated peer holds. */
    public static final String PEER_AUTHORITY = "ROLE_PEER";

    private final String organisation;
    private final PartyRole role;
    private final String certificateSha256;

    PeerAuthentication(String organisation, PartyRole role, String certificateSha256) {
        super(List.of(new SimpleGrantedAuthority(PEER_AUTHORITY)));
        this.organisation = organisation;
        this.role = role;
        this.certificateSha256 = certificateSha256;
        setAuthenticated(true);
    }

    public String organisation() {
        return organisation;
    }

    public PartyRole role() {
        return role;
    }

    /** Hex SHA-256 of the DER certificate the peer presented. */
    public String certificateSha256() {
        return certificateSha256;
    }

    @Override
    public Object getCredentials() {
        return certificateSha256;
    }

    @Override
    public Object getPrincipal() {
        return organisation;
    }

    @Override
    public String getName() {
        return organisation;
    }
}
