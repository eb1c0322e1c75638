/**
 * API Gateway requests and responses, for the HTTP API (payload 2.0) and the REST API (proxy,
 * payload 1.0). Only the fields a handler reads are checked, so AWS's own sample events pass; a
 * request that is not one of these shapes, a bad body or an unexpected error becomes a JSON error
 * with a real status code, never a 200.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { z } from 'zod';

/** The parts of a request a handler reads, the same for both payload versions. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as text (decoded when API Gateway sent it base64). */
  readonly body?: string;
  /** JWT claims from an HTTP API JWT authorizer (or a REST Cognito authorizer). */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly requestId: string;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** An error that has a status code and a message safe to show the caller. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const StringMap = z.record(z.string(), z.string().optional()).nullish();

const HttpApiV2Event = z.object({
  version: z.literal('2.0'),
  rawPath: z.string(),
  headers: StringMap,
  queryStringParameters: StringMap,
  pathParameters: StringMap,
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().optional(),
  requestContext: z.object({
    requestId: z.string(),
    http: z.object({ method: z.string(), path: z.string() }),
    authorizer: z
      .object({ jwt: z.object({ claims: z.record(z.string(), z.unknown()) }).optional() })
      .passthrough()
      .optional(),
  }),
});

const RestApiV1Event = z.object({
  httpMethod: z.string(),
  path: z.string(),
  headers: StringMap,
  queryStringParameters: StringMap,
  pathParameters: StringMap,
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().optional(),
  requestContext: z.object({
    requestId: z.string(),
    authorizer: z
      .object({ claims: z.record(z.string(), z.unknown()).optional() })
      .passthrough()
      .nullish(),
  }),
});

const lowerKeys = (m: Record<string, string | undefined> | null | undefined) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
const decoded = (body: string | null | undefined, base64?: boolean) => (body == null ? undefined : base64 ? Buffer.from(body, 'base64').toString('utf8') : body);

/** The request of an HTTP API (payload 2.0) or REST API proxy (1.0) event, or a 400 when it is neither. */
export function parseRequest(event: unknown): HttpRequest {
  const common = (e: z.output<typeof HttpApiV2Event> | z.output<typeof RestApiV1Event>) => ({
    pathParameters: e.pathParameters ?? {},
    query: e.queryStringParameters ?? {},
    headers: lowerKeys(e.headers),
    body: decoded(e.body, e.isBase64Encoded),
    requestId: e.requestContext.requestId,
  });
  const v2 = HttpApiV2Event.safeParse(event);
  if (v2.success) return { ...common(v2.data), method: v2.data.requestContext.http.method.toUpperCase(), path: v2.data.rawPath, claims: v2.data.requestContext.authorizer?.jwt?.claims ?? {} };
  const v1 = RestApiV1Event.safeParse(event);
  if (v1.success) return { ...common(v1.data), method: v1.data.httpMethod.toUpperCase(), path: v1.data.path, claims: v1.data.requestContext.authorizer?.claims ?? {} };
  throw new HttpError(400, 'BadRequest', 'not an API Gateway proxy request (HTTP API payload 2.0 or REST API payload 1.0)');
}

/** The body as JSON checked against a schema, or a 400 that lists what is wrong. */
export function jsonBody<S extends z.ZodType>(request: HttpRequest, schema: S): z.output<S> {
  const type = request.headers['content-type'];
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) throw new HttpError(415, 'UnsupportedMediaType', `send application/json, not ${type}`);
  let value: unknown;
  try {
    value = JSON.parse(request.body ?? '');
  } catch {
    throw new HttpError(400, 'BadRequest', 'the body is not JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
    throw new HttpError(400, 'ValidationError', 'the body does not match the schema', details);
  }
  return parsed.data;
}

export function json(statusCode: number, body?: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

export function errorResponse(err: HttpError, requestId: string): HttpResponse {
  return json(err.statusCode, { error: { code: err.code, message: err.message, requestId, ...(err.details === undefined ? {} : { details: err.details }) } });
}

/**
 * A Lambda handler from a route function: parses the request, turns an HttpError into its status
 * and any other error into a logged 500 whose message reveals nothing.
 */
export function httpHandler(logger: Logger, route: (request: HttpRequest) => Promise<HttpResponse>) {
  return async (event: unknown, context?: Context): Promise<HttpResponse> => {
    logger.addContext(context ?? ({} as Context));
    const requestId = context?.awsRequestId ?? 'local';
    try {
      const request = parseRequest(event);
      logger.appendKeys({ method: request.method, path: request.path });
      return await route(request);
    } catch (err) {
      if (err instanceof HttpError) {
        logger.info('request refused', { status: err.statusCode, code: err.code, reason: err.message });
        return errorResponse(err, requestId);
      }
      logger.error('request failed', err as Error);
      return errorResponse(new HttpError(500, 'InternalError', 'the request failed; quote the requestId to the operators'), requestId);
    } finally {
      logger.resetKeys();
    }
  };
}
