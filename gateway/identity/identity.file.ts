import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { companyIdSchema } from '../../src/identifiers/credit-code.identifier';
import { parseInput } from '../../src/records/parse';
import { ValidationError } from '../../src/errors/domain.error';

/**
 * The identities file (`IDENTITIES_FILE`, DESIGN §7): a JSON array of API tokens and who they
 * stand for. In Fabric mode each entry also names the enrolled wallet entry (certificate and
 * key files) the gateway signs with; on the embedded ledger certificates are issued at start.
 */
const walletSchema = z
  .object({
    mspId: z.string().min(1),
    certificateFile: z.string().min(1),
    privateKeyFile: z.string().min(1),
  })
  .strict();

export const identityEntrySchema = z
  .object({
    token: z.string().min(20, { error: 'a token has at least 20 characters' }),
    name: z.string().trim().min(1).max(100),
    org: z.enum(['enterprise', 'regulator']),
    role: z.enum(['enterprise', 'regulator', 'recall']),
    companyId: companyIdSchema.optional(),
    wallet: walletSchema.optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (entry.role === 'enterprise' && entry.companyId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['companyId'],
        message: 'an enterprise identity names its companyId',
      });
    }
    if (entry.role === 'enterprise' && entry.org !== 'enterprise') {
      ctx.addIssue({
        code: 'custom',
        path: ['org'],
        message: 'the enterprise role belongs to the enterprise org',
      });
    }
    if (entry.role === 'regulator' && entry.org !== 'regulator') {
      ctx.addIssue({
        code: 'custom',
        path: ['org'],
        message: 'the regulator role belongs to the regulator org',
      });
    }
  });

export const identitiesFileSchema = z
  .array(identityEntrySchema)
  .min(1, { error: 'the identities file lists at least one identity' })
  .superRefine((entries, ctx) => {
    const tokens = new Set<string>();
    entries.forEach((entry, index) => {
      if (tokens.has(entry.token))
        ctx.addIssue({ code: 'custom', path: [index, 'token'], message: 'tokens must be unique' });
      tokens.add(entry.token);
    });
  });

export type IdentityEntry = z.output<typeof identityEntrySchema>;

/**
 * Reads and checks the identities file.
 * @throws {ValidationError} `CONFIG.IDENTITIES` when the file is missing, not JSON or invalid.
 */
export function readIdentitiesFile(file: string): IdentityEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error: unknown) {
    throw new ValidationError(
      'CONFIG.IDENTITIES',
      `cannot read the identities file ${file}: ${String(error)}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError('CONFIG.IDENTITIES', `the identities file ${file} is not JSON`);
  }
  return parseInput(identitiesFileSchema, value, `identities file ${file}`, 'CONFIG.IDENTITIES');
}

/** The example companies of the starter file (and of `npm run demo`). */
export const STARTER_COMPANIES = [
  { companyId: '91350100M000100Y43', name: '福州闽江绿色蔬菜有限公司', region: '350102' },
  { companyId: '91330106MA27XK1W24', name: '杭州西湖乳业有限公司', region: '330106' },
  { companyId: '91440300MA5F00002D', name: '深圳南山烘焙食品有限公司', region: '440305' },
] as const;

function freshToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Writes a starter identities file with fresh tokens: a regulator, a recall coordinator and one
 * enterprise identity per example company. The file is readable by its owner only.
 */
export function writeStarterIdentities(file: string): IdentityEntry[] {
  const entries: IdentityEntry[] = [
    { token: freshToken(), name: 'Provincial market regulator', org: 'regulator', role: 'regulator' },
    { token: freshToken(), name: 'Recall coordination office', org: 'regulator', role: 'recall' },
    ...STARTER_COMPANIES.map((c) => ({
      token: freshToken(),
      name: `${c.name} lab system`,
      org: 'enterprise' as const,
      role: 'enterprise' as const,
      companyId: c.companyId,
    })),
  ];
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600 });
  return entries;
}
