import { z } from 'zod';

import { itemCodeSchema } from '../../src/catalogue/item.catalogue';
import { codeSchema } from '../../src/identifiers/code.schema';
import { companyIdSchema } from '../../src/identifiers/credit-code.identifier';
import { SEVERITIES } from '../../src/rules/deviation.rules';
import type { Principal } from '../identity/principal';
import { jsonReply, type ApiRoute } from './api.route';
import { deviationViewSchema, pageSchema } from './api.schemas';
import { isCompanyBound, requireCompany } from './auth.guard';
import { pageOf, pageQueryShape } from './list.query';
import { parseQuery } from './request.input';
import type { RouteContext } from './route.context';

/**
 * Current deviations (偏差) between self-tests and official results, from the read model. A
 * regulator-side caller sees every company's; an enterprise-side caller only its own.
 */

/** The filters of `GET /v1/deviations`. */
export const deviationQuerySchema = z.object({
  companyId: companyIdSchema.optional(),
  productCode: codeSchema('productCode').optional(),
  itemCode: itemCodeSchema.optional(),
  severity: z.enum(SEVERITIES, { error: `severity must be one of ${SEVERITIES.join(', ')}` }).optional(),
  ...pageQueryShape,
});

/** The company filter a caller may use: its own for a company-bound caller. */
function companyFilter(principal: Principal, asked: string | undefined): string | undefined {
  if (!isCompanyBound(principal)) return asked;
  const own = principal.companyId ?? '';
  requireCompany(principal, asked ?? own, 'GET /v1/deviations');
  return own;
}

/** The deviation routes of DESIGN §7. */
export function deviationRoutes(ctx: RouteContext): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/v1/deviations',
      tag: 'deviations',
      access: 'authenticated',
      summary: 'Current deviations between self-tests and official results (链上点检)',
      description:
        'Regulators and the regulator’s recall coordinators see every company; an enterprise sees its own (companyId defaults to it, another company is 403).',
      query: deviationQuerySchema,
      responses: { 200: { description: 'one page of deviations', schema: pageSchema(deviationViewSchema) } },
      errors: [400, 403],
      handle: (req, principal) => {
        const query = parseQuery(req, deviationQuerySchema);
        const companyId = companyFilter(principal, query.companyId);
        const page = ctx.readModel.deviations(
          { companyId, productCode: query.productCode, itemCode: query.itemCode, severity: query.severity },
          pageOf(query),
        );
        return jsonReply(200, page);
      },
    },
  ];
}
