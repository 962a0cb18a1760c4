import path from 'node:path';

import { DEFAULT_DATA_DIR } from '../config/config';

/**
 * Where `npm run demo` finds the service and its API tokens, from the same environment the
 * service was started with.
 */

/** The environment variables the demo reads. */
export interface DemoEnvironment {
  readonly BASE_URL?: string;
  readonly HOST?: string;
  readonly PORT?: string;
  readonly DATA_DIR?: string;
  readonly IDENTITIES_FILE?: string;
}

/**
 * `BASE_URL` (without trailing slashes), else the address a service started with `HOST` and
 * `PORT` answers on: a wildcard host (`0.0.0.0`, `::`) on loopback, an IPv6 host in brackets,
 * http://127.0.0.1:8080 by default.
 */
export function demoBaseUrl(env: DemoEnvironment): string {
  if (env.BASE_URL !== undefined && env.BASE_URL !== '') return env.BASE_URL.replace(/\/+$/, '');
  const host = env.HOST;
  const wildcard = host === undefined || host === '' || host === '0.0.0.0' || host === '::';
  const name = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const port = env.PORT === undefined || env.PORT === '' ? '8080' : env.PORT;
  return `http://${name}:${port}`;
}

/** `IDENTITIES_FILE`, else `identities.json` in `DATA_DIR` (`./data`), as an absolute path. */
export function demoIdentitiesFile(env: DemoEnvironment): string {
  return path.resolve(env.IDENTITIES_FILE ?? path.join(env.DATA_DIR ?? DEFAULT_DATA_DIR, 'identities.json'));
}
