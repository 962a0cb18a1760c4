import path from 'node:path';

import express, { type NextFunction, type Request, type Response } from 'express';
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path';
import { z } from 'zod';

import { jsonReply, type ApiRoute } from './api.route';
import type { OpenApiDocument } from './openapi';

/**
 * The API's own description: the OpenAPI document and Swagger UI to browse it, served from the
 * `swagger-ui-dist` package so that nothing is fetched from the internet.
 */

/**
 * The Swagger UI files the page uses; nothing else of the package is served. The page uses the
 * base layout: it shows this API's one document, without the bar for exploring other URLs.
 */
const SWAGGER_ASSETS = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Food-safety inspection chain — API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
};
</script>
</body>
</html>
`;

/** `GET /openapi.json` and `GET /docs`; `document` is built on first use. */
export function docsRoutes(document: () => OpenApiDocument): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/openapi.json',
      tag: 'docs',
      access: 'public',
      summary: 'This document (OpenAPI 3.1)',
      responses: {
        200: {
          description: 'the OpenAPI document',
          schema: z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string(), z.unknown()) }),
        },
      },
      errors: [],
      handle: () => jsonReply(200, document()),
    },
    {
      method: 'get',
      path: '/docs',
      tag: 'docs',
      access: 'public',
      summary: 'Swagger UI over /openapi.json',
      responses: { 200: { description: 'the page', contentType: 'text/html' } },
      errors: [],
      handle: () => ({ status: 200, contentType: 'text/html; charset=utf-8', raw: DOCS_PAGE }),
    },
  ];
}

/** Serves the Swagger UI assets under `/docs/`. */
export function swaggerAssets(): (req: Request, res: Response, next: NextFunction) => void {
  const files = express.static(path.resolve(getAbsoluteFSPath()), {
    index: false,
    fallthrough: true,
    maxAge: '1d',
  });
  return (req, res, next) => {
    if (SWAGGER_ASSETS.has(req.path.slice(1))) {
      void files(req, res, next);
      return;
    }
    next();
  };
}
