import { z } from 'zod';

import { findItem, ITEMS, type CatalogueItem } from '../../src/catalogue/item.catalogue';
import { NotFoundError } from '../../src/errors/domain.error';
import { jsonReply, type ApiRoute } from './api.route';
import { catalogueItemSchema } from './api.schemas';
import { parseParams } from './request.input';

/**
 * The test item catalogue (检测项目目录): names, kind, unit, limit type and every limit with the
 * standard that set it and the dates it applied.
 */

type ItemView = z.output<typeof catalogueItemSchema>;

/** One catalogue item as the API shows it (limits as numbers in their unit). */
export function itemView(item: CatalogueItem): ItemView {
  return {
    itemCode: item.itemCode,
    nameZh: item.nameZh,
    nameEn: item.nameEn,
    kind: item.kind,
    group: item.group,
    unit: item.unit,
    limitType: item.limitType,
    limits: item.limits.map((limit) => ({
      category: limit.category,
      limit: Number(limit.limit),
      unit: limit.unit,
      standard: limit.standard,
      effectiveFrom: limit.effectiveFrom,
      ...(limit.effectiveTo === undefined ? {} : { effectiveTo: limit.effectiveTo }),
    })),
  };
}

const itemParamsSchema = z.object({
  itemCode: z.string().min(1).max(100, { error: 'itemCode has at most 100 characters' }),
});

/** The catalogue routes of DESIGN §7. */
export function catalogueRoutes(): ApiRoute[] {
  const items = ITEMS.map(itemView);
  return [
    {
      method: 'get',
      path: '/v1/items',
      tag: 'catalogue',
      access: 'authenticated',
      summary: 'The test item catalogue with limits, standards and effective dates',
      responses: {
        200: { description: 'every item', schema: z.object({ items: z.array(catalogueItemSchema) }) },
      },
      errors: [],
      handle: () => jsonReply(200, { items }),
    },
    {
      method: 'get',
      path: '/v1/items/:itemCode',
      tag: 'catalogue',
      access: 'authenticated',
      summary: 'One catalogue item',
      params: itemParamsSchema,
      responses: { 200: { description: 'the item', schema: catalogueItemSchema } },
      errors: [400, 404],
      handle: (req) => {
        const { itemCode } = parseParams(req, itemParamsSchema);
        const item = findItem(itemCode);
        if (!item) {
          throw new NotFoundError(
            'ITEM.NOT_FOUND',
            `unknown itemCode "${itemCode}"; the catalogue is listed at GET /v1/items`,
          );
        }
        return jsonReply(200, itemView(item));
      },
    },
  ];
}
