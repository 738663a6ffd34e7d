export declare function outputProblems(
  outputs: Record<string, string | undefined>,
  expected: { targets: string[]; changed?: string[] },
  files: (path: string) => Buffer | undefined,
): string[];
