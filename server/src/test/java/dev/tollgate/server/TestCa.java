package dev.tollgate.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test CA and a server certificate it issued for 127.0.0.1 (P-256, valid two days), made by
 * {@code openssl} in a directory: what an https test server presents and its client trusts.
 *
 * @param caPem     the CA certificate, for {@code curl --cacert} or {@code tollgate token --cacert}
 * @param serverPem the server's certificate
 * @param serverKey its private key (PKCS#8 PEM)
 */
public record TestCa(Path caPem, Path serverPem, Path serverKey) {

    public static TestCa create(Path dir) throws IOException, InterruptedException {
        Path caPem = dir.resolve("ca.pem");
        Path caKey = dir.resolve("ca.key");
        Path serverPem = dir.resolve("server.pem");
        Path serverKey = dir.resolve("server.key");
        Path csr = dir.resolve("server.csr");
        Path ext = Files.writeString(dir.resolve("ext.cnf"), """
                subjectAltName=IP:127.0.0.1
                basicConstraints=CA:FALSE
                keyUsage=critical,digitalSignature
                extendedKeyUsage=serverAuth
                """);
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", caKey.toString());
        openssl("req", "-x509", "-new", "-key", caKey.toString(), "-sha256", "-days", "2", "-subj", "/CN=Tollgate Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-out", caPem.toString());
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", serverKey.toString());
        openssl("req", "-new", "-key", serverKey.toString(), "-subj", "/CN=127.0.0.1", "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caPem.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-days", "2", "-sha256", "-extfile", ext.toString(), "-out", serverPem.toString());
        return new TestCa(caPem, serverPem, serverKey);
    }

    /** Runs {@code openssl} with these arguments; fails with its output unless it exits 0 within 30 s. */
    public static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within 30 s");
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(command + " exited " + process.exitValue() + ":\n"
                    + new String(output, StandardCharsets.UTF_8));
        }
    }
}
