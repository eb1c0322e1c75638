// Handlers run on a newer Lambda runtime than the Node 20 these tests run on.
import '../../worlds/polyfills';

// Handlers read these at import time; tests run offline with mocked clients.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_REGION ??= 'us-east-1';
