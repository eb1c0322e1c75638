/**
 * Physical names for resources whose names are shared by every stack in an account and Region
 * (SNS topics, EventBridge rules). A fixed name collides as soon as a pattern is deployed twice in
 * one place: by the pipeline and as a self-service product, or as two launches of the product.
 */
import { Aws, Fn } from 'aws-cdk-lib';

/**
 * The first 8 hex digits of the stack's id (`arn:…:stack/<name>/<uuid>`): different for every stack,
 * short enough for 64-character names, and a pseudo parameter, so a key policy can name the
 * resource without a dependency cycle.
 */
export function stackIdSuffix(): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
}

/** `<stack name>-<name>`: readable where the name may be long (SNS allows 256 characters). */
export function stackScopedName(name: string): string {
  return `${Aws.STACK_NAME}-${name}`;
}
