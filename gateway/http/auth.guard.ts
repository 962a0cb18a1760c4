import type { Request } from 'express';

import { ForbiddenError } from '../../src/errors/domain.error';
import type { Authenticator, Principal } from '../identity/principal';
import { UnauthenticatedError } from './http.errors';

/**
 * Who is calling and what they may do. The API checks roles and companies so that a caller gets
 * a clear 403 early; the chaincode checks the same rules again on the caller's own certificate,
 * and its verdict is the one that counts.
 */

/** A caller's role. */
export type Role = Principal['role'];

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * The principal of the request's `Authorization: Bearer <token>` header.
 *
 * @throws {UnauthenticatedError} `AUTH.REQUIRED` without a bearer token, `AUTH.INVALID` for an unknown one.
 */
export function authenticateRequest(auth: Authenticator, req: Request): Principal {
  const header = req.get('authorization');
  const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
  if (token === undefined) {
    throw new UnauthenticatedError(
      'AUTH.REQUIRED',
      'this endpoint needs an Authorization: Bearer <token> header',
    );
  }
  const principal = auth.authenticate(token);
  if (!principal) throw new UnauthenticatedError('AUTH.INVALID', 'the bearer token is not known');
  return principal;
}

/**
 * Refuses a principal without one of `roles`.
 *
 * @throws {ForbiddenError} `ACCESS.ROLE`
 */
export function requireRole(principal: Principal, roles: readonly Role[], action: string): void {
  if (!roles.includes(principal.role)) {
    throw new ForbiddenError(
      'ACCESS.ROLE',
      `${action} needs the ${roles.join(' or ')} role; the caller is ${principal.role}`,
    );
  }
}

/**
 * True when the principal acts for one company only: every enterprise-side identity, including
 * an enterprise's own recall coordinator (the chaincode draws the same line by MSP).
 */
export function isCompanyBound(principal: Principal): boolean {
  return principal.org === 'enterprise';
}

/**
 * Refuses a company-bound principal acting for another company; regulator-side principals pass.
 *
 * @param field - the request field that named the company, for the error details.
 * @throws {ForbiddenError} `ACCESS.COMPANY`
 */
export function requireCompany(
  principal: Principal,
  companyId: string,
  action: string,
  field = 'companyId',
): void {
  if (!isCompanyBound(principal) || principal.companyId === companyId) return;
  throw new ForbiddenError(
    'ACCESS.COMPANY',
    `${action}: ${principal.name} acts for company ${principal.companyId ?? '(none)'}, not ${companyId}`,
    [{ path: field, message: 'is not the company of the caller' }],
  );
}
