// node oidc-provider as the peer in bench/peers.sh: one confidential client, client_credentials
// with client_secret_basic, in-memory storage (its default), tokens opaque or RS256 JWT.
//   node oidc-provider.mjs PORT opaque|jwt CLIENT_ID CLIENT_SECRET
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const [port, format, clientId, clientSecret] = process.argv.slice(2);
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' };
const resource = 'urn:bench:api';

const provider = new Provider(`http://127.0.0.1:${port}`, {
  jwks: { keys: [jwk] },
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    // Client-credentials tokens are opaque unless issued for a resource server whose format is jwt.
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: resource,
        accessTokenTTL: 300,
        accessTokenFormat: format === 'jwt' ? 'jwt' : 'opaque',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`listening on ${port} (${format})`));
