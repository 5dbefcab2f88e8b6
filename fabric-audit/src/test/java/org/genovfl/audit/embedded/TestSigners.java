package org.genovfl.audit.embedded;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A fresh P-256 key and self-signed certificate, as a party's TLS identity would have. */
final class TestSigners {

    private TestSigners() {
    }

    static LedgerSigner party(String organisation) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500Name("O=" + organisation);
            Instant now = Instant.now();
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                            Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)),
                            name, keys.getPublic())
                            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new LedgerSigner(keys.getPrivate(), certificate);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
