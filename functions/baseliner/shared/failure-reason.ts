/**
 * What to say when a product failed: the task's cause, its error name, the provisioning record's
 * errors or status, in that order, and never an empty string (a Catch can hand over an empty Cause).
 */
export interface FailedTask {
  readonly Error?: string;
  readonly Cause?: string;
}

export interface FailedRecord {
  readonly status?: string;
  readonly errors?: readonly string[];
}

export function failureReason(error?: FailedTask, record?: FailedRecord): string {
  const cause = error?.Cause?.trim();
  const name = error?.Error?.trim();
  if (cause) return cause;
  if (name) return `${name} (the failed task gave no cause; see the execution history)`;
  const errors = (record?.errors ?? []).map((e) => e.trim()).filter(Boolean);
  if (errors.length > 0) return errors.join('; ');
  if (record?.status) return `the provisioning record ended ${record.status} without an error message`;
  return 'it failed before provisioning started, with no error and no cause (see the execution history)';
}
