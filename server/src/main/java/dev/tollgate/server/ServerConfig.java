package dev.tollgate.server;

import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.config.HttpLimits;
import dev.tollgate.server.config.TlsConfig;
import dev.tollgate.server.ops.TokenAudit;
import dev.tollgate.store.StoreConfig;

import java.time.Duration;
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
 * @param bruteForce     limits on failed client authentication (per address, per client id)
 * @param tokenAudit     whether token responses wait for their audit event's commit
 */
public record ServerConfig(String host, int port, String publicUrl, StoreConfig store, TenantId defaultTenant,
                           int maxBodyBytes, int managementPort, HttpLimits limits, TlsConfig tls,
                           AdminAccounts.Settings sessions, Duration auditRetention,
                           ClientAuthenticationGuard.Settings bruteForce, TokenAudit.Mode tokenAudit) {

    public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(90);

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MANAGEMENT_PORT = 9090;
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(defaultTenant, "defaultTenant");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(auditRetention, "auditRetention");
        Objects.requireNonNull(bruteForce, "bruteForce");
        Objects.requireNonNull(tokenAudit, "tokenAudit");
        if (auditRetention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("audit.retention: must be at least 1d, was " + auditRetention);
        }
        if (tls != null && tls.redirectPort() != 0 && (tls.redirectPort() == port || tls.redirectPort() == managementPort)) {
            throw new IllegalArgumentException("tls.http-redirect-port: must differ from port and management-port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: must be 0-65535, was " + port);
        }
        if (managementPort < 0 || managementPort > 65535) {
            throw new IllegalArgumentException("management-port: must be 0-65535, was " + managementPort);
        }
        if (managementPort != 0 && managementPort == port) {
            throw new IllegalArgumentException("management-port: must differ from port " + port);
        }
        if (publicUrl != null) {
            publicUrl = publicUrl.strip();
            while (publicUrl.endsWith("/")) {
                publicUrl = publicUrl.substring(0, publicUrl.length() - 1);
            }
            if (!publicUrl.matches("https?://[^/?#\\s]+(/[^?#\\s]*)?")) {
                throw new IllegalArgumentException("public-url: must be an http(s) URL without query or fragment, was "
                        + publicUrl);
            }
        }
        if (maxBodyBytes < 1024 || maxBodyBytes > 1024 * 1024) {
            throw new IllegalArgumentException("max-body-bytes: must be 1024-1048576, was " + maxBodyBytes);
        }
    }

    /** Everything else at its default: plain HTTP, default limits and timeouts. */
    public ServerConfig(String host, int port, String publicUrl, StoreConfig store, TenantId defaultTenant,
                        int maxBodyBytes, int managementPort) {
        this(host, port, publicUrl, store, defaultTenant, maxBodyBytes, managementPort, HttpLimits.DEFAULTS, null,
                AdminAccounts.Settings.DEFAULTS, DEFAULT_AUDIT_RETENTION, ClientAuthenticationGuard.Settings.DEFAULTS,
                TokenAudit.Mode.COMMITTED);
    }

    public static ServerConfig embedded(int port) {
        return new ServerConfig("127.0.0.1", port, null, StoreConfig.embedded(), TenantId.of("10001"),
                DEFAULT_MAX_BODY_BYTES, 0);
    }

    public ServerConfig withStore(StoreConfig newStore) {
        return new ServerConfig(host, port, publicUrl, newStore, defaultTenant, maxBodyBytes, managementPort, limits,
                tls, sessions, auditRetention, bruteForce, tokenAudit);
    }

    public ServerConfig withTls(TlsConfig newTls) {
        return new ServerConfig(host, port, publicUrl, store, defaultTenant, maxBodyBytes, managementPort, limits,
                newTls, sessions, auditRetention, bruteForce, tokenAudit);
    }

    public ServerConfig withLimits(HttpLimits newLimits) {
        return new ServerConfig(host, port, publicUrl, store, defaultTenant, maxBodyBytes, managementPort, newLimits,
                tls, sessions, auditRetention, bruteForce, tokenAudit);
    }

    /** The scheme clients use: https when this server terminates TLS. */
    public String scheme() {
        return tls == null ? "http" : "https";
    }
}
