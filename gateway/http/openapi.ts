import { z } from 'zod';

import type { ApiRoute, ErrorStatus, ResponseDoc } from './api.route';
import { errorResponseSchema } from './api.schemas';

/**
 * The OpenAPI 3.1 document of the API (`GET /openapi.json`), generated from the route table: the
 * request bodies, parameters and responses are the zod schemas the routes themselves parse with
 * and answer in, converted by `z.toJSONSchema` (input side, so defaults stay optional).
 */

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = Record<string, unknown>;

/** One operation of the document. */
export interface OpenApiOperation {
  readonly operationId: string;
  readonly tags: readonly string[];
  readonly summary: string;
  readonly description?: string;
  readonly security: readonly Record<string, readonly string[]>[];
  readonly parameters: readonly Record<string, unknown>[];
  readonly requestBody?: Record<string, unknown>;
  readonly responses: Record<string, unknown>;
}

/** The document. */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Record<string, Partial<Record<'get' | 'post', OpenApiOperation>>>;
  readonly components: Record<string, unknown>;
}

const ERROR_DESCRIPTIONS: Readonly<Record<ErrorStatus | 401, string>> = {
  400: 'bad input; details name each field at fault',
  401: 'no bearer token, or an unknown one',
  403: 'the caller’s role or company may not do this (ACCESS.ROLE, ACCESS.COMPANY)',
  404: 'not found',
  409: 'conflicts with what is already recorded',
  413: 'the body is too large',
  503: 'the ledger cannot be reached or stayed busy; retry after the Retry-After seconds',
};

/** A zod schema as JSON Schema for the document (input side; unrepresentable parts left open). */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return rest;
}

/** The OpenAPI form of an Express path: `/v1/self-tests/:id` → `/v1/self-tests/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_$][\w$]*)/g, '{$1}');
}

function pathParamNames(expressPath: string): string[] {
  return [...expressPath.matchAll(/:([A-Za-z_$][\w$]*)/g)].map((m) => m[1] ?? '');
}

function propertiesOf(schema: z.ZodObject | undefined): {
  properties: Record<string, JsonSchema>;
  required: string[];
} {
  if (!schema) return { properties: {}, required: [] };
  const json = jsonSchemaOf(schema);
  return {
    properties: (json.properties ?? {}) as Record<string, JsonSchema>,
    required: Array.isArray(json.required) ? json.required.map(String) : [],
  };
}

function parametersOf(route: ApiRoute): Record<string, unknown>[] {
  const path = propertiesOf(route.params);
  const query = propertiesOf(route.query);
  return [
    ...pathParamNames(route.path).map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: path.properties[name] ?? { type: 'string' },
    })),
    ...Object.entries(query.properties).map(([name, schema]) => ({
      name,
      in: 'query',
      required: query.required.includes(name),
      schema,
    })),
    ...(route.headers ?? []).map((header) => ({
      name: header.name,
      in: 'header',
      required: false,
      description: header.description,
      schema: { type: 'string' },
    })),
  ];
}

function contentOf(doc: ResponseDoc): Record<string, unknown> {
  const main = doc.contentType ?? 'application/json';
  const content: Record<string, unknown> = {
    [main]: { schema: doc.schema ? jsonSchemaOf(doc.schema) : { type: 'string', contentMediaType: main } },
  };
  for (const other of doc.alternatives ?? [])
    content[other] = { schema: { type: 'string', contentMediaType: other } };
  return content;
}

function errorResponse(status: ErrorStatus | 401): Record<string, unknown> {
  const response: Record<string, unknown> = {
    description: ERROR_DESCRIPTIONS[status],
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  if (status === 503) {
    response.headers = { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } };
  }
  if (status === 401) {
    response.headers = { 'WWW-Authenticate': { schema: { type: 'string' } } };
  }
  return response;
}

function errorStatuses(route: ApiRoute): (ErrorStatus | 401)[] {
  const statuses = new Set<ErrorStatus | 401>(route.errors);
  if (route.access !== 'public') statuses.add(401);
  if (typeof route.access === 'object') statuses.add(403);
  return [...statuses].sort((a, b) => a - b);
}

function responsesOf(route: ApiRoute): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, doc] of Object.entries(route.responses)) {
    if (doc) responses[status] = { description: doc.description, content: contentOf(doc) };
  }
  for (const status of errorStatuses(route)) responses[String(status)] = errorResponse(status);
  return responses;
}

function operationId(route: ApiRoute): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  return route.method + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

function descriptionOf(route: ApiRoute): string | undefined {
  const who =
    route.access === 'public'
      ? 'Public.'
      : route.access === 'authenticated'
        ? 'Any authenticated caller.'
        : `Roles: ${route.access.roles.join(', ')}.`;
  return route.description === undefined ? who : `${route.description}\n\n${who}`;
}

function operationOf(route: ApiRoute): OpenApiOperation {
  const description = descriptionOf(route);
  return {
    operationId: operationId(route),
    tags: [route.tag],
    summary: route.summary,
    ...(description === undefined ? {} : { description }),
    security: route.access === 'public' ? [] : [{ bearerAuth: [] }],
    parameters: parametersOf(route),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchemaOf(route.body) } },
          },
        }
      : {}),
    responses: responsesOf(route),
  };
}

/**
 * Builds the document of `routes`.
 *
 * @example
 * const document = buildOpenApiDocument(routes, '0.1.0');
 * document.paths['/v1/self-tests']?.post?.requestBody;
 */
export function buildOpenApiDocument(routes: readonly ApiRoute[], version: string): OpenApiDocument {
  const paths: Record<string, Partial<Record<'get' | 'post', OpenApiOperation>>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Food-safety inspection chain',
      version,
      description:
        'Self-tests (自检) and official results (监督抽检) on a Hyperledger Fabric ledger, compared, alerted and acted on. Errors are { error: { code, message, details? } }.',
    },
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: jsonSchemaOf(errorResponseSchema) },
    },
  };
}
