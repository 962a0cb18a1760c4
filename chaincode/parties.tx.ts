import { NotFoundError } from '../src/errors/domain.error';
import { companyInputSchema, inspectorInputSchema } from '../src/records/party.schema';
import type { CompanyRecord, InspectorRecord } from '../src/records/ledger.records';
import { parseJsonInput } from '../src/records/parse';
import { requireRole } from './access.policy';
import { OBJECT } from './ledger.keys';
import { contentHash } from './record.hash';
import type { Tx, WriteResult } from './tx.context';

/**
 * Companies (企业) and the inspector pool (检查人员库): master data a regulator keeps. A repeated
 * registration with the same content is a no-op; a changed one updates the record, and the key
 * history keeps the earlier versions.
 */

function sameContent(stored: { anchor: unknown; docType: unknown } | undefined, input: object): boolean {
  if (!stored) return false;
  const { anchor: _anchor, docType: _docType, ...content } = stored;
  return contentHash(content) === contentHash(input);
}

/** Registers or updates a company. */
export async function registerCompany(tx: Tx, payload: string): Promise<WriteResult<CompanyRecord>> {
  requireRole(tx.caller, 'RegisterCompany', 'regulator');
  const input = parseJsonInput(companyInputSchema, payload, 'company');
  const stored = await tx.state.get<CompanyRecord>(OBJECT.company, [input.companyId]);
  const changed = !sameContent(stored, input);
  const record: CompanyRecord =
    stored && !changed ? stored : { ...input, docType: 'Company', anchor: tx.anchor };
  if (changed) await tx.state.put(OBJECT.company, [input.companyId], record);
  tx.emit('RegisterCompany', { companyId: input.companyId, changed });
  return { record, changed };
}

/** Registers, updates or deactivates an inspector. */
export async function registerInspector(tx: Tx, payload: string): Promise<WriteResult<InspectorRecord>> {
  requireRole(tx.caller, 'RegisterInspector', 'regulator');
  const input = parseJsonInput(inspectorInputSchema, payload, 'inspector');
  const stored = await tx.state.get<InspectorRecord>(OBJECT.inspector, [input.inspectorId]);
  const changed = !sameContent(stored, input);
  const record: InspectorRecord =
    stored && !changed ? stored : { ...input, docType: 'Inspector', anchor: tx.anchor };
  if (changed) await tx.state.put(OBJECT.inspector, [input.inspectorId], record);
  tx.emit('RegisterInspector', { inspectorId: input.inspectorId, changed });
  return { record, changed };
}

/**
 * A registered company.
 * @throws {NotFoundError} `COMPANY.NOT_FOUND`
 */
export async function requireCompanyRecord(tx: Tx, companyId: string): Promise<CompanyRecord> {
  const company = await tx.state.get<CompanyRecord>(OBJECT.company, [companyId]);
  if (!company) {
    throw new NotFoundError(
      'COMPANY.NOT_FOUND',
      `company ${companyId} is not registered; a regulator registers it first`,
      [{ path: 'companyId', message: 'not registered' }],
    );
  }
  return company;
}

/** Any authenticated member may read a company. */
export async function getCompany(tx: Tx, companyId: string): Promise<CompanyRecord> {
  requireRole(tx.caller, 'GetCompany', 'regulator', 'recall', 'enterprise');
  return requireCompanyRecord(tx, companyId);
}

/** The inspector pool, for regulators. */
export async function listInspectors(tx: Tx): Promise<InspectorRecord[]> {
  requireRole(tx.caller, 'ListInspectors', 'regulator');
  return tx.state.list<InspectorRecord>(OBJECT.inspector, []);
}

/** One inspector, for regulators. */
export async function getInspector(tx: Tx, inspectorId: string): Promise<InspectorRecord> {
  requireRole(tx.caller, 'GetInspector', 'regulator');
  const record = await tx.state.get<InspectorRecord>(OBJECT.inspector, [inspectorId]);
  if (!record) throw new NotFoundError('INSPECTOR.NOT_FOUND', `inspector ${inspectorId} is not registered`);
  return record;
}
