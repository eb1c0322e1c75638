import { failureReason } from '../../../functions/baseliner/shared/failure-reason';

describe('failureReason (what the tracking table and SNS say when a product failed)', () => {
  it('gives the task’s cause when there is one', () => {
    expect(failureReason({ Error: 'ProvisioningFailed', Cause: 'record rec-1 ended FAILED: CREATE_FAILED' })).toBe('record rec-1 ended FAILED: CREATE_FAILED');
  });

  it.each([
    [{ Error: 'States.Timeout', Cause: '' }, undefined, 'States.Timeout (the failed task gave no cause; see the execution history)'],
    [{ Error: 'States.TaskFailed', Cause: '   ' }, undefined, 'States.TaskFailed (the failed task gave no cause; see the execution history)'],
    [{ Error: '', Cause: '' }, { status: 'FAILED', errors: ['', 'CREATE_FAILED: Budget already exists'] }, 'CREATE_FAILED: Budget already exists'],
    [undefined, { status: 'FAILED', errors: [] }, 'the provisioning record ended FAILED without an error message'],
    [{ Cause: '' }, undefined, 'it failed before provisioning started, with no error and no cause (see the execution history)'],
  ])('never reports an empty reason: %j, %j', (error, record, expected) => {
    expect(failureReason(error, record)).toBe(expected);
  });
});
