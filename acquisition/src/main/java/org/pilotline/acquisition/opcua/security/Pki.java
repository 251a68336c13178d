package org.pilotline.acquisition.opcua.security;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's PKI folder, in the OPC UA layout: {@code own/} (this application's certificate
 * and key, PEM), {@code trusted/certs}, {@code trusted/crls}, {@code issuers/certs},
 * {@code issuers/crls} and {@code rejected/} (DER files named by SHA-1 thumbprint).
 *
 * <p>The trust lists are read from disk each time a validator is made, so a certificate trusted
 * with {@code pki trust} counts at the next connection attempt without a restart.
 */
public final class Pki {
  private static final Logger LOG = LoggerFactory.getLogger(Pki.class);

  /** The default folder, relative to the working directory. */
  public static final Path DEFAULT_DIR = Path.of("data", "pki");

  static final String CERT_FILE = "cert.pem";
  static final String KEY_FILE = "key.pem";

  private final Path dir;

  private Pki(Path dir) {
    this.dir = dir;
  }

  /** Opens the folder, creating any missing part of the layout. */
  public static Pki open(Path dir) {
    Objects.requireNonNull(dir, "dir");
    ensureBouncyCastle();
    Pki pki = new Pki(dir);
    try {
      for (Path p : List.of(pki.own(), pki.trustedCerts(), pki.trustedCrls(), pki.issuerCerts(),
          pki.issuerCrls(), pki.rejected())) {
        Files.createDirectories(p);
      }
    } catch (IOException e) {
      throw new IllegalStateException("PKI folder " + dir + ": cannot create its layout: " + e.getMessage(), e);
    }
    return pki;
  }

  /**
   * Registers Bouncy Castle, which Milo needs for the RSA-PSS signatures of
   * Aes256_Sha256_RsaPss; the JDK names that algorithm differently.
   */
  static synchronized void ensureBouncyCastle() {
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
  }

  public Path dir() {
    return dir;
  }

  Path own() {
    return dir.resolve("own");
  }

  public Path trustedCerts() {
    return dir.resolve("trusted").resolve("certs");
  }

  Path trustedCrls() {
    return dir.resolve("trusted").resolve("crls");
  }

  Path issuerCerts() {
    return dir.resolve("issuers").resolve("certs");
  }

  Path issuerCrls() {
    return dir.resolve("issuers").resolve("crls");
  }

  public Path rejected() {
    return dir.resolve("rejected");
  }

  /** This application's certificate path, {@code own/cert.pem}. */
  public Path certificateFile() {
    return own().resolve(CERT_FILE);
  }

  /**
   * The application certificate and key: read from {@code own/}, or on first use created (RSA
   * 2048, self-signed, valid 3 years, with the application URI and this host's name) and stored
   * there, the key readable by its owner only.
   */
  public ApplicationIdentity applicationIdentity(String applicationUri) {
    return applicationIdentity(applicationUri, "pilotline acquisition", List.of());
  }

  /**
   * As {@link #applicationIdentity(String)}, a certificate created here naming
   * {@code commonName@host} and, besides this host's name, localhost and 127.0.0.1, the
   * {@code extraHosts} (DNS names or IP literals) clients will reach it by.
   */
  public ApplicationIdentity applicationIdentity(String applicationUri, String commonName, List<String> extraHosts) {
    // Every equipment client opens the folder at once at start: one creator per JVM, or a
    // certificate could be stored beside another client's key.
    synchronized (Pki.class) {
      return loadOrCreate(applicationUri, commonName, extraHosts);
    }
  }

  private ApplicationIdentity loadOrCreate(String applicationUri, String commonName, List<String> extraHosts) {
    Path certFile = certificateFile();
    Path keyFile = own().resolve(KEY_FILE);
    try {
      if (Files.exists(certFile) && Files.exists(keyFile)) {
        X509Certificate cert = readCertificate(certFile);
        PrivateKey key = readPrivateKey(keyFile);
        return new ApplicationIdentity(new KeyPair(cert.getPublicKey(), key), cert);
      }
      KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
      String host = hostName();
      SelfSignedCertificateBuilder builder = new SelfSignedCertificateBuilder(keyPair)
          .setCommonName(commonName + "@" + host)
          .setOrganization("pilotline")
          .setApplicationUri(applicationUri)
          .addDnsName(host)
          .addDnsName("localhost")
          .addIpAddress("127.0.0.1")
          .setValidityPeriod(java.time.Period.ofYears(3));
      for (String extra : extraHosts) {
        if (extra.equals(host) || extra.equals("localhost") || extra.equals("127.0.0.1") || extra.isBlank()) {
          continue;
        }
        if (extra.matches("[0-9.]+") || extra.contains(":")) {
          builder.addIpAddress(extra);
        } else {
          builder.addDnsName(extra);
        }
      }
      X509Certificate cert = builder.build();
      writeKey(keyFile, keyPair.getPrivate());
      Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
      LOG.info("application certificate created: file={}, subject={}, thumbprint={}",
          certFile, cert.getSubjectX500Principal().getName(), thumbprint(cert));
      return new ApplicationIdentity(keyPair, cert);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("PKI folder " + dir + ": application certificate: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new IllegalStateException("PKI folder " + dir + ": cannot create the application certificate: "
          + e.getMessage(), e);
    }
  }

  /**
   * A validator of server certificates against {@code trusted/} and {@code issuers/} as they are
   * now; a refused certificate is copied to {@code rejected/} and logged with the command that
   * trusts it.
   */
  public CertificateValidator serverCertificateValidator(String equipmentId) {
    MemoryTrustListManager trust = new MemoryTrustListManager();
    trust.setTrustedCertificates(certificatesIn(trustedCerts()));
    trust.setIssuerCertificates(certificatesIn(issuerCerts()));
    return new DefaultClientCertificateValidator(trust, new RejectedFolder(this, equipmentId));
  }

  /** The certificates in {@code trusted/certs}. */
  public List<CertificateEntry> trusted() {
    return entries(trustedCerts());
  }

  /** The certificates in {@code rejected/}. */
  public List<CertificateEntry> rejectedCertificates() {
    return entries(rejected());
  }

  /**
   * Moves the one rejected certificate whose thumbprint starts with {@code prefix} (case
   * ignored) to {@code trusted/certs}.
   *
   * @throws IllegalArgumentException when no rejected certificate, or more than one, matches
   */
  public CertificateEntry trust(String prefix) {
    String p = prefix.trim().toLowerCase(java.util.Locale.ROOT);
    if (p.isEmpty()) {
      throw new IllegalArgumentException("give a thumbprint prefix; see pki list");
    }
    List<CertificateEntry> matches = rejectedCertificates().stream()
        .filter(e -> e.thumbprint().startsWith(p)).toList();
    if (matches.isEmpty()) {
      throw new IllegalArgumentException("no rejected certificate has a thumbprint starting with "
          + p + " in " + rejected());
    }
    if (matches.size() > 1) {
      throw new IllegalArgumentException("thumbprint prefix " + p + " matches " + matches.size()
          + " rejected certificates; give more digits");
    }
    CertificateEntry entry = matches.get(0);
    try {
      Path target = trustedCerts().resolve(entry.thumbprint() + ".der");
      Files.move(entry.file(), target, StandardCopyOption.REPLACE_EXISTING);
      LOG.info("certificate trusted: subject={}, thumbprint={}, file={}", entry.subject(), entry.thumbprint(), target);
      return new CertificateEntry(target, entry.subject(), entry.thumbprint(), entry.notBefore(), entry.notAfter());
    } catch (IOException e) {
      throw new IllegalStateException("cannot move " + entry.file() + " to " + trustedCerts() + ": " + e.getMessage(), e);
    }
  }

  /** Stores a refused certificate in {@code rejected/} as {@code <thumbprint>.der}. */
  void reject(X509Certificate certificate) {
    try {
      Path file = rejected().resolve(thumbprint(certificate) + ".der");
      Files.write(file, certificate.getEncoded());
    } catch (IOException | GeneralSecurityException e) {
      LOG.warn("cannot store a rejected certificate: dir={}, reason={}", rejected(), e.getMessage());
    }
  }

  /** The lower-case hex SHA-1 of the DER encoding, as OPC UA defines a certificate thumbprint. */
  public static String thumbprint(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A certificate file in the PKI folder.
   *
   * @param thumbprint lower-case hex SHA-1 of the DER encoding
   */
  public record CertificateEntry(Path file, String subject, String thumbprint, Instant notBefore, Instant notAfter) {}

  /** The application's key pair and self-signed certificate. */
  public record ApplicationIdentity(KeyPair keyPair, X509Certificate certificate) {}

  private static List<CertificateEntry> entries(Path folder) {
    List<CertificateEntry> out = new ArrayList<>();
    for (Path f : files(folder)) {
      readCertificateQuietly(f).ifPresent(c -> out.add(new CertificateEntry(f,
          c.getSubjectX500Principal().getName(), thumbprint(c),
          c.getNotBefore().toInstant(), c.getNotAfter().toInstant())));
    }
    return out;
  }

  private static List<X509Certificate> certificatesIn(Path folder) {
    List<X509Certificate> out = new ArrayList<>();
    for (Path f : files(folder)) {
      readCertificateQuietly(f).ifPresent(out::add);
    }
    return out;
  }

  private static List<Path> files(Path folder) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return out;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
      for (Path f : stream) {
        if (Files.isRegularFile(f)) {
          out.add(f);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot list a PKI folder: dir={}, reason={}", folder, e.getMessage());
    }
    out.sort(null);
    return out;
  }

  private static java.util.Optional<X509Certificate> readCertificateQuietly(Path f) {
    try {
      return java.util.Optional.of(readCertificate(f));
    } catch (IOException | GeneralSecurityException e) {
      LOG.warn("not a certificate, ignored: file={}, reason={}", f, e.getMessage());
      return java.util.Optional.empty();
    }
  }

  /** Reads a DER or PEM certificate file, such as an X.509 user certificate. */
  public static X509Certificate readCertificateFile(Path f) throws IOException, GeneralSecurityException {
    return readCertificate(f);
  }

  /** Reads an unencrypted PKCS#8 PEM RSA private key file. */
  public static PrivateKey readPrivateKeyFile(Path f) throws IOException, GeneralSecurityException {
    return readPrivateKey(f);
  }

  /** Reads a DER or PEM certificate. */
  static X509Certificate readCertificate(Path f) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(f)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** Reads an unencrypted PKCS#8 PEM RSA private key. */
  static PrivateKey readPrivateKey(Path f) throws IOException, GeneralSecurityException {
    String text = Files.readString(f, StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new GeneralSecurityException(f + ": not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY)");
    }
    String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  private static void writeKey(Path keyFile, PrivateKey key) throws IOException {
    Files.deleteIfExists(keyFile);
    try {
      Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(keyFile); // not a POSIX file system; the folder's ACL has to protect it
    }
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
