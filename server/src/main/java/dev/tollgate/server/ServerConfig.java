package dev.tollgate.server;

import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.abuse.FailureLimiter;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.PasswordHashingPool;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.config.Bulkheads;
import dev.tollgate.server.config.ClientKeyConfig;
import dev.tollgate.server.config.HttpLimits;
import dev.tollgate.server.config.TlsConfig;
import dev.tollgate.server.config.TrustedProxies;
import dev.tollgate.server.ops.TokenAudit;
import dev.tollgate.core.seal.KeyEncryptionKeyFile;
import dev.tollgate.core.seal.KeyEncryptionKeySource;
import dev.tollgate.server.ops.TokenEventStream;
import dev.tollgate.store.StoreConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Validated, frozen server settings.
 *
 * @param publicUrl     the base URL clients use (issuers are {@code <publicUrl>/t/<tenant>}); null means
 *                      {@code http://<host>:<port>} as bound
 * @param defaultTenant the tenant bootstrapped on first start and served by the routes that name none
 * @param managementPort the listener for metrics and health, on the same host; 0 picks a free one
 * @param tls            HTTPS on the public listener; null for plain HTTP
 * @param auditRetention how long audit events are kept
 * @param bruteForce     limits on failed client authentication (per source address)
 * @param tokenAudit     how token events are recorded: audit stream, committed to the store, or not at all
 * @param tokenStream    the audit stream's target, files and queue; a null directory means
 *                       {@code <data directory>/audit} (./data/audit for PostgreSQL)
 * @param tokenCountsFlushInterval how often the token counts are added to the store
 * @param loginLimits    limits on failed console logins, per account, per source address and per known device
 * @param trustedProxies the peers whose X-Forwarded-For names the client
 * @param loginHashingPermits password hashes running at once, at most (console and admin API
 *                            logins, password checks); more are refused with 429
 * @param keyEncryptionKey where the key that seals the store's secrets comes from; null for the
 *                         file {@link StoreConfig#defaultKeyEncryptionKeyFile()}
 * @param bulkheads      the outage grace and what each kind of work may take at once
 * @param clientKeys     private_key_jwt: assertion checks and jwks_uri fetching
 * @param clientCertificateHeader the header in which a trusted proxy forwards the TLS client certificate
 *                       (URL-escaped PEM, nginx's {@code $ssl_client_escaped_cert}); null for none
 */
public record ServerConfig(String host, int port, String publicUrl, StoreConfig store, TenantId defaultTenant,
                           int maxBodyBytes, int managementPort, HttpLimits limits, TlsConfig tls,
                           AdminAccounts.Settings sessions, Duration auditRetention,
                           ClientAuthenticationGuard.Settings bruteForce, TokenAudit.Mode tokenAudit,
                           FailureLimiter.Settings loginLimits, TrustedProxies trustedProxies,
                           int loginHashingPermits, KeyEncryptionKeySource keyEncryptionKey,
                           TokenEventStream.Settings tokenStream, Duration tokenCountsFlushInterval,
                           Bulkheads bulkheads, ClientKeyConfig clientKeys, String clientCertificateHeader) {

    public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(90);
    public static final Duration DEFAULT_TOKEN_COUNTS_FLUSH_INTERVAL = Duration.ofSeconds(5);

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MANAGEMENT_PORT = 9090;
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    /**
     * @throws IllegalArgumentException one line per setting out of range or in conflict, each
     *                                  starting with its key ({@code port: must be ...})
     */
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(defaultTenant, "defaultTenant");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(auditRetention, "auditRetention");
        Objects.requireNonNull(bruteForce, "bruteForce");
        Objects.requireNonNull(tokenAudit, "tokenAudit");
        Objects.requireNonNull(loginLimits, "loginLimits");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        Objects.requireNonNull(tokenStream, "tokenStream");
        Objects.requireNonNull(tokenCountsFlushInterval, "tokenCountsFlushInterval");
        Objects.requireNonNull(bulkheads, "bulkheads");
        Objects.requireNonNull(clientKeys, "clientKeys");
        List<String> problems = new ArrayList<>();
        if (host.isBlank()) {
            problems.add("host: must not be empty");
        }
        if (port < 0 || port > 65535) {
            problems.add("port: must be from 0 to 65535");
        }
        if (managementPort < 0 || managementPort > 65535) {
            problems.add("management-port: must be from 0 to 65535");
        } else if (managementPort != 0 && managementPort == port) {
            problems.add("management-port: must differ from port");
        }
        if (tls != null && tls.redirectPort() != 0 && (tls.redirectPort() == port || tls.redirectPort() == managementPort)) {
            problems.add("tls.http-redirect-port: must differ from port and management-port");
        }
        if (publicUrl != null) {
            publicUrl = publicUrl.strip();
            while (publicUrl.endsWith("/")) {
                publicUrl = publicUrl.substring(0, publicUrl.length() - 1);
            }
            if (!publicUrl.matches("https?://[^/?#\\s]+(/[^?#\\s]*)?")) {
                problems.add("public-url: must be an http(s) URL without query or fragment");
            }
        }
        if (maxBodyBytes < 1024 || maxBodyBytes > 1024 * 1024) {
            problems.add("limits.max-body-bytes: must be from 1024 to 1048576");
        }
        if (auditRetention.compareTo(Duration.ofDays(1)) < 0) {
            problems.add("audit.retention: must be at least 1d");
        }
        if (loginHashingPermits < 1 || loginHashingPermits > 1024) {
            problems.add("console.login.hashing-permits: must be from 1 to 1024");
        }
        if (tokenCountsFlushInterval.compareTo(Duration.ofMillis(100)) < 0
                || tokenCountsFlushInterval.compareTo(Duration.ofMinutes(5)) > 0) {
            problems.add("audit.counts.flush-interval: must be from 100ms to 5m");
        }
        if (clientCertificateHeader != null && clientCertificateHeader.isBlank()) {
            clientCertificateHeader = null;
        }
        if (clientCertificateHeader != null && !clientCertificateHeader.matches("[A-Za-z0-9-]{1,64}")) {
            problems.add("http.client-certificate-header: must be a header name (letters, digits, '-')");
        }
        if (clientCertificateHeader != null && trustedProxies.isEmpty()) {
            problems.add("http.client-certificate-header: needs http.trusted-proxies (the header is only read"
                    + " from them)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }

    /** The directory of the audit stream's files: as configured, or {@code audit} in the data directory. */
    public java.nio.file.Path tokenStreamDirectory() {
        if (tokenStream.directory() != null) {
            return tokenStream.directory();
        }
        return (store.dataDirectory() != null ? store.dataDirectory() : java.nio.file.Path.of("data")).resolve("audit");
    }

    /** The embedded store in ./data on {@code port}, a free management port, everything else at its default. */
    public static ServerConfig embedded(int port) {
        return builder().port(port).managementPort(0).build();
    }

    /** Every setting at its default, as {@code ConfigKey} documents it; plain HTTP. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change a few of them. */
    public Builder toBuilder() {
        return new Builder()
                .host(host).port(port).publicUrl(publicUrl).store(store).defaultTenant(defaultTenant)
                .maxBodyBytes(maxBodyBytes).managementPort(managementPort).limits(limits).tls(tls)
                .sessions(sessions).auditRetention(auditRetention).bruteForce(bruteForce).tokenAudit(tokenAudit)
                .loginLimits(loginLimits).trustedProxies(trustedProxies).loginHashingPermits(loginHashingPermits)
                .keyEncryptionKey(keyEncryptionKey).tokenStream(tokenStream)
                .tokenCountsFlushInterval(tokenCountsFlushInterval).bulkheads(bulkheads).clientKeys(clientKeys)
                .clientCertificateHeader(clientCertificateHeader);
    }

    /** Collects settings one by one; {@link #build} validates them all through the record's constructor. */
    public static final class Builder {

        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private String publicUrl;
        private StoreConfig store = StoreConfig.embedded();
        private TenantId defaultTenant = TenantId.of("10001");
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int managementPort = DEFAULT_MANAGEMENT_PORT;
        private HttpLimits limits = HttpLimits.DEFAULTS;
        private TlsConfig tls;
        private AdminAccounts.Settings sessions = AdminAccounts.Settings.DEFAULTS;
        private Duration auditRetention = DEFAULT_AUDIT_RETENTION;
        private ClientAuthenticationGuard.Settings bruteForce = ClientAuthenticationGuard.Settings.DEFAULTS;
        private TokenAudit.Mode tokenAudit = TokenAudit.Mode.STREAM;
        private TokenEventStream.Settings tokenStream = TokenEventStream.Settings.files(null);
        private Duration tokenCountsFlushInterval = DEFAULT_TOKEN_COUNTS_FLUSH_INTERVAL;
        private FailureLimiter.Settings loginLimits = FailureLimiter.Settings.loginDefaults();
        private TrustedProxies trustedProxies = TrustedProxies.NONE;
        private int loginHashingPermits = PasswordHashingPool.defaultPermits();
        private KeyEncryptionKeySource keyEncryptionKey;
        private Bulkheads bulkheads = Bulkheads.DEFAULTS;
        private String clientCertificateHeader;
        private ClientKeyConfig clientKeys = ClientKeyConfig.DEFAULTS;

        private Builder() {
        }

        public Builder host(String value) {
            this.host = value;
            return this;
        }

        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** Null: {@code http(s)://<host>:<port>} as bound. */
        public Builder publicUrl(String value) {
            this.publicUrl = value;
            return this;
        }

        public Builder store(StoreConfig value) {
            this.store = value;
            return this;
        }

        /** Null for the default file next to the store ({@link StoreConfig#defaultKeyEncryptionKeyFile()}). */
        public Builder keyEncryptionKey(KeyEncryptionKeySource value) {
            this.keyEncryptionKey = value;
            return this;
        }

        public Builder defaultTenant(TenantId value) {
            this.defaultTenant = value;
            return this;
        }

        public Builder maxBodyBytes(int value) {
            this.maxBodyBytes = value;
            return this;
        }

        /** 0 picks a free port. */
        public Builder managementPort(int value) {
            this.managementPort = value;
            return this;
        }

        public Builder limits(HttpLimits value) {
            this.limits = value;
            return this;
        }

        /** Null: plain HTTP. */
        public Builder tls(TlsConfig value) {
            this.tls = value;
            return this;
        }

        public Builder sessions(AdminAccounts.Settings value) {
            this.sessions = value;
            return this;
        }

        public Builder auditRetention(Duration value) {
            this.auditRetention = value;
            return this;
        }

        public Builder bruteForce(ClientAuthenticationGuard.Settings value) {
            this.bruteForce = value;
            return this;
        }

        public Builder tokenAudit(TokenAudit.Mode value) {
            this.tokenAudit = value;
            return this;
        }

        public Builder loginLimits(FailureLimiter.Settings value) {
            this.loginLimits = value;
            return this;
        }

        public Builder trustedProxies(TrustedProxies value) {
            this.trustedProxies = value;
            return this;
        }

        public Builder tokenStream(TokenEventStream.Settings value) {
            this.tokenStream = value;
            return this;
        }

        public Builder tokenCountsFlushInterval(Duration value) {
            this.tokenCountsFlushInterval = value;
            return this;
        }

        public Builder loginHashingPermits(int value) {
            this.loginHashingPermits = value;
            return this;
        }

        public Builder bulkheads(Bulkheads value) {
            this.bulkheads = value;
            return this;
        }

        public Builder clientKeys(ClientKeyConfig value) {
            this.clientKeys = value;
            return this;
        }

        public Builder clientCertificateHeader(String value) {
            this.clientCertificateHeader = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the key of every setting that is out of range */
        public ServerConfig build() {
            return new ServerConfig(host, port, publicUrl, store, defaultTenant, maxBodyBytes, managementPort, limits,
                    tls, sessions, auditRetention, bruteForce, tokenAudit, loginLimits, trustedProxies,
                    loginHashingPermits, keyEncryptionKey, tokenStream, tokenCountsFlushInterval, bulkheads, clientKeys,
                    clientCertificateHeader);
        }
    }

    /** The configured source of the key-encryption key, or the default file for this store. */
    public KeyEncryptionKeySource keyEncryptionKeySource() {
        return keyEncryptionKey != null ? keyEncryptionKey : new KeyEncryptionKeyFile(store.defaultKeyEncryptionKeyFile());
    }

    /** The scheme clients use: https when this server terminates TLS. */
    public String scheme() {
        return tls == null ? "http" : "https";
    }
}
