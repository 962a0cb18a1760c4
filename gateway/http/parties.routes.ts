import { z } from 'zod';

import { companyIdSchema } from '../../src/identifiers/credit-code.identifier';
import type { CompanyRecord, InspectorRecord } from '../../src/records/ledger.records';
import { companyInputSchema, inspectorInputSchema } from '../../src/records/party.schema';
import { ackReply, ackResponses, jsonReply, type ApiRoute } from './api.route';
import { anchoredRecordSchema, pageSchema, recordView } from './api.schemas';
import { jsonBodyOf, parseBody, parseParams } from './request.input';
import type { RouteContext } from './route.context';

/**
 * Companies (企业) and the inspector pool (检查人员库), the master data a regulator keeps on the
 * ledger. Registering the same content again is a harmless 200; changed content updates the
 * record and the ledger keeps the earlier version in its key history.
 */

const companyParamsSchema = z.object({ companyId: companyIdSchema });

/** The party routes of DESIGN §7. */
export function partyRoutes(ctx: RouteContext): ApiRoute[] {
  return [
    {
      method: 'post',
      path: '/v1/companies',
      tag: 'parties',
      access: { roles: ['regulator'] },
      summary: 'Register or update a company (企业) with its supervising region',
      body: companyInputSchema,
      responses: ackResponses,
      errors: [400, 403, 413, 503],
      handle: async (req, principal) => {
        const input = parseBody(req, companyInputSchema, 'company');
        const outcome = await ctx.ledger.write<CompanyRecord>(
          principal.ledger,
          'RegisterCompany',
          jsonBodyOf(req),
        );
        return ackReply(input.companyId, outcome);
      },
    },
    {
      method: 'get',
      path: '/v1/companies/:companyId',
      tag: 'parties',
      access: 'authenticated',
      summary: 'A registered company',
      params: companyParamsSchema,
      responses: {
        200: { description: 'the company record', schema: anchoredRecordSchema.partial({ id: true }) },
      },
      errors: [400, 404, 503],
      handle: async (req, principal) => {
        const { companyId } = parseParams(req, companyParamsSchema);
        const record = await ctx.ledger.read<CompanyRecord>(principal.ledger, 'GetCompany', companyId);
        return jsonReply(200, recordView(record, ctx.readModel));
      },
    },
    {
      method: 'post',
      path: '/v1/inspectors',
      tag: 'parties',
      access: { roles: ['regulator'] },
      summary: 'Register, update or deactivate an inspector (抽样检查人员) of the draw pool',
      body: inspectorInputSchema,
      responses: ackResponses,
      errors: [400, 403, 413, 503],
      handle: async (req, principal) => {
        const input = parseBody(req, inspectorInputSchema, 'inspector');
        const outcome = await ctx.ledger.write<InspectorRecord>(
          principal.ledger,
          'RegisterInspector',
          jsonBodyOf(req),
        );
        return ackReply(input.inspectorId, outcome);
      },
    },
    {
      method: 'get',
      path: '/v1/inspectors',
      tag: 'parties',
      access: { roles: ['regulator'] },
      summary: 'The inspector pool',
      responses: {
        200: {
          description: 'every registered inspector',
          schema: pageSchema(anchoredRecordSchema.partial({ id: true })),
        },
      },
      errors: [403, 503],
      handle: async (_req, principal) => {
        const records = await ctx.ledger.read<InspectorRecord[]>(principal.ledger, 'ListInspectors');
        return jsonReply(200, { items: records.map((r) => recordView(r, ctx.readModel)) });
      },
    },
  ];
}
