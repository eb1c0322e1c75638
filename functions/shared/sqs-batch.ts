/**
 * The one batch setting every SQS consumer shares (Powertools batch processing). A batch whose
 * records all fail is answered like any other, with every record in batchItemFailures: each goes
 * back to its queue and reaches its DLQ after maxReceiveCount, and the invocation itself does not
 * count as an error. Powertools' default would throw FullBatchFailureError instead.
 */
export const SQS_BATCH_OPTIONS = { throwOnFullBatchFailure: false } as const;
