// What a step failure says about uploads: which files were and were not uploaded. Pure.

export interface UploadOutcome {
  name: string;
  ok: boolean;
  error?: string;
}

/**
 * Undefined when everything was uploaded; otherwise e.g.
 * `1 of 3 release assets were not uploaded to v1.0.0.` + the uploaded and the failed names.
 */
export function formatUploadFailure(
  results: readonly UploadOutcome[],
  where: string,
  what = 'release assets',
): string | undefined {
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) return undefined;
  const ok = results.filter((r) => r.ok).map((r) => r.name);
  return [
    `${failed.length} of ${results.length} ${what} were not uploaded to ${where}.`,
    `Uploaded: ${ok.length > 0 ? ok.join(', ') : 'none'}.`,
    'Not uploaded:',
    ...failed.map((r) => `  - ${r.name}: ${r.error ?? 'unknown error'}`),
  ].join('\n');
}
