#!/usr/bin/env node
/**
 * Registers and enrols the client users the gateway (and the tests) sign with, at their org's
 * fabric-ca, with the npm `fabric-ca-client` package. Each carries its `role` (and, for an
 * enterprise, its `companyId`) as ecert attributes, which the chaincode reads.
 *
 * Reads `network/run/network.json` (written by up.sh) and writes, under network/run:
 * - `wallet/<name>/{cert.pem,key.pem}` and `wallet/<name>/msp/` (the same identity as an MSP
 *   folder, for the peer CLI);
 * - `gateway.json`: how a client reaches the network (the schema of
 *   gateway/ledger/fabric/fabric.config.ts), including the gateway's own system identity;
 * - `identities.json`: API tokens and the wallet entry each stands for (the gateway's identities
 *   file); tokens are made once and kept across runs;
 * - `test-identities.json`: identities that only tests use and the identities file cannot hold
 *   (an enterprise-CA certificate claiming the regulator role).
 *
 * Idempotent: an identity already in the wallet is kept as it is.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const FabricCAServices = require('fabric-ca-client');
const { User } = require('fabric-common');

// fabric-ca-client adds a timeout listener to the (kept-alive) socket per request; a dozen
// requests to one CA trip Node's leak warning although nothing leaks.
EventEmitter.defaultMaxListeners = 50;

const NETWORK_DIR = path.dirname(fileURLToPath(import.meta.url));
const RUN_DIR = path.resolve(process.env.FIC_RUN_DIR ?? path.join(NETWORK_DIR, 'run'));
const WALLET_DIR = path.join(RUN_DIR, 'wallet');

/** The example companies (as in gateway/identity/identity.file.ts STARTER_COMPANIES). */
const COMPANIES = [
  { companyId: '91350100M000100Y43', name: '福州闽江绿色蔬菜有限公司' },
  { companyId: '91330106MA27XK1W24', name: '杭州西湖乳业有限公司' },
  { companyId: '91440300MA5F00002D', name: '深圳南山烘焙食品有限公司' },
];
/** A valid credit code that is none of the above: a company the tests' intruder works for. */
const OTHER_COMPANY = '91110108MA01C0TH7L';

/**
 * Who gets enrolled. `entry: 'system'` goes to gateway.json, `'identities'` to identities.json,
 * `'test'` to test-identities.json.
 */
const USERS = [
  {
    id: 'gateway-system',
    org: 'regulator',
    role: 'regulator',
    label: 'Gateway system identity',
    entry: 'system',
  },
  {
    id: 'regulator',
    org: 'regulator',
    role: 'regulator',
    label: 'Provincial market regulator',
    entry: 'identities',
  },
  {
    id: 'recall-coordinator',
    org: 'regulator',
    role: 'recall',
    label: 'Recall coordination office',
    entry: 'identities',
  },
  ...COMPANIES.map((c) => ({
    id: `enterprise-${c.companyId}`,
    org: 'enterprise',
    role: 'enterprise',
    companyId: c.companyId,
    label: `${c.name} lab system`,
    entry: 'identities',
  })),
  {
    id: 'test-enterprise-other-company',
    org: 'enterprise',
    role: 'enterprise',
    companyId: OTHER_COMPANY,
    label: 'Test: lab system of another company',
    entry: 'identities',
  },
  {
    id: 'test-enterprise-claims-regulator',
    org: 'enterprise',
    role: 'regulator',
    label: 'Test: enterprise-CA certificate claiming the regulator role',
    entry: 'test',
  },
];

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const writePrivate = (file, text) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text, { mode: 0o600 });
};
const secret = () => randomBytes(16).toString('hex');
const token = () => randomBytes(24).toString('base64url');

function caServices(ca) {
  const trustedRoots = [readFileSync(ca.tlsCaCertFile)];
  return new FabricCAServices(ca.url, { trustedRoots, verify: true }, ca.caName);
}

function registrarOf(ca) {
  return User.createUser(
    'admin',
    null,
    ca.mspId,
    readFileSync(ca.registrar.certificateFile, 'utf8'),
    readFileSync(ca.registrar.privateKeyFile, 'utf8'),
  );
}

/** Registers the user, or gives an existing registration a new secret (a wallet lost midway). */
async function registerOrReset(services, registrar, user, enrollmentSecret, attrs) {
  try {
    await services.register(
      { enrollmentID: user.id, enrollmentSecret, role: 'client', affiliation: '', attrs, maxEnrollments: -1 },
      registrar,
    );
  } catch (error) {
    if (!String(error).includes('already registered')) throw error;
    await services.newIdentityService().update(user.id, { enrollmentSecret, attrs }, registrar);
  }
}

function writeMspFolder(dir, ca, certificate, key) {
  writePrivate(path.join(dir, 'signcerts', 'cert.pem'), certificate);
  writePrivate(path.join(dir, 'keystore', 'priv_sk'), key);
  writePrivate(path.join(dir, 'cacerts', 'ca.pem'), readFileSync(ca.caCertFile, 'utf8'));
  writePrivate(
    path.join(dir, 'config.yaml'),
    ['client', 'peer', 'admin', 'orderer'].reduce(
      (yaml, ou) =>
        `${yaml}  ${ou[0].toUpperCase()}${ou.slice(1)}OUIdentifier: { Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: ${ou} }\n`,
      'NodeOUs:\n  Enable: true\n',
    ),
  );
}

async function enrol(network, user) {
  const dir = path.join(WALLET_DIR, user.id);
  const certificateFile = path.join(dir, 'cert.pem');
  const privateKeyFile = path.join(dir, 'key.pem');
  const ca = network.cas[user.org];
  const wallet = { mspId: ca.mspId, certificateFile, privateKeyFile };
  if (existsSync(certificateFile) && existsSync(privateKeyFile)) return { wallet, fresh: false };

  const services = caServices(ca);
  const attrs = [{ name: 'role', value: user.role, ecert: true }];
  if (user.companyId) attrs.push({ name: 'companyId', value: user.companyId, ecert: true });
  const enrollmentSecret = secret();
  await registerOrReset(services, registrarOf(ca), user, enrollmentSecret, attrs);
  const enrollment = await services.enroll({
    enrollmentID: user.id,
    enrollmentSecret,
    attr_reqs: attrs.map((a) => ({ name: a.name, optional: false })),
  });
  const key = enrollment.key.toBytes();
  writePrivate(certificateFile, enrollment.certificate);
  writePrivate(privateKeyFile, key);
  writeMspFolder(path.join(dir, 'msp'), ca, enrollment.certificate, key);
  return { wallet, fresh: true };
}

async function main() {
  const networkFile = path.join(RUN_DIR, 'network.json');
  if (!existsSync(networkFile)) throw new Error(`${networkFile} is missing; run network/up.sh`);
  const network = readJson(networkFile);

  const identitiesFile = path.join(RUN_DIR, 'identities.json');
  const previous = existsSync(identitiesFile) ? readJson(identitiesFile) : [];
  const tokenOf = (name) => previous.find((e) => e.name === name)?.token ?? token();

  const identities = [];
  const tests = [];
  let system;
  const enrolled = [];
  for (const user of USERS) {
    const { wallet, fresh } = await enrol(network, user);
    if (fresh) enrolled.push(user.id);
    if (user.entry === 'system') system = wallet;
    if (user.entry === 'identities') {
      identities.push({
        token: tokenOf(user.label),
        name: user.label,
        org: user.org,
        role: user.role,
        ...(user.companyId ? { companyId: user.companyId } : {}),
        wallet,
      });
    }
    if (user.entry === 'test') {
      tests.push({
        name: user.label,
        enrollmentId: user.id,
        claims: { role: user.role, ...(user.companyId ? { companyId: user.companyId } : {}) },
        wallet,
        msp: path.join(WALLET_DIR, user.id, 'msp'),
      });
    }
  }

  const gateway = {
    channel: network.channel,
    chaincode: network.chaincode,
    // The chaincode's one (default) contract: transaction names need no `inspection:` prefix.
    contract: network.contract,
    organizations: Object.values(network.peers).map((p) => ({
      mspId: p.mspId,
      peerEndpoint: p.endpoint,
      tlsCaCertFile: p.tlsCaCertFile,
      hostAlias: p.hostAlias,
    })),
    system,
    identitiesFile,
  };
  writePrivate(path.join(RUN_DIR, 'gateway.json'), `${JSON.stringify(gateway, null, 2)}\n`);
  writePrivate(identitiesFile, `${JSON.stringify(identities, null, 2)}\n`);
  writePrivate(path.join(RUN_DIR, 'test-identities.json'), `${JSON.stringify(tests, null, 2)}\n`);
  process.stderr.write(
    `enroll-users: ${enrolled.length ? `enrolled ${enrolled.join(', ')}` : 'every user already enrolled'}; ` +
      `wrote gateway.json, identities.json (${identities.length}), test-identities.json (${tests.length})\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`enroll-users failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
