package org.genovfl.party.peer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.genovfl.party.config.PartyProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PeerConfiguration {

    /** The SSL bundle holding this party's key and the trust store; the server uses it too. */
    static final String SSL_BUNDLE = "party";

    @Bean
    PartyClient partyClient(SslBundles bundles, PartyProperties properties, ObjectMapper json) {
        SslManagerBundle managers = bundles.getBundle(SSL_BUNDLE).getManagers();
        return new PartyClient(managers.getKeyManagers(), managers.getTrustManagers(), properties.client(), json);
    }
}
