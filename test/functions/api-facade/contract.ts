/** Checks a handler's response against the OpenAPI contract: the status is documented for the operation, and the body matches its schema. */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { facadeOpenApi } from '../../../stages/api-facade/openapi';

const doc = facadeOpenApi('arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111111111111:function:f/invocations') as any;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ components: doc.components }, 'openapi');

export function checkAgainstContract(path: string, method: string, response: { statusCode: number; headers: Record<string, string>; body: string }): string[] {
  const operation = doc.paths[path]?.[method.toLowerCase()];
  if (!operation) return [`${method} ${path} is not in the contract`];
  const documented = operation.responses[String(response.statusCode)];
  if (!documented) return [`${method} ${path} does not document status ${response.statusCode}`];
  if (response.headers['content-type'] !== 'application/json') return [`content-type is ${response.headers['content-type']}`];
  const ref = documented.content['application/json'].schema.$ref.replace('#/components', 'openapi#/components');
  const validate = ajv.getSchema(ref)!;
  return validate(JSON.parse(response.body)) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message}`);
}

export const openApiDocument = doc;
