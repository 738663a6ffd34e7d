/** The documentation files below `root` (README.md, CONTRIBUTING.md, docs/**\/*.md), relative, sorted. */
export function docFiles(root: string): string[];
