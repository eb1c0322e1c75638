/** lambda-storage, layer: answers from the storage-options table the reference layer puts in /opt. */
import { loadStorageOptions, lookup, type StorageOptions } from './reference';

let table: StorageOptions | undefined;

export const handler = async (event: unknown) => {
  table ??= loadStorageOptions(process.env.LAYER_ROOT ?? '/opt');
  return lookup(table, event);
};
