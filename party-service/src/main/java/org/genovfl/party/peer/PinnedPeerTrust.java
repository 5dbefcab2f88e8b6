package org.genovfl.party.peer;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.genovfl.party.security.Certificates;

/**
 * Trust for a call to one peer whose certificate is pinned: the usual chain and host checks
 * first, then the server's certificate must be the pinned one ({@code
 * genovfl.peers[i].certificate-sha256}), as {@code PeerCertificateFilter} requires of the
 * peer's own calls in. Decided during the TLS handshake, so a peer presenting any other
 * certificate, even one the CA signed, is refused before a byte of the request is sent.
 */
final class PinnedPeerTrust extends X509ExtendedTrustManager {

    /** The handshake's cause when the server's certificate is not the pinned one. */
    static final class PinMismatch extends CertificateException {
        PinMismatch(String organisation, String presented) {
            super("the certificate presented for " + organisation + " (SHA-256 " + presented
                    + ") does not match the pinned fingerprint (genovfl.peers[].certificate-sha256)");
        }
    }

    private final X509ExtendedTrustManager chainCheck;
    private final String organisation;
    private final String pinnedSha256;

    PinnedPeerTrust(X509ExtendedTrustManager chainCheck, String organisation, String pinnedSha256) {
        this.chainCheck = chainCheck;
        this.organisation = organisation;
        this.pinnedSha256 = pinnedSha256.toLowerCase(Locale.ROOT);
    }

    /** The X.509 trust manager among {@code managers}, or the JDK's default one if null. */
    static X509ExtendedTrustManager chainCheckOf(TrustManager[] managers) {
        try {
            if (managers == null) {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init((KeyStore) null);
                managers = factory.getTrustManagers();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no default trust manager", e);
        }
        return Arrays.stream(managers).filter(X509ExtendedTrustManager.class::isInstance)
                .map(X509ExtendedTrustManager.class::cast).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no X.509 trust manager to check peers' chains"));
    }

    private void requirePinned(X509Certificate[] chain) throws CertificateException {
        String presented = Certificates.sha256(chain[0]);
        if (!presented.equalsIgnoreCase(pinnedSha256)) {
            throw new PinMismatch(organisation, presented);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        chainCheck.checkServerTrusted(chain, authType, engine);
        requirePinned(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        chainCheck.checkServerTrusted(chain, authType, socket);
        requirePinned(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        chainCheck.checkServerTrusted(chain, authType);
        requirePinned(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw notForClients();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw notForClients();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw notForClients();
    }

    /** Only this party's calls out use it; the server side has its own trust (and pin filter). */
    private CertificateException notForClients() {
        return new CertificateException("this trust manager is for calls out to " + organisation + " only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chainCheck.getAcceptedIssuers();
    }
}
