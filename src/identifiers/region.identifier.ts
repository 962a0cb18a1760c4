import { z } from 'zod';

/**
 * A 6-digit administrative division code (GB/T 2260): two digits of province, two of
 * prefecture, two of county. `110000` is Beijing, `350102` Gulou District of Fuzhou.
 */
export const regionSchema = z
  .string({ error: 'must be a 6-digit administrative division code (GB/T 2260)' })
  .regex(/^[1-9]\d{5}$/, { error: 'must be a 6-digit administrative division code (GB/T 2260)' });
