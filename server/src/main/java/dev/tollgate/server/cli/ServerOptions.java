package dev.tollgate.server.cli;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.tollgate.core.tenant.TenantId;
import picocli.CommandLine.Option;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Locale;

/**
 * {@code --server URL} and {@code --cacert FILE}: the running server a command calls over HTTP, and
 * the CA that issued its certificate when it serves https with a private one. A request that fails
 * to get an answer names the URL and why, so a wrong port, host or CA is obvious.
 */
final class ServerOptions {

    /** A CLI call waits this long for a connection, then as long again and more for the answer. */
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:TOLLGATE_URL:-http://127.0.0.1:8080}",
            description = "Base URL of the running server (env TOLLGATE_URL, default http://127.0.0.1:8080).")
    String url;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "PEM file of the CA certificate(s) to trust for an https server, instead of the JVM's CAs.")
    Path cacert;

    /** The tenant's base URL, which is also its issuer when the server has no other public URL. */
    String tenantUrl(TenantId tenant) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return base + "/t/" + tenant;
    }

    /** @throws UncheckedIOException "cannot reach URL: why" when no answer came */
    HTTPResponse send(HTTPRequest request) {
        request.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        request.setReadTimeout(READ_TIMEOUT_MILLIS);
        if (cacert != null) {
            request.setSSLSocketFactory(trusting(cacert));
        }
        try {
            return request.send();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + request.getURI() + ": " + reason(e), e);
        }
    }

    static String reason(IOException e) {
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        if (e instanceof SSLException) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof CertPathBuilderException || cause instanceof CertPathValidatorException) {
                    return "its TLS certificate is not trusted (give the CA that issued it with --cacert FILE)";
                }
            }
            return "TLS failed: " + e.getMessage();
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        // "Connection refused" reads as the rest of a sentence.
        return message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    }

    private static SSLSocketFactory trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("--cacert " + pem + ": no PEM certificate in it");
            }
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("--cacert " + pem + ": " + e.getMessage(), e);
        }
    }
}
