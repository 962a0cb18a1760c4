import pino, { type Logger } from 'pino';

/**
 * The service's pino logger: structured JSON lines, with tokens, keys and certificates redacted
 * wherever they appear in a logged object (DESIGN §8).
 */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  ...['privateKey', 'certificate', 'token'].flatMap((field) => [
    field,
    `*.${field}`,
    `*.*.${field}`,
    `*.*.*.${field}`,
  ]),
];

/** Creates the root logger; modules take `logger.child({ module })`. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    base: { service: 'food-inspection-gateway' },
  };
  return destination ? pino(options, destination) : pino(options);
}
