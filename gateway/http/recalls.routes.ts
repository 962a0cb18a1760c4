import { createHash } from 'node:crypto';

import { z } from 'zod';

import { canonicalJson } from '../../src/records/canonical-json';
import { recallInputSchema, type RecallInput } from '../../src/records/batch.schema';
import type { RecallRecord } from '../../src/records/ledger.records';
import { parseInput } from '../../src/records/parse';
import type { Principal } from '../identity/principal';
import { jsonReply, type ApiRoute } from './api.route';
import { recallWriteSchema, recordView } from './api.schemas';
import { requireCompany } from './auth.guard';
import { idempotencyKeyOf, isJsonObject, jsonBodyOf } from './request.input';
import type { RouteContext } from './route.context';

/**
 * Recalls (召回): a recall coordinator or a regulator recalls one or more batches at a level. The
 * recall id comes from the body, else from `Idempotency-Key`, else from the content itself, so a
 * retried identical request is a harmless replay rather than a second recall.
 */

/** The body of `POST /v1/recalls`: a recall whose id the gateway may derive. */
export const recallBodySchema = z
  .object({ ...recallInputSchema.shape, recallId: recallInputSchema.shape.recallId.optional() })
  .strict();

/** A stand-in id while the content is checked, before the real id is derived from it. */
const PENDING_ID = 'RC-PENDING';

/** `RC-` and the first 16 hex digits of the SHA-256 of the recall's canonical content. */
export function derivedRecallId(content: Omit<RecallInput, 'recallId'>): string {
  return `RC-${createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex').slice(0, 16)}`;
}

/**
 * The recall a request asks for, with its id settled.
 *
 * @throws {ValidationError} naming the field at fault.
 */
export function recallOf(body: unknown, idempotencyKey: string | undefined): RecallInput {
  if (!isJsonObject(body)) return parseInput(recallInputSchema, body, 'recall');
  // A recallId in the body, even a malformed one, wins: the schema then names it.
  const given: unknown = body.recallId ?? idempotencyKey;
  const recall = parseInput(recallInputSchema, { ...body, recallId: given ?? PENDING_ID }, 'recall');
  if (given !== undefined) return recall;
  const { recallId: _pending, ...content } = recall;
  return { ...recall, recallId: derivedRecallId(content) };
}

function checkCompanies(principal: Principal, recall: RecallInput): void {
  recall.batches.forEach((batch, index) => {
    requireCompany(principal, batch.companyId, 'RecallBatches', `batches.${index}.companyId`);
  });
}

/** The recall route of DESIGN §7. */
export function recallRoutes(ctx: RouteContext): ApiRoute[] {
  return [
    {
      method: 'post',
      path: '/v1/recalls',
      tag: 'batches',
      access: { roles: ['recall', 'regulator'] },
      summary: 'Recall batches (召回); each becomes recalled from this decision on',
      description:
        'recallId is taken from the body, else from the Idempotency-Key header, else derived from the content (RC- and 16 hex digits of its SHA-256), so that an identical retry is answered 200.',
      body: recallBodySchema,
      headers: [{ name: 'Idempotency-Key', description: 'the recall id when the body gives none' }],
      responses: {
        201: { description: 'recorded', schema: recallWriteSchema },
        200: { description: 'the same recall was already recorded', schema: recallWriteSchema },
      },
      errors: [400, 403, 409, 413, 503],
      handle: async (req, principal) => {
        const recall = recallOf(jsonBodyOf(req), idempotencyKeyOf(req));
        checkCompanies(principal, recall);
        const outcome = await ctx.ledger.write<RecallRecord>(principal.ledger, 'RecallBatches', recall);
        return jsonReply(outcome.changed ? 201 : 200, {
          id: outcome.record.id,
          txId: outcome.txId,
          changed: outcome.changed,
          recall: recordView(outcome.record, ctx.readModel),
        });
      },
    },
  ];
}
