/**
 * The API facade's contract: an OpenAPI 3.0 document the REST API is built from (SpecRestApi), so
 * what is documented is what is deployed. API Gateway's extensions wire each operation to the
 * mediator, validate requests, and make the gateway's own errors JSON in the same Error shape.
 * `npx tsx stages/api-facade/openapi.ts` prints it (with a placeholder integration).
 */

const ERROR = { $ref: '#/components/schemas/Error' };
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponses = (codes: Record<string, string>) => Object.fromEntries(Object.entries(codes).map(([code, description]) => [code, { description, content: json(ERROR) }]));

const COMMON_ERRORS = {
  '400': 'The request is not valid (the body or customerId), or the legacy service refused it',
  '403': 'No or an unknown API key, or the caller may not invoke the API',
  '429': 'Over the usage plan’s throttle or quota',
  '502': 'The legacy service failed or sent an answer that could not be read',
  '503': 'The legacy service is unavailable (maintenance)',
  '504': 'The legacy service did not answer in time',
};

/** `x-amazon-apigateway-integration` for the mediator function. */
export function lambdaIntegration(invokeUri: string) {
  return { type: 'aws_proxy', httpMethod: 'POST', uri: invokeUri, passthroughBehavior: 'never', timeoutInMillis: 29000 };
}

const gatewayError = (code: string, message: string) => ({
  responseTemplates: { 'application/json': `{"error":{"code":"${code}","message":${message},"requestId":"$context.requestId"}}` },
});

export function facadeOpenApi(invokeUri: string): Record<string, unknown> {
  const integration = lambdaIntegration(invokeUri);
  const customerId = { name: 'customerId', in: 'path', required: true, description: 'Legacy customer number', schema: { type: 'string', pattern: '^C-\\d{4,10}$' }, example: 'C-1001' };
  const security = [{ api_key: [], sigv4: [] }];
  return {
    openapi: '3.0.1',
    info: {
      title: 'Customer API (facade over the legacy customer service)',
      version: '1.0.0',
      description: 'JSON over the legacy SOAP customer service. Every call needs an API key (x-api-key) of the usage plan and SigV4-signed IAM credentials.',
    },
    'x-amazon-apigateway-api-key-source': 'HEADER',
    'x-amazon-apigateway-request-validators': { all: { validateRequestBody: true, validateRequestParameters: true } },
    'x-amazon-apigateway-request-validator': 'all',
    'x-amazon-apigateway-gateway-responses': {
      BAD_REQUEST_BODY: { statusCode: 400, ...gatewayError('ValidationError', '"$context.error.validationErrorString"') },
      BAD_REQUEST_PARAMETERS: { statusCode: 400, ...gatewayError('BadRequest', '"$context.error.validationErrorString"') },
      INVALID_API_KEY: { statusCode: 403, ...gatewayError('Forbidden', '"a valid x-api-key header is required"') },
      API_CONFIGURATION_ERROR: { statusCode: 500, ...gatewayError('InternalError', '"the API is misconfigured"') },
      DEFAULT_4XX: gatewayError('ClientError', '$context.error.messageString'),
      DEFAULT_5XX: gatewayError('InternalError', '$context.error.messageString'),
      THROTTLED: { statusCode: 429, ...gatewayError('TooManyRequests', '"over the usage plan throttle"') },
      QUOTA_EXCEEDED: { statusCode: 429, ...gatewayError('QuotaExceeded', '"over the usage plan quota"') },
    },
    paths: {
      '/customers/{customerId}': {
        get: {
          operationId: 'getCustomer',
          summary: 'One customer',
          parameters: [customerId],
          security,
          responses: {
            '200': { description: 'The customer', content: json({ $ref: '#/components/schemas/Customer' }) },
            '404': { description: 'No such customer', content: json(ERROR) },
            ...errorResponses(COMMON_ERRORS),
          },
          'x-amazon-apigateway-integration': integration,
        },
        patch: {
          operationId: 'updateCustomerEmail',
          summary: "Change a customer's email address",
          parameters: [customerId],
          security,
          requestBody: { required: true, content: json({ $ref: '#/components/schemas/UpdateEmail' }) },
          responses: {
            '200': { description: 'The updated customer', content: json({ $ref: '#/components/schemas/Customer' }) },
            '404': { description: 'No such customer', content: json(ERROR) },
            '409': { description: 'The legacy service refused the change (the address belongs to another customer)', content: json(ERROR) },
            '415': { description: 'The body is not application/json', content: json(ERROR) },
            ...errorResponses(COMMON_ERRORS),
          },
          'x-amazon-apigateway-integration': integration,
        },
      },
      '/customers/{customerId}/orders': {
        get: {
          operationId: 'listOrders',
          summary: "A customer's orders",
          parameters: [customerId],
          security,
          responses: {
            '200': { description: 'The orders, newest first as the legacy service lists them', content: json({ $ref: '#/components/schemas/OrderList' }) },
            '404': { description: 'No such customer', content: json(ERROR) },
            ...errorResponses(COMMON_ERRORS),
          },
          'x-amazon-apigateway-integration': integration,
        },
      },
    },
    components: {
      securitySchemes: {
        api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' },
        sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' },
      },
      schemas: {
        Money: { type: 'object', additionalProperties: false, required: ['amount', 'currency'], properties: { amount: { type: 'number' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } } },
        Customer: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'name', 'email', 'status', 'customerSince', 'creditLimit'],
          properties: {
            id: { type: 'string', pattern: '^C-\\d{4,10}$' },
            name: { type: 'string', minLength: 1 },
            email: { type: 'string', format: 'email', nullable: true },
            status: { type: 'string', enum: ['active', 'suspended', 'closed'] },
            customerSince: { type: 'string', format: 'date' },
            creditLimit: {
              type: 'object',
              nullable: true,
              additionalProperties: false,
              required: ['amount', 'currency'],
              properties: { amount: { type: 'number' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
            },
          },
        },
        Order: {
          type: 'object',
          additionalProperties: false,
          required: ['number', 'date', 'total', 'state'],
          properties: {
            number: { type: 'string' },
            date: { type: 'string', format: 'date' },
            total: { $ref: '#/components/schemas/Money' },
            state: { type: 'string', enum: ['open', 'shipped', 'delivered', 'cancelled'] },
          },
        },
        OrderList: {
          type: 'object',
          additionalProperties: false,
          required: ['customerId', 'orders'],
          properties: { customerId: { type: 'string' }, orders: { type: 'array', items: { $ref: '#/components/schemas/Order' } } },
        },
        UpdateEmail: { type: 'object', additionalProperties: false, required: ['email'], properties: { email: { type: 'string', format: 'email', maxLength: 254 } } },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' }, details: { type: 'array', items: { type: 'object' } } },
            },
          },
        },
      },
    },
  };
}

if (require.main === module) {
  process.stdout.write(
    `${JSON.stringify(facadeOpenApi('arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111111111111:function:mediator/invocations'), null, 2)}\n`,
  );
}
