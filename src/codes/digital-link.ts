import { isValidGtin, normaliseGtin } from '../identifiers/gtin.identifier';

/**
 * GS1 Digital Link (信息入码) URIs for a batch: `/01/{gtin14}/10/{batch}`. The only two
 * application identifiers used are GTIN (01) and batch/lot (10), so this follows the
 * Digital Link standard (1.4, §4) directly rather than pulling in a general-purpose library:
 * the npm packages that implement all of Digital Link are unmaintained or carry dependencies
 * the project would have to vouch for.
 */

/** Percent-encodes a batch number for a URI path segment, as GS1 Digital Link requires. */
export function encodeAiValue(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'))
    .map((byte) => {
      const ch = String.fromCharCode(byte);
      return /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** The path of the batch's Digital Link (no host). */
export function digitalLinkPath(gtin: string, batchNo: string): string {
  return `/01/${normaliseGtin(gtin)}/10/${encodeAiValue(batchNo)}`;
}

/** The full Digital Link URI on a resolver base (`https://id.example.gov.cn`). */
export function digitalLinkUri(resolverBase: string, gtin: string, batchNo: string): string {
  return `${resolverBase.replace(/\/+$/, '')}${digitalLinkPath(gtin, batchNo)}`;
}

/** GTIN and batch read back from a Digital Link path, or `undefined` when it is not one. */
export function parseDigitalLinkPath(path: string): { gtin: string; batchNo: string } | undefined {
  const match = /^\/01\/(\d{8}|\d{12,14})\/10\/([^/?#]+)$/.exec(path);
  if (!match?.[1] || !match[2]) return undefined;
  if (!isValidGtin(match[1])) return undefined;
  let batchNo: string;
  try {
    batchNo = decodeURIComponent(match[2]);
  } catch {
    return undefined;
  }
  return { gtin: normaliseGtin(match[1]), batchNo };
}
