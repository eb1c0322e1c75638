// Benchmarks run the real handlers; their loggers read these when first imported.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
// aws-local-stepfunctions needs Promise.withResolvers (Node 22+); the same polyfill as the tests.
import '../worlds/polyfills';
