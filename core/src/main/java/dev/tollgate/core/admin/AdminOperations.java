package dev.tollgate.core.admin;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.store.UserRepository;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.user.User;
import dev.tollgate.core.user.UserValidation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every administrative operation of the admin API and the console, with the same capability
 * checks for people and programs, and an audit event written in the same transaction as the
 * change (so nothing acknowledged is lost). Secrets never enter an audit record.
 *
 * <p>Every method first checks the actor's tenant: another tenant's objects are
 * {@link AdminFailure.NotFound} (404), never {@link AdminFailure.Forbidden} (403), so a refusal confirms
 * nothing. Then the capability ({@link AdminFailure.Forbidden}). Invalid values are
 * {@link IllegalArgumentException} (400); conflicts with the current state (deleting a default
 * credential, a scope still granted, the last admin) {@link IllegalStateException} (409);
 * duplicates {@link dev.tollgate.core.store.DuplicateException} (409).
 *
 * <p>Audit actions are the constants below; {@code before} and {@code after} are JSON objects
 * with snake_case fields (a client's secrets appear as {@code id}, {@code created_at},
 * {@code expires_at} only).
 */
public final class AdminOperations {

    public static final String CLIENT_CREATE = "client.create";
    public static final String CLIENT_UPDATE = "client.update";
    /** A {@link ClientUpdate} that changed nothing but the enabled flag. */
    public static final String CLIENT_ENABLE = "client.enable";
    public static final String CLIENT_DISABLE = "client.disable";
    public static final String CLIENT_ROTATE_SECRET = "client.rotate_secret";
    public static final String CLIENT_REVOKE_PREVIOUS_SECRET = "client.revoke_previous_secret";
    public static final String CLIENT_DELETE = "client.delete";
    public static final String SCOPE_CREATE = "scope.create";
    public static final String SCOPE_UPDATE = "scope.update";
    public static final String SCOPE_DELETE = "scope.delete";
    public static final String ADMIN_CREATE = "admin.create";
    public static final String ADMIN_UPDATE = "admin.update";
    public static final String ADMIN_DELETE = "admin.delete";
    public static final String USER_CREATE = "user.create";
    public static final String USER_DELETE = "user.delete";
    /** Another admin's password replaced by a generated one, to be changed at their next login. */
    public static final String ADMIN_PASSWORD_RESET = "admin.password_reset";
    /** Another admin's second factor removed, so they can enrol a new one (a lost phone). */
    public static final String ADMIN_TOTP_RESET = "admin.totp_reset";
    /** Written by {@link AdminAccounts}: sign-ins, accepted and refused, and an admin's own second factor. */
    public static final String ADMIN_LOGIN = "admin.login";
    public static final String ADMIN_LOGIN_FAILED = "admin.login_failed";
    public static final String ADMIN_TOTP_ENROLL = "admin.totp_enroll";
    public static final String ADMIN_TOTP_DISABLE = "admin.totp_disable";
    /** Suggested actions for {@link #record}: an admin's own session events. */
    public static final String ADMIN_LOGOUT = "admin.logout";
    public static final String ADMIN_PASSWORD_CHANGE = "admin.password_change";

    /** The largest page any list returns. */
    public static final int MAX_LIMIT = 100;
    /** Bounds the token-issuance chart, which the store answers with one array element per bucket. */
    public static final int MAX_BUCKETS = 10_000;

    /** Dotted lower-case verbs, as the audit filter's prefix matching expects. */
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

    private final Store store;
    private final ClientAdministration clients;
    private final ScopeAdministration scopes;
    private final PasswordHasher passwords;
    private final ChangeListener changes;
    private final Clock clock;

    public AdminOperations(Store store, ClientAdministration clients, ScopeAdministration scopes,
                           PasswordHasher passwords, ChangeListener changes, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.scopes = Objects.requireNonNull(scopes, "scopes");
        this.passwords = Objects.requireNonNull(passwords, "passwords");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // Client credentials: MANAGE_CLIENT_CREDENTIALS

    /** @param search case-insensitive substring of the name or client id; null or blank for all */
    public Page<ClientCredential> listClients(Actor actor, TenantId tenant, String search, int offset, int limit) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        requirePage(offset, limit);
        List<ClientCredential> all = clients.list(tenant);
        if (search != null && !search.isBlank()) {
            String needle = search.strip().toLowerCase(Locale.ROOT);
            all = all.stream()
                    .filter(c -> c.name().toLowerCase(Locale.ROOT).contains(needle)
                            || c.clientId().value().toLowerCase(Locale.ROOT).contains(needle))
                    .toList();
        }
        int from = Math.min(offset, all.size());
        int to = (int) Math.min((long) from + limit, all.size());
        return new Page<>(all.subList(from, to), offset, limit, all.size());
    }

    public ClientCredential getClient(Actor actor, TenantId tenant, ClientId id) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        return clients.get(tenant, id);
    }

    public ClientWithSecret createClient(Actor actor, TenantId tenant, ClientSpec spec) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        requireHeld(actor, spec.allowedScopes(), ScopeSet.EMPTY);
        ClientWithSecret created = store.inTransaction(() -> {
            ClientWithSecret client = clients.create(tenant, spec);
            audit(actor, CLIENT_CREATE, client.client().clientId(), null, clientJson(client.client()), null);
            return client;
        });
        changes.clientChanged(tenant, created.client().clientId());
        return created;
    }

    public ClientCredential updateClient(Actor actor, TenantId tenant, ClientId id, ClientUpdate update) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        Objects.requireNonNull(update, "update");
        ClientCredential updated = store.inTransaction(() -> {
            ClientCredential before = clients.get(tenant, id);
            requireOutranks(actor, before);
            if (update.allowedScopes() != null) {
                requireHeld(actor, update.allowedScopes(), before.allowedScopes());
            }
            ClientCredential after = clients.update(tenant, id, update);
            String action = CLIENT_UPDATE;
            if (before.enabled() != after.enabled()
                    && before.withEnabled(after.enabled(), after.updatedAt()).equals(after)) {
                action = after.enabled() ? CLIENT_ENABLE : CLIENT_DISABLE;
            }
            audit(actor, action, id, clientJson(before), clientJson(after), null);
            return after;
        });
        // Again after the commit: the call inside the transaction fired before it, and a cache may have reloaded.
        changes.clientChanged(tenant, id);
        return updated;
    }

    /** The previous secret keeps working for {@code overlap}; zero ends it now. */
    public ClientWithSecret rotateSecret(Actor actor, TenantId tenant, ClientId id, Duration overlap) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        Duration keep = overlap == null ? ClientAdministration.DEFAULT_ROTATION_OVERLAP : overlap;
        if (keep.isNegative()) {
            throw new IllegalArgumentException("overlap must not be negative");
        }
        ClientWithSecret rotated = store.inTransaction(() -> {
            ClientCredential before = clients.get(tenant, id);
            requireOutranks(actor, before);
            ClientWithSecret after = clients.rotateSecret(tenant, id, keep);
            audit(actor, CLIENT_ROTATE_SECRET, id, clientJson(before), clientJson(after.client()),
                    "overlap_seconds=" + keep.toSeconds());
            return after;
        });
        changes.clientChanged(tenant, id);
        return rotated;
    }

    /** Ends a rotation's overlap early: only the newest secret works from now on. */
    public ClientCredential revokePreviousSecret(Actor actor, TenantId tenant, ClientId id) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        ClientCredential updated = store.inTransaction(() -> {
            ClientCredential before = clients.get(tenant, id);
            requireOutranks(actor, before);
            ClientCredential after = clients.revokePreviousSecret(tenant, id);
            audit(actor, CLIENT_REVOKE_PREVIOUS_SECRET, id, clientJson(before), clientJson(after), null);
            return after;
        });
        changes.clientChanged(tenant, id);
        return updated;
    }

    public void deleteClient(Actor actor, TenantId tenant, ClientId id) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        store.inTransaction(() -> {
            ClientCredential before = clients.get(tenant, id);
            requireOutranks(actor, before);
            clients.delete(tenant, id);
            audit(actor, CLIENT_DELETE, id, clientJson(before), null, null);
        });
        changes.clientChanged(tenant, id);
    }

    /**
     * Tokens issued to a client in {@code buckets} consecutive buckets ending now (the console's
     * 24-hour chart). Needs MANAGE_CLIENT_CREDENTIALS or VIEW_AUDIT.
     */
    public long[] tokenIssuance(Actor actor, TenantId tenant, ClientId id, Duration bucket, int buckets) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS, Capability.VIEW_AUDIT);
        if (bucket == null || bucket.isNegative() || bucket.isZero()) {
            throw new IllegalArgumentException("bucket must be positive");
        }
        if (buckets < 1 || buckets > MAX_BUCKETS) {
            throw new IllegalArgumentException("buckets must be between 1 and " + MAX_BUCKETS);
        }
        clients.get(tenant, id);
        Instant to = clock.instant();
        Instant from = to.minus(bucket.multipliedBy(buckets));
        return store.audit().issuedPerBucket(tenant, id, from, to, bucket);
    }

    // Scopes: listing needs MANAGE_SCOPES or MANAGE_CLIENT_CREDENTIALS (a client form offers them); changes MANAGE_SCOPES

    public List<ScopeDefinition> listScopes(Actor actor, TenantId tenant) {
        authorize(actor, tenant, Capability.MANAGE_SCOPES, Capability.MANAGE_CLIENT_CREDENTIALS);
        return scopes.list(tenant);
    }

    public ScopeDefinition createScope(Actor actor, TenantId tenant, ScopeDefinition scope) {
        authorize(actor, tenant, Capability.MANAGE_SCOPES);
        Objects.requireNonNull(scope, "scope");
        return store.inTransaction(() -> {
            ScopeDefinition created = scopes.create(tenant, scope);
            audit(actor, SCOPE_CREATE, null, created.name().value(), null, scopeJson(created), null);
            return created;
        });
    }

    public ScopeDefinition describeScope(Actor actor, TenantId tenant, ScopeName name, String description) {
        authorize(actor, tenant, Capability.MANAGE_SCOPES);
        ScopeDefinition after = new ScopeDefinition(name, description);
        return store.inTransaction(() -> {
            ScopeDefinition before = store.scopes().find(tenant, name)
                    .orElseThrow(() -> new AdminFailure.NotFound("no scope " + name + " in tenant " + tenant));
            // The repository has no update; a scope is only its name and description, so replace it.
            store.scopes().delete(tenant, name);
            store.scopes().insert(tenant, after);
            audit(actor, SCOPE_UPDATE, null, name.value(), scopeJson(before), scopeJson(after), null);
            return after;
        });
    }

    /** @throws IllegalStateException when a client still holds the scope, or it is a built-in scope */
    public void deleteScope(Actor actor, TenantId tenant, ScopeName name) {
        authorize(actor, tenant, Capability.MANAGE_SCOPES);
        store.inTransaction(() -> {
            // Locked, so a client being granted the scope meanwhile is either seen below or waits and fails.
            ScopeDefinition before = store.scopes().findForUpdate(tenant, name)
                    .orElseThrow(() -> new AdminFailure.NotFound("no scope " + name + " in tenant " + tenant));
            if (TenantAdministration.isBuiltinScope(name)) {
                throw new IllegalStateException("scope " + name + " is built in and cannot be deleted");
            }
            List<String> holders = store.clients().list(tenant).stream()
                    .filter(c -> c.allowedScopes().contains(name))
                    .map(ClientCredential::name)
                    .toList();
            if (!holders.isEmpty()) {
                // The count only: a scope manager need not learn the names of clients it may not see.
                throw new IllegalStateException("scope " + name + " is still allowed for " + holders.size()
                        + " client(s); remove it from them first");
            }
            store.scopes().delete(tenant, name);
            audit(actor, SCOPE_DELETE, null, name.value(), scopeJson(before), null, null);
        });
    }

    // Admins: MANAGE_ADMINS

    public List<Admin> listAdmins(Actor actor, TenantId tenant) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        return store.admins().list(tenant);
    }

    public Admin getAdmin(Actor actor, TenantId tenant, String adminId) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        return findAdmin(tenant, adminId);
    }

    /** A new admin with a generated password, to be changed at first login. */
    public AdminAccounts.AdminWithPassword createAdmin(Actor actor, TenantId tenant, String username, AdminRole role,
                                                       Set<Capability> capabilities) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        if (!Admin.isValidUsername(username)) {
            throw new IllegalArgumentException("username must be 1-64 characters: letters, digits, '.', '_', '@', '-'");
        }
        if (role == null) {
            throw new IllegalArgumentException("role is required");
        }
        requireGrantable(actor, role, capabilities);
        String password = PasswordHasher.generatePassword();
        // Slow on purpose: hashed before the transaction, so no connection waits for it.
        String hash = passwords.hash(password.toCharArray());
        Admin created = store.inTransaction(() -> {
            // Locked, so a concurrent create of the same name in another case waits and then sees it.
            if (!store.tenants().lock(tenant)) {
                throw new AdminFailure.NotFound("no tenant " + tenant);
            }
            // Usernames differing only in case would share a login throttle and confuse people: one of them is enough.
            boolean taken = store.admins().list(tenant).stream()
                    .anyMatch(a -> a.username().equalsIgnoreCase(username));
            if (taken) {
                throw new DuplicateException("admin " + username + " exists in tenant " + tenant, null);
            }
            Instant now = clock.instant();
            Admin admin = new Admin(UUID.randomUUID().toString(), tenant, username, role,
                    grantable(role, capabilities), hash, true, null, now, now);
            store.admins().insert(admin);
            audit(actor, ADMIN_CREATE, null, admin.id(), null, adminJson(admin), null);
            return admin;
        });
        return new AdminAccounts.AdminWithPassword(created, password);
    }

    /** @throws IllegalStateException when it would leave the tenant without an admin */
    public Admin updateAdmin(Actor actor, TenantId tenant, String adminId, AdminRole role,
                             Set<Capability> capabilities) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        if (role == null) {
            throw new IllegalArgumentException("role is required");
        }
        requireGrantable(actor, role, capabilities);
        return store.inTransaction(() -> {
            lockAdmins(tenant);
            Admin before = findAdmin(tenant, adminId);
            requireOutranks(actor, before);
            if (before.role() == AdminRole.ADMIN && role != AdminRole.ADMIN && isLastAdmin(before)) {
                throw new IllegalStateException("the tenant must keep at least one admin with role admin");
            }
            Admin after = before.withRole(role, grantable(role, capabilities), clock.instant());
            if (!store.admins().update(after)) {
                throw new AdminFailure.NotFound("no admin " + adminId + " in tenant " + tenant);
            }
            audit(actor, ADMIN_UPDATE, null, adminId, adminJson(before), adminJson(after), null);
            return after;
        });
    }

    /**
     * A merge patch: a null {@code role} or {@code capabilities} keeps the admin's current one. Read
     * and written in one transaction, so two patches of different fields both take effect.
     *
     * @throws IllegalStateException when it would leave the tenant without an admin
     */
    public Admin patchAdmin(Actor actor, TenantId tenant, String adminId, AdminRole role,
                            Set<Capability> capabilities) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        return store.inTransaction(() -> {
            // updateAdmin's transaction joins this one and takes the lock again, which it already holds.
            lockAdmins(tenant);
            Admin current = findAdmin(tenant, adminId);
            return updateAdmin(actor, tenant, adminId, role == null ? current.role() : role,
                    capabilities == null ? current.capabilities() : capabilities);
        });
    }

    /** Ends the admin's sessions too. @throws IllegalStateException for the last admin, or oneself */
    public void deleteAdmin(Actor actor, TenantId tenant, String adminId) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        store.inTransaction(() -> {
            lockAdmins(tenant);
            Admin before = findAdmin(tenant, adminId);
            requireOutranks(actor, before);
            if (actor.kind() == Actor.Kind.ADMIN && actor.id().equals(adminId)) {
                throw new IllegalStateException("an admin cannot delete themself");
            }
            if (before.role() == AdminRole.ADMIN && isLastAdmin(before)) {
                throw new IllegalStateException("the tenant must keep at least one admin with role admin");
            }
            store.adminSessions().deleteForAdmin(tenant, adminId);
            store.admins().delete(tenant, adminId);
            audit(actor, ADMIN_DELETE, null, adminId, adminJson(before), null, null);
        });
    }

    /**
     * Gives another admin a generated password, to be changed at their next login, and ends their
     * sessions: whoever knew or guessed the old one is out. Their second factor, if any, stays.
     * Their own password an admin changes from their account, with the current one
     * ({@link AdminAccounts#changePassword}).
     *
     * @throws IllegalStateException for oneself
     */
    public AdminAccounts.AdminWithPassword resetPassword(Actor actor, TenantId tenant, String adminId) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        String password = PasswordHasher.generatePassword();
        // Slow on purpose: hashed before the transaction, so no connection waits for it.
        String hash = passwords.hash(password.toCharArray());
        Admin reset = store.inTransaction(() -> {
            Admin before = findAdmin(tenant, adminId);
            requireOutranks(actor, before);
            if (actor.kind() == Actor.Kind.ADMIN && actor.id().equals(adminId)) {
                // A session alone must not replace its own admin's password: that asks for the current one.
                throw new IllegalStateException("an admin changes their own password from their account, "
                        + "with the current one");
            }
            Admin after = before.withPassword(hash, true, clock.instant());
            if (!store.admins().update(after)) {
                throw new AdminFailure.NotFound("no admin " + adminId + " in tenant " + tenant);
            }
            store.adminSessions().deleteForAdmin(tenant, adminId);
            audit(actor, ADMIN_PASSWORD_RESET, null, adminId, adminJson(before), adminJson(after), null);
            return after;
        });
        return new AdminAccounts.AdminWithPassword(reset, password);
    }

    /**
     * Removes another admin's second factor, so they sign in with their password alone until they
     * enrol a new one. Their own they disable with their password ({@link AdminAccounts#disableTotp}).
     *
     * @throws IllegalStateException for oneself, or an admin with no second factor
     */
    public Admin resetTotp(Actor actor, TenantId tenant, String adminId) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        return store.inTransaction(() -> {
            Admin before = findAdmin(tenant, adminId);
            requireOutranks(actor, before);
            if (actor.kind() == Actor.Kind.ADMIN && actor.id().equals(adminId)) {
                // A session alone must not strip its own admin's second factor: that asks for the password.
                throw new IllegalStateException("an admin disables their own second factor from their account, "
                        + "with their password");
            }
            if (before.totpSecret() == null) {
                throw new IllegalStateException("admin " + before.username() + " has no second factor");
            }
            Admin after = before.withTotpSecret(null, clock.instant());
            if (!store.admins().update(after)) {
                throw new AdminFailure.NotFound("no admin " + adminId + " in tenant " + tenant);
            }
            audit(actor, ADMIN_TOTP_RESET, null, adminId, adminJson(before), adminJson(after), null);
            return after;
        });
    }

    // Users (the users API's directory): MANAGE_USERS

    public Page<User> listUsers(Actor actor, TenantId tenant, int offset, int limit) {
        authorize(actor, tenant, Capability.MANAGE_USERS);
        requirePage(offset, limit);
        List<User> items = store.users().list(tenant, UserRepository.Filter.ALL, offset, limit);
        return new Page<>(items, offset, limit, store.users().count(tenant, UserRepository.Filter.ALL));
    }

    public User createUser(Actor actor, TenantId tenant, String username, String email, String firstName,
                           String lastName) {
        authorize(actor, tenant, Capability.MANAGE_USERS);
        UserValidation check = UserValidation.of(username, email, firstName, lastName);
        if (!check.isValid()) {
            throw new IllegalArgumentException("invalid user: " + check.errors().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("; ")));
        }
        return store.inTransaction(() -> {
            if (store.tenants().find(tenant).isEmpty()) {
                throw new AdminFailure.NotFound("no tenant " + tenant);
            }
            User user = User.create(tenant, username, email, firstName, lastName, clock.instant());
            store.users().insert(user);
            audit(actor, USER_CREATE, null, user.id(), null, userJson(user), null);
            return user;
        });
    }

    public void deleteUser(Actor actor, TenantId tenant, String userId) {
        authorize(actor, tenant, Capability.MANAGE_USERS);
        store.inTransaction(() -> {
            User before = (User.isId(userId) ? store.users().find(tenant, userId) : Optional.<User>empty())
                    .orElseThrow(() -> new AdminFailure.NotFound("no user " + userId + " in tenant " + tenant));
            store.users().delete(tenant, userId);
            audit(actor, USER_DELETE, null, userId, userJson(before), null, null);
        });
    }

    // Audit: VIEW_AUDIT

    /** A page of the log, newest first, with the number of events the filter matches. */
    public Page<AuditEvent> audit(Actor actor, TenantId tenant, AuditRepository.Filter filter, int offset,
                                  int limit) {
        authorize(actor, tenant, Capability.VIEW_AUDIT);
        requirePage(offset, limit);
        AuditRepository.Filter f = filter == null ? AuditRepository.Filter.ALL : filter;
        return new Page<>(store.audit().query(tenant, f, offset, limit), offset, limit, store.audit().count(tenant, f));
    }

    /**
     * The current names of those of {@code ids} that are a client (its name) or an admin (their
     * username) of the tenant, so the audit log can show a name beside each id it recorded; ids of
     * neither (deleted, or never one) are left out. Needs VIEW_AUDIT only: the log already names
     * the clients and admins it records, and reading it must not need the power to manage them.
     */
    public Map<String, String> auditNames(Actor actor, TenantId tenant, Collection<String> ids) {
        authorize(actor, tenant, Capability.VIEW_AUDIT);
        Set<String> wanted = ids == null ? Set.of() : Set.copyOf(ids);
        Map<String, String> names = new HashMap<>();
        if (wanted.isEmpty()) {
            return names;
        }
        for (ClientCredential client : clients.list(tenant)) {
            if (wanted.contains(client.clientId().value())) {
                names.put(client.clientId().value(), client.name());
            }
        }
        for (Admin admin : store.admins().list(tenant)) {
            if (wanted.contains(admin.id())) {
                names.put(admin.id(), admin.username());
            }
        }
        return names;
    }

    /**
     * For an admin's own actions that need no capability (logouts, password changes); see
     * {@link #ADMIN_LOGOUT}, {@link #ADMIN_PASSWORD_CHANGE}. The target is the
     * actor itself.
     *
     * @throws IllegalArgumentException when {@code action} is not a dotted lower-case verb
     */
    public void record(Actor actor, String action, String detail, Instant at) {
        Objects.requireNonNull(actor, "actor");
        if (action == null || !ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("action must be a dotted lower-case verb such as admin.login");
        }
        AuditEvent event = AuditEvent.of(actor, at == null ? clock.instant() : at, action, null, actor.id(), null,
                null, detail);
        store.inTransaction(() -> store.audit().append(List.of(event)));
    }

    /**
     * An admin scope on a client is a capability for whoever holds its secret: granting one the
     * actor does not hold would let {@code manage_client_credentials} mint itself
     * {@code manage_admins}. Scopes the client already had may stay.
     */
    private static void requireHeld(Actor actor, ScopeSet requested, ScopeSet already) {
        for (ScopeName scope : requested) {
            Optional<Capability> capability = Capability.fromScope(scope);
            if (capability.isPresent() && !already.contains(scope) && !actor.may(capability.get())) {
                throw new AdminFailure.Forbidden(null, "granting " + scope + " needs the capability "
                        + capability.get().wireName() + " yourself");
            }
        }
    }

    /**
     * A client holding admin scopes is those capabilities for whoever holds its secret: rotating,
     * changing, enabling or deleting it needs every one of them, or a credentials manager could
     * rotate an all-powerful client's secret and read the new one.
     */
    private static void requireOutranks(Actor actor, ClientCredential target) {
        for (ScopeName scope : target.allowedScopes()) {
            Optional<Capability> capability = Capability.fromScope(scope);
            if (capability.isPresent() && !actor.may(capability.get())) {
                throw new AdminFailure.Forbidden(null, "this client holds " + scope + "; changing it needs the capability "
                        + capability.get().wireName() + " yourself");
            }
        }
    }

    /** An admin manager acts only on admins who hold nothing it lacks: no demoting or deleting a superior. */
    private static void requireOutranks(Actor actor, Admin target) {
        for (Capability capability : target.effectiveCapabilities()) {
            if (!actor.may(capability)) {
                throw new AdminFailure.Forbidden(null, "admin " + target.username() + " holds " + capability.wireName()
                        + "; changing them needs that capability yourself");
            }
        }
    }

    /** Capabilities are handed on, never created: no one grants more than they hold. */
    private static void requireGrantable(Actor actor, AdminRole role, Set<Capability> capabilities) {
        Set<Capability> granted = role == AdminRole.ADMIN ? EnumSet.allOf(Capability.class)
                : capabilities == null ? Set.of() : capabilities;
        for (Capability capability : granted) {
            if (!actor.may(capability)) {
                throw new AdminFailure.Forbidden(null, "granting " + capability.wireName() + (role == AdminRole.ADMIN
                        ? " (role admin holds every capability)" : "") + " needs that capability yourself");
            }
        }
    }

    // What an audit record shows of each object: every field but secrets, hashes and TOTP seeds.

    static String clientJson(ClientCredential client) {
        Map<String, Object> json = AdminViews.clientSettings(client);
        json.put("builtin", client.isBuiltin());
        json.put("secrets", AdminViews.secrets(client));
        return JSONObjectUtils.toJSONString(json);
    }


    static String adminJson(Admin admin) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", admin.id());
        json.put("username", admin.username());
        json.put("role", admin.role().name().toLowerCase(Locale.ROOT));
        json.put("capabilities", Arrays.stream(Capability.values())
                .filter(admin.capabilities()::contains).map(Capability::wireName).toList());
        json.put("must_change_password", admin.mustChangePassword());
        json.put("totp_enrolled", admin.totpSecret() != null);
        return JSONObjectUtils.toJSONString(json);
    }

    static String scopeJson(ScopeDefinition scope) {
        return JSONObjectUtils.toJSONString(AdminViews.scope(scope));
    }

    static String userJson(User user) {
        return JSONObjectUtils.toJSONString(AdminViews.userFields(user));
    }

    private void audit(Actor actor, String action, ClientId client, String before, String after, String detail) {
        audit(actor, action, client.value(), client.value(), before, after, detail);
    }

    private void audit(Actor actor, String action, String clientId, String target, String before, String after,
                       String detail) {
        store.audit().append(List.of(AuditEvent.of(actor, clock.instant(), action, clientId, target, before, after,
                detail)));
    }

    /** Tenant first, so another tenant's objects look absent rather than forbidden; then any one of {@code anyOf}. */
    private static void authorize(Actor actor, TenantId tenant, Capability... anyOf) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(tenant, "tenant");
        if (!actor.tenant().equals(tenant)) {
            throw new AdminFailure.NotFound("no tenant " + tenant);
        }
        for (Capability capability : anyOf) {
            if (actor.may(capability)) {
                return;
            }
        }
        throw new AdminFailure.Forbidden(null, "requires the capability " + Arrays.stream(anyOf).map(Capability::wireName)
                .collect(Collectors.joining(" or ")));
    }

    private static void requirePage(int offset, int limit) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
    }

    private Admin findAdmin(TenantId tenant, String adminId) {
        return (adminId == null ? Optional.<Admin>empty() : store.admins().find(tenant, adminId))
                .orElseThrow(() -> new AdminFailure.NotFound("no admin " + adminId + " in tenant " + tenant));
    }

    /**
     * Admin changes of one tenant run one after another: each checks a rule over all the tenant's
     * admins (at least one with role admin) and then writes, which two transactions under READ
     * COMMITTED could otherwise both pass. Admin changes are rare, so waiting costs nothing.
     */
    private void lockAdmins(TenantId tenant) {
        if (!store.tenants().lock(tenant)) {
            throw new AdminFailure.NotFound("no tenant " + tenant);
        }
    }

    private boolean isLastAdmin(Admin admin) {
        return store.admins().list(admin.tenantId()).stream()
                .noneMatch(a -> a.role() == AdminRole.ADMIN && !a.id().equals(admin.id()));
    }

    /** An admin holds everything by role, so granted capabilities are kept for additional admins only. */
    private static Set<Capability> grantable(AdminRole role, Set<Capability> capabilities) {
        return role == AdminRole.ADMIN || capabilities == null ? Set.of() : capabilities;
    }
}
