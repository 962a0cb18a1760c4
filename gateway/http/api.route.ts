import type { Request, Response, Router } from 'express';
import type { z } from 'zod';

import type { Authenticator, Principal } from '../identity/principal';
import { writeAckSchema } from './api.schemas';
import { authenticateRequest, requireRole, type Role } from './auth.guard';

/**
 * One table describes each route once: its path, who may call it, the zod schemas of what it
 * reads, what it answers, and its handler. The same table mounts the routes on Express and
 * generates the OpenAPI document, so the two cannot drift apart.
 */

/** The methods the API uses. */
export type HttpMethod = 'get' | 'post';

/** Who may call a route: anyone, any authenticated caller, or callers with one of some roles. */
export type Access = 'public' | 'authenticated' | { readonly roles: readonly Role[] };

/** The error statuses a route can answer with besides 401 (implied by authentication). */
export type ErrorStatus = 400 | 403 | 404 | 409 | 413 | 503;

/** One documented response. */
export interface ResponseDoc {
  readonly description: string;
  /** The JSON body's schema; absent for non-JSON bodies. */
  readonly schema?: z.ZodType;
  /** Defaults to `application/json`. */
  readonly contentType?: string;
  /** Other media types the same response comes in by content negotiation (`text/html`). */
  readonly alternatives?: readonly string[];
}

/** One documented request header. */
export interface HeaderDoc {
  readonly name: string;
  readonly description: string;
}

/** A JSON answer. */
export interface JsonReply {
  readonly status: number;
  readonly json: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A non-JSON answer (an HTML page, an image). */
export interface RawReply {
  readonly status: number;
  readonly contentType: string;
  readonly raw: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a handler answers. */
export type ApiReply = JsonReply | RawReply;

interface RouteDoc {
  readonly method: HttpMethod;
  /** Express path (`/v1/self-tests/:id`). */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly headers?: readonly HeaderDoc[];
  /** Success responses by status. */
  readonly responses: Readonly<Partial<Record<number, ResponseDoc>>>;
  readonly errors: readonly ErrorStatus[];
}

/** A route anyone may call. */
export interface PublicRoute extends RouteDoc {
  readonly access: 'public';
  handle(req: Request): Promise<ApiReply> | ApiReply;
}

/** A route that needs a bearer token (and perhaps a role). */
export interface GuardedRoute extends RouteDoc {
  readonly access: Exclude<Access, 'public'>;
  handle(req: Request, principal: Principal): Promise<ApiReply> | ApiReply;
}

/** A route of the API. */
export type ApiRoute = PublicRoute | GuardedRoute;

/** A JSON answer. */
export function jsonReply(
  status: number,
  json: unknown,
  headers?: Readonly<Record<string, string>>,
): JsonReply {
  return headers === undefined ? { status, json } : { status, json, headers };
}

/**
 * The answer to a write: 201 with the record's id and transaction when this call changed the
 * ledger, 200 with the stored record's transaction when it was an identical replay.
 */
export function ackReply(
  id: string,
  outcome: { readonly changed: boolean; readonly txId: string },
): JsonReply {
  return jsonReply(outcome.changed ? 201 : 200, { id, txId: outcome.txId });
}

/** The documented answers of {@link ackReply}. */
export const ackResponses: Readonly<Record<200 | 201, ResponseDoc>> = {
  201: { description: 'committed: the id and the transaction of the new record', schema: writeAckSchema },
  200: {
    description: 'the same content was already recorded: its id and the transaction that stored it',
    schema: writeAckSchema,
  },
};

const patterns = new WeakMap<Request, string>();

/** The route pattern (`/v1/self-tests/:id`) that served a request, for metrics; undefined if none did. */
export function routePatternOf(req: Request): string | undefined {
  return patterns.get(req);
}

async function dispatch(route: ApiRoute, req: Request, auth: Authenticator): Promise<ApiReply> {
  if (route.access === 'public') return route.handle(req);
  const principal = authenticateRequest(auth, req);
  if (route.access !== 'authenticated') requireRole(principal, route.access.roles, route.summary);
  return route.handle(req, principal);
}

function send(res: Response, reply: ApiReply): void {
  res.status(reply.status);
  if (reply.headers) res.set(reply.headers);
  if ('json' in reply) {
    res.json(reply.json);
  } else {
    res.type(reply.contentType).send(reply.raw);
  }
}

/** Mounts every route on `router`, authenticating and checking roles before each handler runs. */
export function mountRoutes(router: Router, routes: readonly ApiRoute[], auth: Authenticator): void {
  for (const route of routes) {
    const handler = async (req: Request, res: Response): Promise<void> => {
      patterns.set(req, route.path);
      send(res, await dispatch(route, req, auth));
    };
    if (route.method === 'get') router.get(route.path, handler);
    else router.post(route.path, handler);
  }
}
