// An Open Badge checked as a relying party in another language would: the VC-JWT by jose against the issuer's
// key set fetched over HTTP, its status entry and the revocation list by Digital Bazaar's Bitstring Status List
// library. Usage: node verify.mjs JWKS_URL < credential.jwt; prints {"kid", "revoked", "credential"} as JSON,
// or the reason on stderr with exit code 1. Nothing here comes from Groeipad's code.
import {createRemoteJWKSet, jwtVerify} from 'jose';
import {decodeList, getCredentialStatus} from '@digitalbazaar/vc-bitstring-status-list';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const token = Buffer.concat(chunks).toString('utf8').trim();
const keys = createRemoteJWKSet(new URL(process.argv[2]), {cacheMaxAge: 0});
// Open Badges 3.0 (8.2) asks typ JWT of a badge; the status list is a plain VC-JOSE credential (vc+jwt).
const badge = {typ: 'JWT', algorithms: ['EdDSA']};
const options = {typ: 'vc+jwt', algorithms: ['EdDSA']};

try {
  const {payload: credential, protectedHeader} = await jwtVerify(token, keys, badge);
  const status = getCredentialStatus({credential, statusPurpose: 'revocation'});
  const answer = await fetch(status.statusListCredential, {headers: {accept: 'application/vc+jwt'}});
  if (!answer.ok) throw new Error(`status list: HTTP ${answer.status}`);
  const {payload: list} = await jwtVerify((await answer.text()).trim(), keys, options);
  if (list.issuer !== credential.issuer.id) throw new Error('the status list has another issuer');
  if (!list.type.includes('BitstringStatusListCredential')) throw new Error('not a BitstringStatusListCredential');
  const bits = await decodeList({encodedList: list.credentialSubject.encodedList});
  const revoked = bits.getStatus(Number.parseInt(status.statusListIndex, 10));
  console.log(JSON.stringify({kid: protectedHeader.kid, revoked, credential}));
} catch (error) {
  console.error(`${error.code || error.name}: ${error.message}`);
  process.exit(1);
}
