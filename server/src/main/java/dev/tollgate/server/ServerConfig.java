package dev.tollgate.server;

import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.store.StoreConfig;

import java.util.Objects;

/**
 * Validated, frozen server settings.
 *
 * @param publicUrl     the base URL clients use (issuers are {@code <publicUrl>/t/<tenant>}); null means
 *                      {@code http://<host>:<port>} as bound
 * @param defaultTenant the tenant bootstrapped on first start and served by the routes that name none
 * @param managementPort the listener for metrics and health, on the same host; 0 picks a free one
 */
public record ServerConfig(String host, int port, String publicUrl, StoreConfig store, TenantId defaultTenant,
                           int maxBodyBytes, int managementPort) {

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MANAGEMENT_PORT = 9090;
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(defaultTenant, "defaultTenant");
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

    public static ServerConfig embedded(int port) {
        return new ServerConfig("127.0.0.1", port, null, StoreConfig.embedded(), TenantId.of("10001"),
                DEFAULT_MAX_BODY_BYTES, 0);
    }

    public ServerConfig withStore(StoreConfig newStore) {
        return new ServerConfig(host, port, publicUrl, newStore, defaultTenant, maxBodyBytes, managementPort);
    }
}
