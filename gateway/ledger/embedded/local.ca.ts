/**
 * A tiny certificate authority per MSP for the embedded ledger: ECDSA P-256 X.509 certificates in the
 * shape Fabric CA enrolls (`OU` = identity type, attributes in the extension `1.2.3.4.5.6.7.8.1`), so
 * that fabric-shim's `ClientIdentity` reads the MSP id, the id and the `role` / `companyId`
 * attributes exactly as on a real network.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

import { KEYUTIL, KJUR, type CertificateTBSParams } from 'jsrsasign';

import type { X509Identity } from './x509.identity';

/** The certificate extension Fabric CA stores enrollment attributes in. */
export const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';

/** The identity types Fabric CA registers; each becomes the certificate's `OU` and `hf.Type`. */
export type IdentityType = 'client' | 'peer' | 'orderer' | 'admin';

/** How to set up a certificate authority. */
export interface LocalCaOptions {
  /** The MSP whose members this CA enrolls, e.g. `EnterpriseMSP`. */
  readonly mspId: string;
  /** The `O` of the CA and of its certificates; defaults to the MSP id without its `MSP` suffix. */
  readonly organization?: string;
  /** Where validity periods start; defaults to the system clock. */
  readonly clock?: () => Date;
}

/** Who to enroll. */
export interface EnrollOptions {
  /** The enrollment id, which becomes the certificate's `CN` and `hf.EnrollmentID`. */
  readonly enrollmentId: string;
  /** Defaults to `client`. */
  readonly type?: IdentityType;
  /** Attributes for the chaincode, e.g. `{ role: 'enterprise', companyId: '91350100M000100Y43' }`. */
  readonly attributes?: Readonly<Record<string, string>>;
  /** Defaults to 365, Fabric CA's default enrollment certificate lifetime. */
  readonly validityDays?: number;
}

interface KeyPair {
  /** Node's key: certificates are signed with it natively. */
  readonly privateKey: KeyObject;
  /** jsrsasign's view of the public key, which it encodes as a subject key and a key identifier. */
  readonly publicKey: KJUR.crypto.ECDSA;
}
interface DistinguishedName {
  readonly array: [{ type: string; value: string; ds: string }][];
}

const DAY_MS = 24 * 60 * 60 * 1000;
// Fabric CA backdates certificates by five minutes to tolerate clock skew.
const BACKDATE_MS = 5 * 60 * 1000;
const CA_VALIDITY_DAYS = 15 * 365;

function generateKeyPair(): KeyPair {
  // Node's native key generation is two orders of magnitude faster than jsrsasign's pure-JS one.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jsrsasignPublicKey = KEYUTIL.getKey(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  if (!(jsrsasignPublicKey instanceof KJUR.crypto.ECDSA)) {
    throw new TypeError('jsrsasign did not read a P-256 public key');
  }
  return { privateKey, publicKey: jsrsasignPublicKey };
}

/** A certificate's fields, before it is signed; the signature algorithm is the one `signedCertificate` uses. */
type CertificateFields = Omit<CertificateTBSParams, 'sigalg'>;

/** ECDSA over SHA-256, as Fabric CA signs: jsrsasign's name of what `signedCertificate` computes. */
const SIGNATURE_ALGORITHM = 'SHA256withECDSA';

/**
 * The PEM of a certificate: jsrsasign encodes the fields, Node signs them with the issuer's key. (jsrsasign's
 * own ECDSA signing is pure JavaScript: 70 ms per certificate on a slow machine, and several times that
 * inside jest, where a service's start-up issues a certificate for every identity.)
 */
function signedCertificate(fields: CertificateFields, issuerKey: KeyObject): string {
  const tbsobj = new KJUR.asn1.x509.TBSCertificate({ ...fields, sigalg: SIGNATURE_ALGORITHM });
  // ECDSA signatures in DER (Node's default encoding), as X.509 carries them.
  const sighex = sign('sha256', Buffer.from(tbsobj.getEncodedHex(), 'hex'), issuerKey).toString('hex');
  // The signature algorithm is named again outside the signed part; jsrsasign reads it from `sigalg`.
  return new KJUR.asn1.x509.Certificate({ tbsobj, sigalg: SIGNATURE_ALGORITHM, sighex }).getPEM();
}

/** ASN.1 time: UTCTime (YYMMDDhhmmssZ) until 2049, GeneralizedTime after, as RFC 5280 asks. */
function toAsn1Time(date: Date): string {
  const iso = date.toISOString(); // 2025-01-31T12:34:56.789Z
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return date.getUTCFullYear() < 2050 ? `${digits.slice(2)}Z` : `${digits}Z`;
}

/** A random positive serial number, as Fabric CA assigns. */
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  // Clear the sign bit and keep the first byte non-zero so that the DER integer is positive and minimal.
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

function distinguishedName(parts: readonly (readonly [string, string])[]): DistinguishedName {
  return {
    array: parts.map(([type, value]) => [{ type, value, ds: type === 'C' ? 'prn' : 'utf8' }]),
  };
}

/** The extension value Fabric CA writes: `{"attrs":{...}}` with the keys sorted, as Go marshals a map. */
function attributesJson(attributes: Readonly<Record<string, string>>): string {
  const sorted = Object.fromEntries(
    Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return JSON.stringify({ attrs: sorted });
}

/**
 * A certificate authority for one MSP, with a self-signed root.
 *
 * Generating a key takes a few milliseconds; enroll each identity once and reuse it.
 *
 * @example
 * const ca = new LocalCertificateAuthority({ mspId: 'EnterpriseMSP' });
 * const alice = ca.enroll({ enrollmentId: 'alice', attributes: { role: 'enterprise', companyId } });
 * await peer.submit(alice, 'CreateSelfTest', [json]);
 */
export class LocalCertificateAuthority {
  /** The MSP this CA enrolls for. */
  readonly mspId: string;
  /** The `O` of every certificate it issues. */
  readonly organization: string;
  /** The CA's self-signed root certificate (PEM), i.e. the MSP's `cacerts` entry. */
  readonly certificate: string;

  readonly #keys: KeyPair;
  readonly #issuer: DistinguishedName;
  readonly #clock: () => Date;

  /**
   * Creates a CA with a fresh key and a self-signed root certificate.
   *
   * @example
   * const regulatorCa = new LocalCertificateAuthority({ mspId: 'RegulatorMSP', organization: 'Regulator' });
   */
  constructor(options: LocalCaOptions) {
    this.mspId = options.mspId;
    this.organization = options.organization ?? options.mspId.replace(/MSP$/, '');
    this.#clock = options.clock ?? (() => new Date());
    this.#keys = generateKeyPair();
    this.#issuer = distinguishedName([
      ['C', 'CN'],
      ['O', this.organization],
      ['CN', `ca.${this.organization.toLowerCase()}`],
    ]);
    const notBefore = new Date(this.#clock().getTime() - BACKDATE_MS);
    this.certificate = signedCertificate(
      {
        version: 3,
        serial: { hex: randomSerialHex() },
        issuer: this.#issuer,
        subject: this.#issuer,
        notbefore: toAsn1Time(notBefore),
        notafter: toAsn1Time(new Date(notBefore.getTime() + CA_VALIDITY_DAYS * DAY_MS)),
        sbjpubkey: this.#keys.publicKey,
        ext: [
          { extname: 'basicConstraints', cA: true, critical: true },
          { extname: 'keyUsage', critical: true, names: ['digitalSignature', 'keyCertSign', 'cRLSign'] },
          { extname: 'subjectKeyIdentifier', kid: this.#keys.publicKey },
        ],
      },
      this.#keys.privateKey,
    );
  }

  /**
   * Same as `new LocalCertificateAuthority(options)`, for callers that prefer a factory.
   *
   * @example
   * const enterpriseCa = LocalCertificateAuthority.create({ mspId: 'EnterpriseMSP' });
   */
  static create(options: LocalCaOptions): LocalCertificateAuthority {
    return new LocalCertificateAuthority(options);
  }

  /**
   * Issues a certificate and key for a new member of the MSP.
   *
   * The attribute extension also carries `hf.EnrollmentID`, `hf.Type` and `hf.Affiliation`, which
   * Fabric CA adds to every enrollment certificate.
   *
   * @throws when the enrollment id is empty.
   */
  enroll(options: EnrollOptions): X509Identity {
    if (options.enrollmentId === '') {
      throw new Error('enrollmentId must not be empty');
    }
    const type = options.type ?? 'client';
    const keys = generateKeyPair();
    const notBefore = new Date(this.#clock().getTime() - BACKDATE_MS);
    const attributes = {
      'hf.Affiliation': '',
      'hf.EnrollmentID': options.enrollmentId,
      'hf.Type': type,
      ...options.attributes,
    };
    const certificate = signedCertificate(
      {
        version: 3,
        serial: { hex: randomSerialHex() },
        issuer: this.#issuer,
        subject: distinguishedName([
          ['C', 'CN'],
          ['O', this.organization],
          ['OU', type],
          ['CN', options.enrollmentId],
        ]),
        notbefore: toAsn1Time(notBefore),
        notafter: toAsn1Time(new Date(notBefore.getTime() + (options.validityDays ?? 365) * DAY_MS)),
        sbjpubkey: keys.publicKey,
        ext: [
          { extname: 'basicConstraints', cA: false, critical: true },
          { extname: 'keyUsage', critical: true, names: ['digitalSignature'] },
          { extname: 'subjectKeyIdentifier', kid: keys.publicKey },
          { extname: 'authorityKeyIdentifier', kid: this.#keys.publicKey },
          {
            extname: FABRIC_ATTRIBUTES_OID,
            extn: Buffer.from(attributesJson(attributes), 'utf8').toString('hex'),
          },
        ],
      },
      this.#keys.privateKey,
    );
    return {
      mspId: this.mspId,
      certificate,
      privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  }
}
