/**
 * Parses each distinct caller certificate once in the embedded peer.
 *
 * fabric-shim's `ClientIdentity` (built by the contract dispatcher for every transaction) parses the
 * caller's PEM with `@fidm/x509`'s `Certificate.fromPEM`. On a real peer that cost is spread over a
 * chaincode process per peer; embedded, it was about 8 % of the ingest CPU, spent re-parsing the same
 * few certificates. Memoizing `fromPEM` by its PEM text leaves `ClientIdentity` itself untouched (the
 * same `id`, `mspId` and attributes, computed by fabric-shim's own code), so the chaincode sees exactly
 * what a real peer would show it. The parsed certificates are only read by their users.
 */
import path from 'node:path';

/** How many distinct certificates stay parsed; beyond it the oldest is parsed again when it returns. */
const CAPACITY = 1024;

interface CertificateClass {
  fromPEM: (data: Buffer | string) => unknown;
}

function isCertificateClass(value: unknown): value is CertificateClass {
  return typeof value === 'function' && typeof (value as Partial<CertificateClass>).fromPEM === 'function';
}

/** The `Certificate` class of the very `@fidm/x509` instance fabric-shim loads. */
function shimCertificateClass(): CertificateClass {
  const shimDir = path.dirname(require.resolve('fabric-shim'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved from fabric-shim, whose dependency it is; the value is checked below.
  const x509: unknown = require(require.resolve('@fidm/x509', { paths: [shimDir] }));
  const certificate: unknown =
    typeof x509 === 'object' && x509 !== null && 'Certificate' in x509 ? x509.Certificate : undefined;
  if (!isCertificateClass(certificate)) {
    throw new Error('@fidm/x509, as fabric-shim loads it, exports no Certificate.fromPEM');
  }
  return certificate;
}

let installed = false;

/**
 * Makes `Certificate.fromPEM`, as fabric-shim calls it, parse each distinct PEM once. Idempotent.
 * A PEM that fails to parse is not remembered, so it fails the same way every time.
 *
 * @throws Error when fabric-shim's `@fidm/x509` has no `Certificate.fromPEM`.
 */
export function memoizeShimCertificateParsing(): void {
  if (installed) return;
  const certificateClass = shimCertificateClass();
  const parse = certificateClass.fromPEM.bind(certificateClass);
  const parsed = new Map<string, unknown>();
  certificateClass.fromPEM = (data: Buffer | string): unknown => {
    const pem = typeof data === 'string' ? data : data.toString('utf8');
    const known = parsed.get(pem);
    if (known !== undefined) return known;
    const certificate = parse(data);
    if (parsed.size >= CAPACITY) {
      const oldest = parsed.keys().next();
      if (oldest.done !== true) parsed.delete(oldest.value);
    }
    parsed.set(pem, certificate);
    return certificate;
  };
  installed = true;
}
