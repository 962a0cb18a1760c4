/**
 * The identity a transaction is proposed under, as a Fabric wallet holds it.
 */

/**
 * An X.509 identity: the MSP it belongs to, its certificate and (when it can sign) its private key.
 * The peer needs only `mspId` and `certificate`; the certificate's attribute extension carries the
 * `role` and `companyId` the chaincode reads through `ClientIdentity`.
 */
export interface X509Identity {
  readonly mspId: string;
  /** PEM-encoded X.509 certificate. */
  readonly certificate: string;
  /** PEM-encoded PKCS#8 private key. */
  readonly privateKey?: string;
}
