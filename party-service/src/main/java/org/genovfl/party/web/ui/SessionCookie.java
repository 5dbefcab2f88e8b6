package org.genovfl.party.web.ui;

import java.util.Locale;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.party.PartyRegistry;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.server.AbstractServletWebServerFactory;
import org.springframework.stereotype.Component;

/**
 * Names the web app's session cookie after this party. Browsers scope cookies by host, not
 * port: with one name, signing in to the demo's coordinator on localhost would replace the
 * hospital's session cookie on localhost, and each tab would sign the others out.
 */
@Component
class SessionCookie implements WebServerFactoryCustomizer<AbstractServletWebServerFactory> {

    private final String name;

    SessionCookie(PartyProperties properties) {
        this.name = "GENOVFL_SESSION_" + PartyRegistry.idOf(properties.organisation()).toString()
                .substring(0, 8).toUpperCase(Locale.ROOT);
    }

    String name() {
        return name;
    }

    @Override
    public void customize(AbstractServletWebServerFactory factory) {
        factory.getSession().getCookie().setName(name);
    }
}
