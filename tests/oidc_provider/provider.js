// A real OpenID provider (panva/oidc-provider, OpenID-certified) for the portal's single sign-on tests.
// Started by tests/portal/test_sso_browser.py on a free port; configured by environment variables:
//   ISSUER             the issuer URL (http://localhost:PORT), PORT is taken from it
//   CLIENT             JSON {client_id, client_secret, redirect_uris, post_logout_redirect_uris}
//   ACCOUNTS           JSON {login: {name, email, groups}}; any other login signs in with no groups
//   KEYS_FILE          a JSON file of private signing keys by kid, made here when missing and kept, so a
//                      restart can publish the old key beside a new one (key rotation)
//   SIGNING_KIDS       kids to publish, the first signs: "a", then "b,a" after a rotation
//   ID_TOKEN_TTL       seconds an ID token lives (default 3600)
// The development sign-in pages of oidc-provider accept any login with any password.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const issuer = process.env.ISSUER;
const client = JSON.parse(process.env.CLIENT);
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');
const keysFile = process.env.KEYS_FILE;
const kids = (process.env.SIGNING_KIDS || 'a').split(',');
const idTokenTtl = Number(process.env.ID_TOKEN_TTL || 3600);

const stored = existsSync(keysFile) ? JSON.parse(readFileSync(keysFile, 'utf8')) : {};
for (const kid of kids) {
  if (!stored[kid]) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    stored[kid] = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  }
}
writeFileSync(keysFile, JSON.stringify(stored));

const provider = new Provider(issuer, {
  clients: [{ ...client, grant_types: ['authorization_code'], response_types: ['code'] }],
  jwks: { keys: kids.map((kid) => stored[kid]) },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  scopes: ['openid', 'profile', 'email', 'groups'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false, // the requested claims travel in the ID token, as Entra ID and Okta can be set up
  pkce: { required: () => true },
  ttl: { IdToken: idTokenTtl },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, id) {
    const known = accounts[id] || {};
    return {
      accountId: id,
      async claims() {
        return {
          sub: `sub-${id}`,
          preferred_username: id,
          name: known.name || id,
          email: known.email || `${id}@example.org`,
          groups: known.groups || [],
        };
      },
    };
  },
});

const port = Number(new URL(issuer).port);
provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer} signing with ${kids[0]}`);
});
