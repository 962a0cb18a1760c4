import { z } from 'zod';

import type { Anchor, OfficialResultRecord, SelfTestRecord } from '../../src/records/ledger.records';
import { officialResultInputSchema, selfTestInputSchema } from '../../src/records/report.schema';
import { ackReply, ackResponses, jsonReply, type ApiRoute } from './api.route';
import { anchoredRecordSchema, recordView } from './api.schemas';
import { requireCompany } from './auth.guard';
import { jsonBodyOf, parseBody, parseParams } from './request.input';
import type { RouteContext } from './route.context';

/**
 * Self-test reports (自检报告) and official results (监督抽检结果): each is checked against the
 * domain schema before anything reaches the ledger, written once under its number, and read back
 * with its ledger anchor.
 */

const idParamsSchema = z.object({
  id: z
    .string()
    .min(1, { error: 'id must not be empty' })
    .max(300, { error: 'id has at most 300 characters' }),
});

/** The report routes of DESIGN §7. */
/** What the report transactions answer: the stored record's id and anchor, not the record. */
interface ReportReceipt {
  readonly id: string;
  readonly anchor: Anchor;
}

export function reportRoutes(ctx: RouteContext): ApiRoute[] {
  return [
    {
      method: 'post',
      path: '/v1/self-tests',
      tag: 'reports',
      access: { roles: ['enterprise'] },
      summary: 'Submit a self-test report (自检报告)',
      description:
        'Judged against the limits in force on the test date. The same report again is answered 200 with the stored id; a different report under the same reportNo is 409 REPORT.CONFLICT.',
      body: selfTestInputSchema,
      responses: ackResponses,
      errors: [400, 403, 404, 409, 413, 503],
      handle: async (req, principal) => {
        const input = parseBody(req, selfTestInputSchema, 'self-test report');
        requireCompany(principal, input.companyId, 'SubmitSelfTest');
        const outcome = await ctx.ledger.write<ReportReceipt>(
          principal.ledger,
          'SubmitSelfTest',
          jsonBodyOf(req),
        );
        return ackReply(outcome.record.id, outcome);
      },
    },
    {
      method: 'post',
      path: '/v1/official-results',
      tag: 'reports',
      access: { roles: ['regulator'] },
      summary: 'Submit an official sampling result (监督抽检结果)',
      description:
        'Judged against the limits in force on the sampling date. Identical re-posts are answered 200; a different result under the same samplingNo is 409 REPORT.CONFLICT.',
      body: officialResultInputSchema,
      responses: ackResponses,
      errors: [400, 403, 404, 409, 413, 503],
      handle: async (req, principal) => {
        parseBody(req, officialResultInputSchema, 'official result');
        const outcome = await ctx.ledger.write<ReportReceipt>(
          principal.ledger,
          'SubmitOfficialResult',
          jsonBodyOf(req),
        );
        return ackReply(outcome.record.id, outcome);
      },
    },
    {
      method: 'get',
      path: '/v1/self-tests/:id',
      tag: 'reports',
      access: 'authenticated',
      summary: 'A self-test report with its ledger anchor (its company or a regulator)',
      params: idParamsSchema,
      responses: { 200: { description: 'the stored report', schema: anchoredRecordSchema } },
      errors: [400, 403, 404, 503],
      handle: async (req, principal) => {
        const { id } = parseParams(req, idParamsSchema);
        const record = await ctx.ledger.read<SelfTestRecord>(principal.ledger, 'GetSelfTest', id);
        return jsonReply(200, recordView(record, ctx.readModel));
      },
    },
    {
      method: 'get',
      path: '/v1/official-results/:id',
      tag: 'reports',
      access: 'authenticated',
      summary: 'An official result with its ledger anchor (the company concerned or a regulator)',
      params: idParamsSchema,
      responses: { 200: { description: 'the stored result', schema: anchoredRecordSchema } },
      errors: [400, 403, 404, 503],
      handle: async (req, principal) => {
        const { id } = parseParams(req, idParamsSchema);
        const record = await ctx.ledger.read<OfficialResultRecord>(principal.ledger, 'GetOfficialResult', id);
        return jsonReply(200, recordView(record, ctx.readModel));
      },
    },
  ];
}
