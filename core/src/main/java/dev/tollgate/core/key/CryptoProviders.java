package dev.tollgate.core.key;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.Security;

/**
 * Puts the Amazon Corretto Crypto Provider first where its native library loads. Signing is most
 * of a token's cost: on one core here the JDK signs ES256 about 8,300 times a second and ACCP about
 * 61,000. Where ACCP does not load (another OS or CPU), the JDK's provider serves, and the log says so.
 */
public final class CryptoProviders {

    private static final Logger LOG = LoggerFactory.getLogger(CryptoProviders.class);
    private static volatile String active;

    private CryptoProviders() {
    }

    /** Idempotent. Returns the name of the provider that now serves signatures. */
    public static synchronized String installPreferred() {
        if (active != null) {
            return active;
        }
        if (Boolean.getBoolean("tollgate.crypto.jdk-only")) {
            active = "JDK (ACCP disabled by tollgate.crypto.jdk-only)";
        } else {
            active = tryAccp();
        }
        LOG.info("crypto provider: {}", active);
        return active;
    }

    public static String active() {
        return active == null ? installPreferred() : active;
    }

    private static String tryAccp() {
        try {
            AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
            if (provider.getLoadingError() != null) {
                return "JDK (ACCP did not load: " + provider.getLoadingError().getMessage() + ")";
            }
            provider.assertHealthy();
            if (Security.getProvider(provider.getName()) == null) {
                Security.insertProviderAt(provider, 1);
            }
            return provider.getName() + " " + provider.getVersionStr();
        } catch (LinkageError | RuntimeException e) {
            return "JDK (ACCP unavailable: " + e + ")";
        }
    }
}
