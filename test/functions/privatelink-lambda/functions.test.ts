import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as caller, InvokeFailed, readResponse } from '../../../functions/privatelink-lambda/caller';
import { BadRequest, greet, handler as greeter } from '../../../functions/privatelink-lambda/greeter';

const lambda = mockClient(LambdaClient);
const context = { awsRequestId: 'c0ffee00-0000-4000-8000-000000000001' } as never;

beforeEach(() => {
  lambda.reset();
  process.env.TARGET_FUNCTION = 'arn:aws:lambda:us-east-1:444444444444:function:greeter';
});

describe('greeter', () => {
  it('greets and says which request it answered', async () => {
    await expect(greeter({ name: ' Ada ' }, context)).resolves.toEqual({ greeting: 'Hello, Ada, from inside the VPC', requestId: 'c0ffee00-0000-4000-8000-000000000001' });
  });

  it.each([
    [{}, 'expected {"name": "…"}: name: Invalid input: expected string, received undefined'],
    [{ name: '' }, 'expected {"name": "…"}: name: Too small: expected string to have >=1 characters'],
    [{ name: 'x', extra: 1 }, 'expected {"name": "…"}: (root): Unrecognized key: "extra"'],
    ['hello', 'expected {"name": "…"}: (root): Invalid input: expected object, received string'],
  ])('rejects %j', (event, message) => {
    expect(() => greet(event, 'r')).toThrow(new BadRequest(message));
  });
});

describe('caller', () => {
  it('invokes the greeter through the endpoint and returns its answer', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: Buffer.from(JSON.stringify({ greeting: 'Hello, caller, from inside the VPC', requestId: 'r-1' })) as never });
    await expect(caller({ name: 'caller' }, context)).resolves.toEqual({ greeting: 'Hello, caller, from inside the VPC', requestId: 'r-1' });
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: 'arn:aws:lambda:us-east-1:444444444444:function:greeter' });
    expect(JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array).toString())).toEqual({ name: 'caller' });
  });

  it('reports a failed greeter with its error, and a denied call as it comes', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: Buffer.from('{"errorType":"BadRequest","errorMessage":"expected {\\"name\\"}"}') as never });
    await expect(caller({ name: '' }, context)).rejects.toThrow('the greeter failed (Unhandled): {"errorType":"BadRequest"');
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('User is not authorized to perform: lambda:InvokeFunction because no VPC endpoint policy allows it'), { name: 'AccessDeniedException' }));
    await expect(caller({}, context)).rejects.toThrow('no VPC endpoint policy allows it');
  });

  it('reads responses strictly', () => {
    expect(() => readResponse(202, undefined, undefined)).toThrow(new InvokeFailed('invoke returned status 202'));
    expect(() => readResponse(200, undefined, Buffer.from('not json'))).toThrow('the greeter answered something that is not JSON: not json');
  });

  it('refuses to run without its target', async () => {
    delete process.env.TARGET_FUNCTION;
    await expect(caller({}, context)).rejects.toThrow('TARGET_FUNCTION is not set');
  });
});
