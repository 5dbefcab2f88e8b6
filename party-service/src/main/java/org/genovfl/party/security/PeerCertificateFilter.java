package org.genovfl.party.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.genovfl.party.party.PartyRegistry;
import org.genovfl.party.party.RegisteredParty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates calls to the peer API by the TLS client certificate.
 *
 * <p>TLS has already checked that the certificate chains to the configured trust store
 * (a certificate from another CA never gets this far). This filter then requires the
 * certificate's organisation to be registered, and to match the pinned fingerprint where
 * one is configured. Every refusal is logged with the reason and the organisation name
 * only: no personal data crosses this layer.
 */
final class PeerCertificateFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(PeerCertificateFilter.class);
    private static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private final PartyRegistry registry;
    private final ProblemResponses problems;

    PeerCertificateFilter(PartyRegistry registry, ProblemResponses problems) {
        this.registry = registry;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        X509Certificate[] chainPresented = (X509Certificate[]) request.getAttribute(CERTIFICATE_ATTRIBUTE);
        if (chainPresented == null || chainPresented.length == 0) {
            refuse(request, response, HttpStatus.UNAUTHORIZED, "no client certificate", null,
                    "Party-to-party calls need a TLS client certificate.");
            return;
        }
        X509Certificate certificate = chainPresented[0];
        Optional<String> organisation = Certificates.organisation(certificate);
        if (organisation.isEmpty()) {
            refuse(request, response, HttpStatus.FORBIDDEN, "certificate names no single organisation (O=)", null,
                    "The client certificate does not name one organisation.");
            return;
        }
        String fingerprint = Certificates.sha256(certificate);
        Optional<RegisteredParty> party = registry.find(organisation.get()).filter(p -> !p.self());
        if (party.isEmpty()) {
            refuse(request, response, HttpStatus.FORBIDDEN, "organisation not registered", organisation.get(),
                    "Organisation is not registered with this party.");
            return;
        }
        String pinned = party.get().certificateSha256();
        if (pinned != null && !pinned.equalsIgnoreCase(fingerprint)) {
            refuse(request, response, HttpStatus.FORBIDDEN, "certificate does not match the pinned fingerprint",
                    organisation.get(), "Certificate does not match the one registered for this organisation.");
            return;
        }
        var authentication = new PeerAuthentication(organisation.get(), party.get().role(), fingerprint);
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication);
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String reason,
            String organisation, String detail) throws IOException {
        log.warn("Refused peer call {} {} from {}: {}", request.getMethod(), request.getRequestURI(),
                organisation == null ? "unidentified client" : "organisation '" + organisation + "'", reason);
        problems.write(request, response, status, detail);
    }
}
