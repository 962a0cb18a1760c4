import type { Context } from 'fabric-contract-api';
import { ForbiddenError } from '../src/errors/domain.error';
import { ENTERPRISE_MSP, REGULATOR_MSP } from '../src/identifiers/organisation.identifier';

/**
 * Access control (DESIGN §4), enforced here whatever the gateway checked. A caller's role and
 * company come from attributes in its certificate (`role`, `companyId`), and a role counts only
 * when the certificate comes from the organisation entitled to grant it: an enterprise CA
 * cannot make anyone a regulator.
 */

export const ROLES = ['enterprise', 'regulator', 'recall'] as const;
export type Role = (typeof ROLES)[number];

/** Which organisations may grant each role. */
const GRANTING_MSPS: Record<Role, readonly string[]> = {
  enterprise: [ENTERPRISE_MSP],
  regulator: [REGULATOR_MSP],
  // A recall coordinator (召回协调员) works for the regulator, or for an enterprise on its own batches.
  recall: [REGULATOR_MSP, ENTERPRISE_MSP],
};

/** The identity behind a transaction, as far as access control cares. */
export interface Caller {
  readonly mspId: string;
  readonly id: string;
  /** `null` when the certificate has no role this organisation may grant. */
  readonly role: Role | null;
  /** The company an enterprise-side identity acts for. */
  readonly companyId: string | null;
}

function isRole(value: string | null): value is Role {
  return value !== null && (ROLES as readonly string[]).includes(value);
}

/** Reads the caller from the transaction's creator certificate. */
export function callerOf(ctx: Context): Caller {
  const mspId = ctx.clientIdentity.getMSPID();
  const claimed = ctx.clientIdentity.getAttributeValue('role');
  const role = isRole(claimed) && GRANTING_MSPS[claimed].includes(mspId) ? claimed : null;
  const companyId = ctx.clientIdentity.getAttributeValue('companyId');
  return { mspId, id: ctx.clientIdentity.getID(), role, companyId: companyId === '' ? null : companyId };
}

function describe(caller: Caller): string {
  return `${caller.role ?? 'no role'} of ${caller.mspId}`;
}

/** True when the caller acts for one company only (an enterprise, or an enterprise's recall coordinator). */
export function isCompanyBound(caller: Caller): boolean {
  return caller.mspId === ENTERPRISE_MSP;
}

/**
 * Refuses the caller unless it holds one of `roles`.
 * @throws {ForbiddenError} `ACCESS.ROLE`
 */
export function requireRole(caller: Caller, action: string, ...roles: Role[]): void {
  if (caller.role === null || !roles.includes(caller.role)) {
    throw new ForbiddenError(
      'ACCESS.ROLE',
      `${action} needs the ${roles.join(' or ')} role; the caller is ${describe(caller)}`,
    );
  }
}

/**
 * Refuses a company-bound caller acting for another company. Regulator-side callers pass.
 * @throws {ForbiddenError} `ACCESS.COMPANY`
 */
export function requireCompany(caller: Caller, action: string, companyId: string): void {
  if (!isCompanyBound(caller)) return;
  if (caller.companyId !== companyId) {
    throw new ForbiddenError(
      'ACCESS.COMPANY',
      `${action}: an identity of company ${caller.companyId ?? '(none)'} cannot act for company ${companyId}`,
      [{ path: 'companyId', message: 'does not match the companyId attribute of the caller certificate' }],
    );
  }
}

/**
 * Lets regulator-side readers see everything and company-bound readers only their own company.
 * @throws {ForbiddenError} `ACCESS.ROLE` or `ACCESS.COMPANY`
 */
export function requireReader(caller: Caller, action: string, companyId: string): void {
  requireRole(caller, action, 'regulator', 'recall', 'enterprise');
  requireCompany(caller, action, companyId);
}
