// The plugin release as a store (see store.ts): every mode that writes a release asks it.
export { writeRelease, type StoreReport, type StoreWrite, type StoredFile, type FileState } from './store';
export {
  nextState,
  type RunWants,
  type RunFile,
  type Snapshot,
  type NextState,
  type StoreMode,
} from './next-state';
export { readSnapshot, listAssets, ReleaseStoreError } from './snapshot';
export { LOCK_NAME, parseTempName, tempName, publishedUrl } from './names';
export type { LockOptions } from './lock';
export { lockTuning } from './tuning';
