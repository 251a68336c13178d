package org.pilotline.hmi.opcua;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.pilotline.acquisition.opcua.security.Pki;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The result server's {@code rejected/} folder: a client certificate the server does not trust is
 * stored there under its thumbprint, in the layout {@code Launcher pki list|trust --dir} reads, and
 * logged with the command that trusts it.
 */
final class RejectedClientCertificates implements CertificateQuarantine {
  private static final Logger LOG = LoggerFactory.getLogger(RejectedClientCertificates.class);

  private final Pki pki;

  RejectedClientCertificates(Pki pki) {
    this.pki = pki;
  }

  @Override
  public List<X509Certificate> getRejectedCertificates() {
    List<X509Certificate> out = new ArrayList<>();
    for (Pki.CertificateEntry e : pki.rejectedCertificates()) {
      try {
        out.add(Pki.readCertificateFile(e.file()));
      } catch (Exception ex) {
        LOG.warn("unreadable rejected certificate skipped: file={}, reason={}", e.file(), ex.getMessage());
      }
    }
    return out;
  }

  @Override
  public void addRejectedCertificate(X509Certificate certificate) {
    String thumbprint = Pki.thumbprint(certificate);
    Path file = pki.rejected().resolve(thumbprint + ".der");
    try {
      Files.write(file, certificate.getEncoded());
    } catch (IOException | CertificateEncodingException e) {
      LOG.warn("cannot store a rejected client certificate: dir={}, reason={}", pki.rejected(), e.getMessage());
    }
    LOG.warn("client certificate not trusted, connection refused: subject=\"{}\", thumbprint={}, notAfter={},"
            + " storedIn={}; check the thumbprint with the client's owner, then trust it with:"
            + " Launcher pki trust {} --dir {}",
        certificate.getSubjectX500Principal().getName(), thumbprint, certificate.getNotAfter().toInstant(),
        pki.rejected(), thumbprint.substring(0, 12), pki.dir());
  }

  @Override
  public void removeRejectedCertificate(X509Certificate certificate) {
    String thumbprint = Pki.thumbprint(certificate);
    pki.rejectedCertificates().stream()
        .filter(e -> e.thumbprint().equals(thumbprint))
        .forEach(e -> e.file().toFile().delete());
  }
}
