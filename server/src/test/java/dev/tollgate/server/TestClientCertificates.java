package dev.tollgate.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import static dev.tollgate.server.TestCa.openssl;

/**
 * Client certificates for mutual-TLS tests, made by {@code openssl} in a directory: a client CA and
 * certificates it issues (P-256, subject and SANs as asked), and self-signed ones.
 */
final class TestClientCertificates {

    /** A certificate and its PKCS#8 key, as files. */
    record Issued(Path certificate, Path key) {
        X509Certificate x509() {
            try (var in = Files.newInputStream(certificate)) {
                return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        String pem() {
            try {
                return Files.readString(certificate);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final Path dir;

    TestClientCertificates(Path dir) {
        this.dir = dir;
    }

    /** A CA that may issue client certificates, valid two days. */
    Issued authority(String name) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path pem = dir.resolve(name + ".pem");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        openssl("req", "-x509", "-new", "-key", key.toString(), "-sha256", "-days", "2", "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-out", pem.toString());
        return new Issued(pem, key);
    }

    /**
     * @param subject e.g. {@code /O=Example/CN=orders}
     * @param san     e.g. {@code DNS:orders.example.com,URI:spiffe://example.com/orders}; null for none
     */
    Issued issue(Issued ca, String name, String subject, String san, int days) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path pem = dir.resolve(name + ".pem");
        Path ext = Files.writeString(dir.resolve(name + ".cnf"), (san == null ? "" : "subjectAltName=" + san + "\n")
                + "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        openssl("req", "-new", "-key", key.toString(), "-subj", subject, "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.certificate().toString(), "-CAkey",
                ca.key().toString(), "-CAcreateserial", "-days", String.valueOf(days), "-sha256",
                "-extfile", ext.toString(), "-out", pem.toString());
        return new Issued(pem, key);
    }

    /** A self-signed client certificate, valid two days. */
    Issued selfSigned(String name) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path pem = dir.resolve(name + ".pem");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        openssl("req", "-x509", "-new", "-key", key.toString(), "-sha256", "-days", "2", "-subj", "/CN=" + name,
                "-out", pem.toString());
        return new Issued(pem, key);
    }
}
