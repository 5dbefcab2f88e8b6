package org.genovfl.party.security.pki;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A local certificate authority for demos and tests: it issues each party a certificate
 * naming its organisation (O=) and valid for {@code localhost}, usable for both sides of
 * mutual TLS. Production deployments use their own PKI; nothing here is special to the
 * party service, which only sees key stores and trust stores.
 */
public final class DemoCertificateAuthority {

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private DemoCertificateAuthority(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /** A key pair and the certificate chain (leaf first) issued for it. */
    public record IssuedIdentity(String organisation, KeyPair keyPair, X509Certificate[] chain) {
        public X509Certificate certificate() {
            return chain[0];
        }
    }

    /** Creates a new self-signed CA named {@code CN=<name>, O=<name>}. */
    public static DemoCertificateAuthority create(String name) {
        Objects.requireNonNull(name, "name");
        KeyPair keys = newKeyPair();
        X500Name subject = name(name + " CA", name);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(subject, subject, keys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new DemoCertificateAuthority(keys, sign(builder, keys));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create demo CA", e);
        }
    }

    /** Issues a TLS client-and-server certificate for {@code organisation}, valid for localhost. */
    public IssuedIdentity issue(String organisation) {
        return issue(organisation, List.of());
    }

    /**
     * Issues a TLS client-and-server certificate for {@code organisation}, valid for localhost
     * and for {@code hostNames} (e.g. its container's name, by which its peers call it).
     */
    public IssuedIdentity issue(String organisation, List<String> hostNames) {
        Objects.requireNonNull(organisation, "organisation");
        KeyPair keys = newKeyPair();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            List<GeneralName> names = new ArrayList<>(List.of(
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
            hostNames.forEach(host -> names.add(new GeneralName(GeneralName.dNSName, host)));
            GeneralNames altNames = new GeneralNames(names.toArray(GeneralName[]::new));
            X509v3CertificateBuilder builder = builder(
                            X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                            name(organisation + " party service", organisation), keys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, altNames)
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate leaf = sign(builder, keyPair);
            return new IssuedIdentity(organisation, keys, new X509Certificate[] {leaf, certificate});
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue certificate for " + organisation, e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Saves the CA's key and certificate, so more parties can be issued later. Keep it apart
     * from every party (its own directory and password): whoever holds it can mint any
     * organisation's certificate.
     */
    public void save(Path file, char[] password) {
        writeKeyStore(new IssuedIdentity("ca", keyPair, new X509Certificate[] {certificate}), file, password);
    }

    /** Loads a CA saved by {@link #save}. */
    public static DemoCertificateAuthority open(Path file, char[] password) {
        try {
            KeyStore store = load(file, password);
            var key = (java.security.PrivateKey) store.getKey("party", password);
            X509Certificate cert = (X509Certificate) store.getCertificate("party");
            return new DemoCertificateAuthority(new KeyPair(cert.getPublicKey(), key), cert);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open CA key store " + file, e);
        }
    }

    /** Writes {@code identity}'s key and chain as a PKCS#12 key store with alias {@code party}. */
    public static void writeKeyStore(IssuedIdentity identity, Path file, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("party", identity.keyPair().getPrivate(), password, identity.chain());
            save(store, file, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write key store " + file, e);
        }
    }

    /** Writes a PKCS#12 trust store holding this CA's certificate. */
    public void writeTrustStore(Path file, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", certificate);
            save(store, file, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write trust store " + file, e);
        }
    }

    /** Loads a key store written by {@link #writeKeyStore} or {@link #writeTrustStore}. */
    public static KeyStore load(Path file, char[] password) {
        try (var in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read key store " + file, e);
        }
    }

    /** In-memory key store of an identity, for clients that never touch disk (tests). */
    public static KeyStore keyStoreOf(IssuedIdentity identity, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("party", identity.keyPair().getPrivate(), password, (Certificate[]) identity.chain());
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Owner-only (0600, in a directory created 0700): a key store holds a private key. */
    private static void save(KeyStore store, Path file, char[] password) throws IOException, GeneralSecurityException {
        Path directory = file.toAbsolutePath().getParent();
        if (Files.notExists(directory)) {
            Files.createDirectories(directory);
            setPermissions(directory, "rwx------");
        }
        Files.deleteIfExists(file);
        Files.createFile(file);
        setPermissions(file, "rw-------");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
    }

    private static void setPermissions(Path path, String permissions) throws IOException {
        if (Files.getFileAttributeView(path, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        }
    }

    private static X500Name name(String commonName, String organisation) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, commonName)
                .addRDN(BCStyle.O, organisation)
                .build();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(159, RANDOM),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is required of every JVM", e);
        }
    }
}
