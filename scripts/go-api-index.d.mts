export declare const OUT: string;
export declare const FIRST_MINOR: number;
export declare function parseApiLine(line: string): { pkg: string; name?: string } | undefined;
export declare function buildIndex(files: Record<string, string>): Map<string, string[]>;
export declare function renderIndex(added: Map<string, string[]>, source: string): string;
export declare function apiDir(given?: string): string;
export declare function generate(dir: string): Promise<string>;
