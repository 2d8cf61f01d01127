// An OpenID provider that misbehaves on request, for the refusals a
// certified provider cannot be made to show (a wrong audience, an expired
// or tampered ID token, a key it has not published): HTTPS on loopback,
// discovery, JWKS, an authorization endpoint that sends the browser
// straight back with a code, and a token endpoint whose ID token follows
// the mode the test last POSTed to /control (JSON, merged into the
// defaults below). Signs with node:crypto (RS256); two keys, "a" and "b".
// GET /counts answers how often the discovery document was read (the
// tests of agentdesk's cache of it).
//
// Environment: OIDC_PORT, OIDC_CERT, OIDC_KEY. Prints "ready <issuer>".
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';

const port = Number(process.env.OIDC_PORT);
const issuer = `https://127.0.0.1:${port}`;
const keys = {};
for (const kid of ['a', 'b'])
  keys[kid] = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const defaults = { aud: null, iss: issuer, exp: 300, iat: 0, kid: 'a', published: ['a'],
                   tamper: false, email: 'agent@a.example', email_verified: true, sub: null,
                   nonce: null };
let mode = { ...defaults };
const codes = new Map();
const counts = { discovery: 0 };
const b64 = (b) => Buffer.from(b).toString('base64url');

function idToken(clientId, nonce) {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid: mode.kid };
  const claims = { iss: mode.iss, sub: mode.sub || `sub-${mode.email}`, aud: mode.aud || clientId,
                   exp: now + mode.exp, iat: now + mode.iat, nonce: mode.nonce || nonce,
                   email: mode.email, email_verified: mode.email_verified };
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`;
  let sig = crypto.sign('sha256', Buffer.from(input), keys[mode.kid]);
  if (mode.tamper)
    sig[10] ^= 1;
  return `${input}.${b64(sig)}`;
}

function body(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => { data += c; });
    req.on('end', () => resolve(data));
  });
}

async function handle(req, res) {
  const url = new URL(req.url, issuer);
  const json = (status, obj) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(obj));
  };
  if (url.pathname === '/.well-known/openid-configuration') {
    counts.discovery++;
    return json(200, { issuer, authorization_endpoint: `${issuer}/auth`,
                       token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`,
                       code_challenge_methods_supported: ['S256'] });
  }
  if (url.pathname === '/counts')
    return json(200, counts);
  if (url.pathname === '/jwks')
    return json(200, { keys: mode.published.map((kid) => ({
      ...crypto.createPublicKey(keys[kid]).export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' })) });
  if (url.pathname === '/control' && req.method === 'POST') {
    mode = { ...defaults, ...JSON.parse(await body(req)) };
    return json(200, { ok: true });
  }
  if (url.pathname === '/auth') {
    const code = crypto.randomBytes(16).toString('hex');
    const q = url.searchParams;
    codes.set(code, { nonce: q.get('nonce'), clientId: q.get('client_id'),
                      challenge: q.get('code_challenge') });
    const back = new URL(q.get('redirect_uri'));
    back.searchParams.set('code', code);
    back.searchParams.set('state', q.get('state'));
    res.writeHead(302, { Location: back.toString() });
    return res.end();
  }
  if (url.pathname === '/token' && req.method === 'POST') {
    const form = new URLSearchParams(await body(req));
    const c = codes.get(form.get('code'));
    codes.delete(form.get('code'));
    const verifier = form.get('code_verifier') || '';
    if (!c || b64(crypto.createHash('sha256').update(verifier).digest()) !== c.challenge)
      return json(400, { error: 'invalid_grant' });
    return json(200, { access_token: 'at', token_type: 'Bearer', expires_in: 60,
                       id_token: idToken(c.clientId, c.nonce) });
  }
  return json(404, { error: 'not_found' });
}

https.createServer({ cert: fs.readFileSync(process.env.OIDC_CERT),
                     key: fs.readFileSync(process.env.OIDC_KEY) }, handle)
  .listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
