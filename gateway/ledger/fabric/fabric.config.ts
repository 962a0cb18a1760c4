import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseInput } from '../../../src/records/parse';

/**
 * How the gateway reaches a Fabric network: the peer of each organisation (endpoint, TLS root
 * certificate, TLS host name), the channel and chaincode, and the gateway's own system identity.
 * `network/` writes this file (`network/run/gateway.json`) when it brings the network up.
 */
const fileRef = z.string().min(1);

export const fabricGatewayConfigSchema = z
  .object({
    channel: z.string().min(1),
    chaincode: z.string().min(1),
    organizations: z
      .array(
        z.object({
          mspId: z.string().min(1),
          peerEndpoint: z.string().min(1),
          tlsCaCertFile: fileRef,
          hostAlias: z.string().min(1).optional(),
        }),
      )
      .min(1),
    system: z.object({ mspId: z.string().min(1), certificateFile: fileRef, privateKeyFile: fileRef }),
  })
  .loose();

export type FabricGatewayConfig = z.output<typeof fabricGatewayConfigSchema>;

/**
 * Reads the connection file; relative file paths are resolved against the file's folder.
 * @throws {ValidationError} naming the field that is wrong.
 */
export function readFabricGatewayConfig(file: string): FabricGatewayConfig {
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const config = parseInput(fabricGatewayConfigSchema, raw, `Fabric gateway config ${file}`, 'CONFIG.FABRIC');
  const base = path.dirname(path.resolve(file));
  const resolve = (p: string): string => path.resolve(base, p);
  return {
    ...config,
    organizations: config.organizations.map((o) => ({ ...o, tlsCaCertFile: resolve(o.tlsCaCertFile) })),
    system: {
      ...config.system,
      certificateFile: resolve(config.system.certificateFile),
      privateKeyFile: resolve(config.system.privateKeyFile),
    },
  };
}
