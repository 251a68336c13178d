package org.pilotline.acquisition.opcua.security;

import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Milo's quarantine backed by {@code rejected/}: files are named by the OPC UA thumbprint (Milo's
 * own file quarantine names them by a hash of the signature, which no tool shows), and each
 * refusal is logged with what a user needs to decide and the command that trusts it.
 */
final class RejectedFolder implements CertificateQuarantine {
  private static final Logger LOG = LoggerFactory.getLogger(RejectedFolder.class);

  private final Pki pki;
  private final String equipmentId;

  RejectedFolder(Pki pki, String equipmentId) {
    this.pki = pki;
    this.equipmentId = equipmentId;
  }

  @Override
  public List<X509Certificate> getRejectedCertificates() {
    return pki.rejectedCertificates().stream().map(e -> {
      try {
        return Pki.readCertificate(e.file());
      } catch (Exception ex) {
        return null;
      }
    }).filter(java.util.Objects::nonNull).toList();
  }

  @Override
  public void addRejectedCertificate(X509Certificate certificate) {
    pki.reject(certificate);
    String thumbprint = Pki.thumbprint(certificate);
    LOG.warn("server certificate not trusted, connection refused: equipment={}, subject=\"{}\", thumbprint={},"
            + " notAfter={}, storedIn={}; check the thumbprint with the equipment, then trust it with:"
            + " Launcher pki trust {} --dir {}",
        equipmentId, certificate.getSubjectX500Principal().getName(), thumbprint,
        certificate.getNotAfter().toInstant(), pki.rejected(), thumbprint.substring(0, 12), pki.dir());
  }

  @Override
  public void removeRejectedCertificate(X509Certificate certificate) {
    pki.rejectedCertificates().stream()
        .filter(e -> e.thumbprint().equals(Pki.thumbprint(certificate)))
        .forEach(e -> e.file().toFile().delete());
  }
}
