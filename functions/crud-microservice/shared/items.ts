/**
 * The items the CRUD service keeps, their request bodies, and the DynamoDB requests for each
 * operation. Pure: no clients here, so every rule is tested without AWS.
 */
import type { DeleteCommandInput, GetCommandInput, PutCommandInput, ScanCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { HttpError, type HttpRequest } from '../../shared/http';

export const ItemId = z.uuid({ error: 'id must be a UUID' });
const Title = z.string().trim().min(1, { error: 'Title must not be empty' }).max(200, { error: 'Title is at most 200 characters' });
const Priority = z.number().int({ error: 'Priority must be an integer' }).min(1).max(5);

/** POST / — an id may be given to make the create idempotent (a second POST with it is a 409). */
export const CreateItem = z.strictObject({ id: ItemId.optional(), Title, Priority: Priority.default(3) });
/** PATCH /{id} — at least one field. */
export const PatchItem = z
  .strictObject({ Title: Title.optional(), Priority: Priority.optional() })
  .refine((p) => p.Title !== undefined || p.Priority !== undefined, { error: 'give Title, Priority or both' });

export interface Item {
  readonly id: string;
  readonly Title: string;
  readonly CreateDate: string;
  readonly Priority: number;
  readonly CreatedBy: string;
}

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/** The caller's subject from the JWT, or 401: every route sits behind the JWT authorizer. */
export function caller(request: HttpRequest): string {
  const sub = request.claims.sub;
  if (typeof sub !== 'string' || sub === '') throw new HttpError(401, 'Unauthorized', 'no JWT subject: call the API with a bearer token from the configured issuer');
  return sub;
}

/** The `{id}` path parameter, or 400. */
export function itemId(request: HttpRequest): string {
  const parsed = ItemId.safeParse(request.pathParameters.id);
  if (!parsed.success) throw new HttpError(400, 'BadRequest', `not an item id: ${JSON.stringify(request.pathParameters.id ?? null)} (ids are UUIDs)`);
  return parsed.data;
}

export function newItem(body: z.output<typeof CreateItem>, createdBy: string, now: Date, newId: () => string): Item {
  return { id: body.id ?? newId(), Title: body.Title, Priority: body.Priority, CreateDate: now.toISOString(), CreatedBy: createdBy };
}

/** Put only when the id is free, so a create never overwrites. */
export function createRequest(table: string, item: Item): PutCommandInput {
  return { TableName: table, Item: { ...item }, ConditionExpression: 'attribute_not_exists(id)' };
}

export function getRequest(table: string, id: string): GetCommandInput {
  return { TableName: table, Key: { id } };
}

/** Update only an existing item, so a patch of a missing id is a 404, not a create. */
export function patchRequest(table: string, id: string, patch: z.output<typeof PatchItem>): UpdateCommandInput {
  const fields = Object.entries(patch).filter(([, v]) => v !== undefined);
  return {
    TableName: table,
    Key: { id },
    UpdateExpression: `SET ${fields.map(([k]) => `#${k} = :${k}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(fields.map(([k]) => [`#${k}`, k])),
    ExpressionAttributeValues: Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])),
    ConditionExpression: 'attribute_exists(id)',
    ReturnValues: 'ALL_NEW',
  };
}

export function deleteRequest(table: string, id: string): DeleteCommandInput {
  return { TableName: table, Key: { id }, ConditionExpression: 'attribute_exists(id)' };
}

/** `?limit=` and `?next=` (the opaque token a previous page returned). */
export function listRequest(table: string, query: HttpRequest['query']): ScanCommandInput {
  const limit = query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new HttpError(400, 'BadRequest', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  return { TableName: table, Limit: limit, ExclusiveStartKey: query.next === undefined ? undefined : startKey(query.next) };
}

/** The token for the page after LastEvaluatedKey (the table's key is `id` only). */
export function nextToken(lastEvaluatedKey: Record<string, unknown> | undefined): string | undefined {
  return lastEvaluatedKey ? Buffer.from(JSON.stringify({ id: lastEvaluatedKey.id }), 'utf8').toString('base64url') : undefined;
}

function startKey(token: string): { id: string } {
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { id?: unknown };
    return { id: ItemId.parse(key.id) };
  } catch {
    throw new HttpError(400, 'BadRequest', 'next is not a token this API returned');
  }
}

/** What a stored item looks like to the caller. */
export function itemView(stored: Record<string, unknown>): Item {
  return { id: String(stored.id), Title: String(stored.Title), CreateDate: String(stored.CreateDate), Priority: Number(stored.Priority), CreatedBy: String(stored.CreatedBy) };
}
