// An OpenID Connect provider on loopback for the single sign-on tests: the
// certified oidc-provider package (npm, by panva; `make oidc-provider`
// installs it under node_modules/.oidc/), with one client and a few people.
//
//   node tests/oidc/provider.mjs PACKAGE_DIR PORT REDIRECT_URI
//
// Prints "ready" on standard output once it listens on 127.0.0.1:PORT. The
// sign-in page at /interaction/<uid> takes a login name (one of PEOPLE) and
// no password; consent is given for the client, which is first-party.
import http from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [packageDir, port, redirectUri] = process.argv.slice(2);
if (!packageDir || !port || !redirectUri) {
  console.error('usage: provider.mjs PACKAGE_DIR PORT REDIRECT_URI');
  process.exit(2);
}
const { default: Provider } = await import(
  pathToFileURL(join(packageDir, 'lib', 'index.js')).href
);

const CLIENT_ID = 'learning-partnerships';
const CLIENT_SECRET = 'a-secret-for-the-tests-only';

// The claims each person's userinfo gives.
const PEOPLE = {
  nadia: { email: 'Nadia.Okafor@Example.org', email_verified: true },
  unverified: { email: 'nadia.okafor@example.org', email_verified: false },
  stranger: { email: 'stranger@example.org', email_verified: true },
  shared: { email: 'shared@example.org', email_verified: true },
};

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  jwks: {
    keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }],
  },
  cookies: { keys: ['cookie-key-for-the-tests-only'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    if (!(id in PEOPLE)) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...PEOPLE[id] }) };
  },
  // The service is first-party: consent to what it asks is given at once.
  async loadExistingGrant(ctx) {
    const { client, session } = ctx.oidc;
    const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope('openid email');
    await grant.save();
    return grant;
  },
});

const page = (uid, error) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to the test provider</title></head>
<body><h1>Sign in to the test provider</h1>${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}">
<label for="login">Login</label> <input id="login" name="login" autocomplete="username">
<button type="submit">Sign in</button></form></body></html>`;

const readForm = (req) => new Promise((resolve, reject) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => resolve(new URLSearchParams(body)));
  req.on('error', reject);
});

const handle = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = new URL(req.url, issuer).pathname.match(/^\/interaction\/([\w-]+)$/);
  if (!match) {
    handle(req, res);
    return;
  }
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'POST') {
      const login = (await readForm(req)).get('login') || '';
      if (login in PEOPLE) {
        await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(details.uid, 'No such login.'));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(details.uid, ''));
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(String(error));
  }
});
server.listen(Number(port), '127.0.0.1', () => {
  console.log('ready');
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
