/** The CRUD rules without AWS: bodies, ids, page tokens, and the conditions every write carries. */
import { HttpError, jsonBody, parseRequest } from '../../../functions/shared/http';
import { caller, CreateItem, createRequest, deleteRequest, itemId, listRequest, newItem, nextToken, PatchItem, patchRequest } from '../../../functions/crud-microservice/shared/items';
import { awsSampleEvent, httpApiEvent, restApiEvent } from '../../fixtures/aws-samples';

const ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const statusOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return err.statusCode;
    throw err;
  }
  return 'no error';
};

describe('requests', () => {
  it("reads AWS's own HTTP API sample with JWT claims, and its REST API sample", () => {
    const v2 = parseRequest(awsSampleEvent('apigw-v2-request-jwt-authorizer.json'));
    expect(v2).toMatchObject({ method: 'GET', path: '/my/path', claims: { claim1: 'value1' }, body: '{\r\n\t"a": 1\r\n}', requestId: 'id' });
    const v1 = parseRequest(awsSampleEvent('apigw-request.json'));
    expect(v1).toMatchObject({ method: 'POST', path: '/hello/world', pathParameters: { proxy: 'hello/world' } });
  });

  it('decodes a base64 body and lowercases header names', () => {
    const request = parseRequest(httpApiEvent({ method: 'POST', route: '/', body: { Title: 'x' }, base64: true, headers: { 'X-Trace': 'a' } }));
    expect(request.body).toBe('{"Title":"x"}');
    expect(request.headers['x-trace']).toBe('a');
  });

  it.each([
    ['nothing', undefined],
    ['an SQS event', { Records: [{ eventSource: 'aws:sqs' }] }],
    ['a v2 event without requestContext', { version: '2.0', rawPath: '/' }],
  ])('refuses %s with a 400', (_what, event) => {
    expect(statusOf(() => parseRequest(event))).toBe(400);
  });

  it('needs the JWT subject (401) and a UUID id (400)', () => {
    expect(statusOf(() => caller(parseRequest(httpApiEvent({ method: 'GET', route: '/', claims: { email: 'a@example.com' } }))))).toBe(401);
    expect(caller(parseRequest(httpApiEvent({ method: 'GET', route: '/', claims: { sub: 'abc' } })))).toBe('abc');
    expect(statusOf(() => itemId(parseRequest(httpApiEvent({ method: 'GET', route: '/{id}', pathParameters: { id: '12' } }))))).toBe(400);
    expect(itemId(parseRequest(restApiEvent({ method: 'GET', route: '/{id}', pathParameters: { id: ID } })))).toBe(ID);
  });
});

describe('bodies', () => {
  const body = (b: unknown, headers?: Record<string, string>) => parseRequest(httpApiEvent({ method: 'POST', route: '/', body: typeof b === 'string' ? b : (b as object), headers }));

  it('creates with a default priority and rejects unknown keys, bad types and non-JSON', () => {
    expect(jsonBody(body({ Title: ' Write docs ' }), CreateItem)).toEqual({ Title: 'Write docs', Priority: 3 });
    expect(statusOf(() => jsonBody(body({ Title: 'a', Owner: 'me' }), CreateItem))).toBe(400);
    expect(statusOf(() => jsonBody(body({ Title: 'a', Priority: 9 }), CreateItem))).toBe(400);
    expect(statusOf(() => jsonBody(body({ Title: '' }), CreateItem))).toBe(400);
    expect(statusOf(() => jsonBody(body('{"Title":'), CreateItem))).toBe(400);
    expect(statusOf(() => jsonBody(body('Title=a', { 'content-type': 'application/x-www-form-urlencoded' }), CreateItem))).toBe(415);
  });

  it('names every problem of a body in the error', () => {
    try {
      jsonBody(body({ Title: 5, Priority: 'high' }), CreateItem);
      throw new Error('accepted');
    } catch (err) {
      expect((err as HttpError).details).toEqual([expect.objectContaining({ path: 'Title' }), expect.objectContaining({ path: 'Priority' })]);
    }
  });

  it('patches at least one field', () => {
    expect(PatchItem.safeParse({}).success).toBe(false);
    expect(PatchItem.parse({ Priority: 1 })).toEqual({ Priority: 1 });
  });
});

describe('DynamoDB requests', () => {
  it('creates only where the id is free, and patches and deletes only what exists', () => {
    const item = newItem({ Title: 't', Priority: 2 }, 'user-1', new Date('2026-12-02T10:00:00Z'), () => ID);
    expect(item).toEqual({ id: ID, Title: 't', Priority: 2, CreateDate: '2026-12-02T10:00:00.000Z', CreatedBy: 'user-1' });
    expect(createRequest('items', item).ConditionExpression).toBe('attribute_not_exists(id)');
    expect(deleteRequest('items', ID).ConditionExpression).toBe('attribute_exists(id)');
    expect(patchRequest('items', ID, { Title: 'new' })).toEqual({
      TableName: 'items',
      Key: { id: ID },
      UpdateExpression: 'SET #Title = :Title',
      ExpressionAttributeNames: { '#Title': 'Title' },
      ExpressionAttributeValues: { ':Title': 'new' },
      ConditionExpression: 'attribute_exists(id)',
      ReturnValues: 'ALL_NEW',
    });
  });

  it('pages with limits from 1 to 100 and an opaque token that round-trips', () => {
    expect(listRequest('items', {})).toEqual({ TableName: 'items', Limit: 25, ExclusiveStartKey: undefined });
    const token = nextToken({ id: ID })!;
    expect(listRequest('items', { limit: '2', next: token })).toEqual({ TableName: 'items', Limit: 2, ExclusiveStartKey: { id: ID } });
    expect(nextToken(undefined)).toBeUndefined();
    for (const limit of ['0', '101', '2.5', 'ten']) expect(statusOf(() => listRequest('items', { limit }))).toBe(400);
    expect(statusOf(() => listRequest('items', { next: 'not-a-token' }))).toBe(400);
    expect(statusOf(() => listRequest('items', { next: Buffer.from('{"id":"x"}').toString('base64url') }))).toBe(400);
  });
});
