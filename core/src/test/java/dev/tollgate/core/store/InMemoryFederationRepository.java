package dev.tollgate.core.store;

import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.federation.FederatedIdentity;
import dev.tollgate.core.federation.TrustedIssuer;
import dev.tollgate.core.tenant.TenantId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link FederationRepository} in maps, for policy tests. */
public final class InMemoryFederationRepository implements FederationRepository {

    private final Map<List<String>, TrustedIssuer> issuers = new LinkedHashMap<>();
    private final Map<List<String>, FederatedIdentity> identities = new LinkedHashMap<>();

    @Override
    public synchronized List<TrustedIssuer> issuers(TenantId tenant) {
        List<TrustedIssuer> found = new ArrayList<>();
        issuers.forEach((key, issuer) -> {
            if (key.get(0).equals(tenant.value())) {
                found.add(issuer);
            }
        });
        return found;
    }

    @Override
    public synchronized Optional<TrustedIssuer> issuer(TenantId tenant, String issuer) {
        return Optional.ofNullable(issuers.get(List.of(tenant.value(), issuer)));
    }

    @Override
    public synchronized void insertIssuer(TenantId tenant, TrustedIssuer issuer) {
        if (issuers.putIfAbsent(List.of(tenant.value(), issuer.issuer()), issuer) != null) {
            throw new DuplicateException("issuer " + issuer.issuer() + " is trusted already", null);
        }
    }

    @Override
    public synchronized boolean deleteIssuer(TenantId tenant, String issuer) {
        return issuers.remove(List.of(tenant.value(), issuer)) != null;
    }

    @Override
    public synchronized int clientsBoundTo(TenantId tenant, String issuer) {
        return (int) identities.entrySet().stream()
                .filter(e -> e.getKey().get(0).equals(tenant.value()) && e.getValue().issuer().equals(issuer)).count();
    }

    @Override
    public synchronized Optional<FederatedIdentity> identity(TenantId tenant, ClientId client) {
        return Optional.ofNullable(identities.get(List.of(tenant.value(), client.value())));
    }

    @Override
    public synchronized void bind(TenantId tenant, ClientId client, FederatedIdentity identity) {
        identities.put(List.of(tenant.value(), client.value()), identity);
    }
}
