// A certified OpenID provider for the tests: node-oidc-provider (web/
// devDependency, pinned), on loopback over HTTPS with the test's
// certificate. Its development interactions accept any login; the login is
// the account id and, as the test's accounts say, its email. The signing
// key is an RSA key made at start with the kid the test names, so that a
// restart with another kid is a key rotation.
//
// Environment: OIDC_PORT, OIDC_CERT, OIDC_KEY (PEM files), OIDC_CLIENT_ID,
// OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI, OIDC_KID, OIDC_ACCOUNTS (JSON:
// {"email": {"email_verified": bool}}; an unknown login is a verified
// email). Prints "ready <issuer>" once it listens.
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';

const { default: Provider } = await import(
  new URL('../../web/node_modules/oidc-provider/lib/index.js', import.meta.url));

const env = process.env;
const port = Number(env.OIDC_PORT);
const issuer = `https://127.0.0.1:${port}`;
const accounts = JSON.parse(env.OIDC_ACCOUNTS || '{}');
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: env.OIDC_KID, use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: env.OIDC_CLIENT_ID,
    client_secret: env.OIDC_CLIENT_SECRET,
    redirect_uris: [env.OIDC_REDIRECT_URI],
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [jwk] },
  cookies: { keys: ['oidc-test-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] },
  pkce: { required: () => true },
  // The ID token carries the scope's claims (email) as Entra ID and Google send them.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const a = accounts[id] || {};
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: a.email_verified !== false,
                 given_name: 'Sso', family_name: 'User' };
      },
    };
  },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));

// A browser asks for an icon the provider has not (a 404 in its console).
const callback = provider.callback()
https.createServer({ cert: fs.readFileSync(env.OIDC_CERT), key: fs.readFileSync(env.OIDC_KEY) },
                   (req, res) => (req.url === '/favicon.ico' ? res.writeHead(204).end() : callback(req, res)))
  .listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
