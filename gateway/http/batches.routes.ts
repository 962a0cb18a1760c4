import type { Request } from 'express';

import type { Principal } from '../identity/principal';
import {
  batchActionInputSchema,
  batchInputSchema,
  batchRefSchema,
  type BatchRef,
} from '../../src/records/batch.schema';
import type { BatchRecord } from '../../src/records/ledger.records';
import { parseInput } from '../../src/records/parse';
import { jsonReply, type ApiReply, type ApiRoute, type HeaderDoc } from './api.route';
import { batchViewSchema, batchWriteSchema, recordView } from './api.schemas';
import { requireCompany } from './auth.guard';
import type { WriteOutcome } from './ledger.client';
import { idempotencyKeyOf, jsonBodyOf, parseBody, parseParams } from './request.input';
import type { RouteContext } from './route.context';

/**
 * Batches (批次): registered by their enterprise, read by anyone in the network, locked (链上锁定)
 * by a regulator or recall coordinator and unlocked by a regulator.
 */

/** The body of a lock or unlock: why, and optionally an id that makes a retried action harmless. */
export const batchActionBodySchema = batchActionInputSchema.pick({ reason: true, actionId: true }).strict();

const idempotencyHeader: HeaderDoc = {
  name: 'Idempotency-Key',
  description: 'becomes the action id when the body gives none: the same key again changes nothing',
};

function batchKey(ref: BatchRef): string {
  return `${ref.companyId}/${ref.productCode}/${ref.batchNo}`;
}

function batchReply(ctx: RouteContext, outcome: WriteOutcome<BatchRecord>, created: boolean): ApiReply {
  return jsonReply(created && outcome.changed ? 201 : 200, {
    id: batchKey(outcome.record),
    txId: outcome.txId,
    changed: outcome.changed,
    batch: recordView(outcome.record, ctx.readModel),
  });
}

async function batchAction(
  ctx: RouteContext,
  req: Request,
  principal: Principal,
  fcn: 'LockBatch' | 'UnlockBatch',
): Promise<ApiReply> {
  const ref = parseParams(req, batchRefSchema);
  const body = parseBody(req, batchActionBodySchema, fcn === 'LockBatch' ? 'batch lock' : 'batch unlock');
  const actionId = body.actionId ?? idempotencyKeyOf(req);
  const input = parseInput(
    batchActionInputSchema,
    { ...ref, reason: body.reason, ...(actionId === undefined ? {} : { actionId }) },
    'batch action',
  );
  requireCompany(principal, input.companyId, fcn);
  const outcome = await ctx.ledger.write<BatchRecord>(principal.ledger, fcn, input);
  return batchReply(ctx, outcome, false);
}

const actionResponses = {
  200: {
    description: 'the batch as it now stands (changed: false when nothing had to change)',
    schema: batchWriteSchema,
  },
};

/** The batch routes of DESIGN §7. */
export function batchRoutes(ctx: RouteContext): ApiRoute[] {
  return [
    {
      method: 'post',
      path: '/v1/batches',
      tag: 'batches',
      access: { roles: ['enterprise'] },
      summary: 'Register a batch (批次) of one of the caller’s products',
      body: batchInputSchema,
      responses: {
        201: { description: 'registered', schema: batchWriteSchema },
        200: { description: 'already registered with the same details', schema: batchWriteSchema },
      },
      errors: [400, 403, 409, 413, 503],
      handle: async (req, principal) => {
        const input = parseBody(req, batchInputSchema, 'batch');
        requireCompany(principal, input.companyId, 'RegisterBatch');
        const outcome = await ctx.ledger.write<BatchRecord>(
          principal.ledger,
          'RegisterBatch',
          jsonBodyOf(req),
        );
        return batchReply(ctx, outcome, true);
      },
    },
    {
      method: 'get',
      path: '/v1/batches/:companyId/:productCode/:batchNo',
      tag: 'batches',
      access: 'authenticated',
      summary: 'A batch with its status and lock history',
      description: 'Percent-encode a productCode or batchNo that contains "/".',
      params: batchRefSchema,
      responses: { 200: { description: 'the batch', schema: batchViewSchema } },
      errors: [400, 403, 404, 503],
      handle: async (req, principal) => {
        const ref = parseParams(req, batchRefSchema);
        const record = await ctx.ledger.read<BatchRecord>(
          principal.ledger,
          'GetBatch',
          ref.companyId,
          ref.productCode,
          ref.batchNo,
        );
        return jsonReply(200, recordView(record, ctx.readModel));
      },
    },
    {
      method: 'post',
      path: '/v1/batches/:companyId/:productCode/:batchNo/lock',
      tag: 'batches',
      access: { roles: ['regulator', 'recall'] },
      summary: 'Lock a batch (链上锁定)',
      description:
        'Locking a locked or recalled batch changes nothing. An enterprise’s recall coordinator may lock only its own batches.',
      params: batchRefSchema,
      body: batchActionBodySchema,
      headers: [idempotencyHeader],
      responses: actionResponses,
      errors: [400, 403, 413, 503],
      handle: (req, principal) => batchAction(ctx, req, principal, 'LockBatch'),
    },
    {
      method: 'post',
      path: '/v1/batches/:companyId/:productCode/:batchNo/unlock',
      tag: 'batches',
      access: { roles: ['regulator'] },
      summary: 'Release a locked batch',
      params: batchRefSchema,
      body: batchActionBodySchema,
      headers: [idempotencyHeader],
      responses: actionResponses,
      errors: [400, 403, 404, 409, 413, 503],
      handle: (req, principal) => batchAction(ctx, req, principal, 'UnlockBatch'),
    },
  ];
}
