import { z } from 'zod';

import type { PageRequest } from '../read-model/read-model.port';

/**
 * Paging of list endpoints: `limit` (1–500, default 50) and the opaque `cursor` a previous page
 * returned as `next`.
 */
export const pageQueryShape = {
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int({ error: 'limit must be a whole number' })
    .min(1, { error: 'limit must be at least 1' })
    .max(500, { error: 'limit is at most 500' })
    .default(50),
  cursor: z.string({ error: 'cursor must be given once' }).min(1).max(500).optional(),
};

/** The page a parsed query asks for. */
export function pageOf(query: { readonly limit: number; readonly cursor?: string | undefined }): PageRequest {
  return query.cursor === undefined ? { limit: query.limit } : { limit: query.limit, cursor: query.cursor };
}
