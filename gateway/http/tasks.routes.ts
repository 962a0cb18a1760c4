import type { Request } from 'express';
import { z } from 'zod';

import { verifyDraw, type DrawVerification } from '../../src/draw/draw.verification';
import { companyIdSchema } from '../../src/identifiers/credit-code.identifier';
import { TASK_STATUSES, type SamplingTaskRecord } from '../../src/records/ledger.records';
import { NotFoundError } from '../../src/errors/domain.error';
import { jsonReply, type ApiRoute } from './api.route';
import { drawVerificationSchema, pageSchema, taskViewSchema } from './api.schemas';
import { pageOf, pageQueryShape } from './list.query';
import { parseParams, parseQuery } from './request.input';
import type { RouteContext } from './route.context';

/**
 * Targeted sampling tasks (点穴式抽检) and the check of their random draw (双随机): anyone with
 * the regulator role can have the draw re-run, here from the stored task and on the ledger.
 */

/** The filters of `GET /v1/sampling-tasks`. */
export const taskQuerySchema = z.object({
  companyId: companyIdSchema.optional(),
  status: z.enum(TASK_STATUSES, { error: `status must be one of ${TASK_STATUSES.join(', ')}` }).optional(),
  ...pageQueryShape,
});

const taskParamsSchema = z.object({
  id: z
    .string()
    .min(1, { error: 'id must not be empty' })
    .max(200, { error: 'id has at most 200 characters' }),
});

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => b[i] === x);
}

/** Both checks, valid only when each is and they redraw the same inspectors. */
function bothChecks(local: DrawVerification, ledger: DrawVerification) {
  return {
    taskId: local.taskId,
    seed: local.seed,
    seedMatches: local.seedMatches,
    inspectors: local.inspectors,
    redrawn: local.redrawn,
    valid: local.valid && ledger.valid && sameList(local.redrawn, ledger.redrawn),
    ledger,
  };
}

/** The sampling task routes of DESIGN §7. */
export function taskRoutes(ctx: RouteContext): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/v1/sampling-tasks',
      tag: 'sampling tasks',
      access: { roles: ['regulator'] },
      summary: 'Targeted sampling tasks (点穴式抽检) with their inspectors and draw seed',
      query: taskQuerySchema,
      responses: { 200: { description: 'one page of tasks', schema: pageSchema(taskViewSchema) } },
      errors: [400, 403],
      handle: (req: Request) => {
        const query = parseQuery(req, taskQuerySchema);
        const page = ctx.readModel.tasks({ companyId: query.companyId, status: query.status }, pageOf(query));
        return jsonReply(200, page);
      },
    },
    {
      method: 'get',
      path: '/v1/sampling-tasks/:id',
      tag: 'sampling tasks',
      access: { roles: ['regulator'] },
      summary: 'One targeted sampling task',
      params: taskParamsSchema,
      responses: { 200: { description: 'the task', schema: taskViewSchema } },
      errors: [400, 403, 404],
      handle: (req: Request) => {
        const { id } = parseParams(req, taskParamsSchema);
        const task = ctx.readModel.task(id);
        if (!task) throw new NotFoundError('TASK.NOT_FOUND', `sampling task ${id} is not known`);
        return jsonReply(200, task);
      },
    },
    {
      method: 'get',
      path: '/v1/sampling-tasks/:id/verify',
      tag: 'sampling tasks',
      access: { roles: ['regulator'] },
      summary: 'Re-run a task’s random draw (双随机) here and on the ledger',
      description:
        'The draw is re-run from the stored seed, pool and exclusion rule by this gateway (src/draw) and by the chaincode (VerifySamplingDraw); valid only when both reproduce the stored selection.',
      params: taskParamsSchema,
      responses: { 200: { description: 'both checks', schema: drawVerificationSchema } },
      errors: [400, 403, 404, 503],
      handle: async (req, principal) => {
        const { id } = parseParams(req, taskParamsSchema);
        const [ledgerCheck, task] = await Promise.all([
          ctx.ledger.read<DrawVerification>(principal.ledger, 'VerifySamplingDraw', id),
          ctx.ledger.read<SamplingTaskRecord>(principal.ledger, 'GetSamplingTask', id),
        ]);
        return jsonReply(200, bothChecks(verifyDraw(task), ledgerCheck));
      },
    },
  ];
}
