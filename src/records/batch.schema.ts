import { z } from 'zod';
import { batchNoSchema, codeSchema } from '../identifiers/code.schema';
import { companyIdSchema } from '../identifiers/credit-code.identifier';
import { gtinSchema } from '../identifiers/gtin.identifier';
import { isoDateSchema } from '../time/iso-time';

/**
 * Batches (批次) and what happens to them: registration by the enterprise, lock (链上锁定) and
 * unlock by a regulator or recall coordinator, and recall (召回).
 */

export const BATCH_STATUSES = ['active', 'locked', 'recalled', 'released'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** Which batch: the key of a batch on the ledger. */
export const batchRefSchema = z
  .object({ companyId: companyIdSchema, productCode: codeSchema('productCode'), batchNo: batchNoSchema })
  .strict();

/** A batch as an enterprise registers it. */
export const batchInputSchema = z
  .object({
    companyId: companyIdSchema,
    productCode: codeSchema('productCode'),
    gtin: gtinSchema.optional(),
    productName: z.string().trim().min(1).max(200).optional(),
    batchNo: batchNoSchema,
    productionDate: isoDateSchema,
    quantity: z
      .number({ error: 'quantity must be a number' })
      .int({ error: 'quantity must be a whole number' })
      .positive({ error: 'quantity must be positive' })
      .optional(),
    unit: z.string().trim().min(1).max(16).optional(),
  })
  .strict();

const reasonSchema = z
  .string({ error: 'reason is required' })
  .trim()
  .min(1, { error: 'reason must not be empty' })
  .max(500, { error: 'reason has at most 500 characters' });

/** Lock or unlock a batch, with why. `actionId` makes a replayed action harmless. */
export const batchActionInputSchema = batchRefSchema
  .extend({ reason: reasonSchema, actionId: codeSchema('actionId', 200).optional() })
  .strict();

/** A recall decision over one or more batches, level 1 (most serious) to 3. */
export const recallInputSchema = z
  .object({
    recallId: codeSchema('recallId', 100),
    batches: z.array(batchRefSchema).min(1, { error: 'batches must name at least one batch' }).max(500),
    level: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'level must be 1, 2 or 3' }),
    reason: reasonSchema,
  })
  .strict()
  .superRefine((recall, ctx) => {
    const seen = new Set<string>();
    recall.batches.forEach((b, index) => {
      const key = `${b.companyId}/${b.productCode}/${b.batchNo}`;
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['batches', index], message: `${key} is listed twice` });
      seen.add(key);
    });
  });

export type BatchRef = z.output<typeof batchRefSchema>;
export type BatchInput = z.output<typeof batchInputSchema>;
export type BatchActionInput = z.output<typeof batchActionInputSchema>;
export type RecallInput = z.output<typeof recallInputSchema>;
